/**
 * The extension manifest agrees with the code: every setting has a schema entry with the same
 * default, every command has a handler, every language and grammar file exists and compiles.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS, RULES } from '../../server/src/core';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { ROOT } from './lspHarness';

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    configuration: { properties: Record<string, { default: unknown; properties?: Record<string, { enum: string[]; default: string }> }> };
    commands: { command: string }[];
    languages: { id: string; configuration: string; extensions?: string[]; filenames?: string[]; filenamePatterns?: string[] }[];
    grammars: { language: string; scopeName: string; path: string }[];
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** Every string under `match`, `begin` or `end` of a TextMate grammar. */
function grammarRegexes(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) grammarRegexes(n, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') out.push(v);
      else grammarRegexes(v, out);
    }
  }
  return out;
}

describe('extension manifest', () => {
  it('activates on startup and points at the bundled client', () => {
    assert.deepEqual(manifest.activationEvents, ['onStartupFinished']);
    assert.equal(manifest.main, './dist/client.js');
  });

  it('declares every setting with the defaults of settings.ts', () => {
    const props = manifest.contributes.configuration.properties;
    const flat: Record<string, unknown> = {
      'mispGuard.enable': DEFAULT_SETTINGS.enable,
      'mispGuard.severity': DEFAULT_SETTINGS.severity,
      'mispGuard.exclude': DEFAULT_SETTINGS.exclude,
      'mispGuard.extraKeyNames': DEFAULT_SETTINGS.extraKeyNames,
      'mispGuard.envVarName': DEFAULT_SETTINGS.envVarName,
      'mispGuard.vault.address': DEFAULT_SETTINGS.vault.address,
      'mispGuard.vault.mount': DEFAULT_SETTINGS.vault.mount,
      'mispGuard.vault.path': DEFAULT_SETTINGS.vault.path,
      'mispGuard.vault.field': DEFAULT_SETTINGS.vault.field,
      'mispGuard.vault.token': DEFAULT_SETTINGS.vaultToken,
      'mispGuard.secretStore': DEFAULT_SETTINGS.secretStore,
      'mispGuard.caBundle': DEFAULT_SETTINGS.caBundle,
      'mispGuard.baseline': DEFAULT_SETTINGS.baseline,
    };
    assert.deepEqual(Object.keys(props).sort(), Object.keys(flat).sort());
    for (const [key, value] of Object.entries(flat)) assert.deepEqual(props[key].default, value, key);
  });

  it('offers a severity for every rule, defaulting to the rule default', () => {
    const severity = manifest.contributes.configuration.properties['mispGuard.severity'].properties ?? {};
    assert.deepEqual(Object.keys(severity).sort(), [...RULE_IDS].sort());
    for (const id of RULE_IDS) {
      assert.deepEqual(severity[id].enum, ['error', 'warning', 'info', 'hint', 'off']);
      assert.equal(severity[id].default, RULES[id].defaultSeverity);
    }
  });

  it('contributes exactly the commands that commands.ts handles', () => {
    const source = readFileSync(join(ROOT, 'client', 'src', 'commands.ts'), 'utf8');
    const handled = [...source.matchAll(/^\s*'(mispGuard\.[A-Za-z]+)':/gm)].map((m) => m[1]).sort();
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), handled);
    assert.ok(handled.includes('mispGuard.restartServer') && handled.includes('mispGuard.showOutput'));
  });

  it('contributes HOCON and dotenv with existing, compiling grammars and language configurations', () => {
    const byId = new Map(manifest.contributes.languages.map((l) => [l.id, l]));
    assert.ok(byId.get('hocon')?.filenames?.includes('application.conf'));
    assert.ok(byId.get('hocon')?.extensions?.includes('.hocon'));
    assert.ok(byId.get('dotenv')?.filenames?.includes('.env'));
    for (const lang of manifest.contributes.languages) {
      const config = JSON.parse(readFileSync(join(ROOT, lang.configuration), 'utf8')) as { comments: { lineComment: string } };
      assert.equal(config.comments.lineComment, '#');
      const grammar = manifest.contributes.grammars.find((g) => g.language === lang.id);
      assert.ok(grammar, `no grammar for ${lang.id}`);
      assert.ok(existsSync(join(ROOT, grammar.path)), grammar.path);
      const json = JSON.parse(readFileSync(join(ROOT, grammar.path), 'utf8')) as { scopeName: string };
      assert.equal(json.scopeName, grammar.scopeName);
      const regexes = grammarRegexes(json);
      assert.ok(regexes.length > 5);
      for (const re of regexes) assert.doesNotThrow(() => new RegExp(re), re);
    }
  });

  it('tokenizes HOCON keys of a TheHive config with the member rule', () => {
    const grammar = JSON.parse(readFileSync(join(ROOT, 'syntaxes', 'hocon.tmLanguage.json'), 'utf8')) as { repository: { member: { begin: string } } };
    const member = new RegExp(grammar.repository.member.begin, 'g');
    const keys = (line: string): string[] => [...line.matchAll(member)].map((m) => m[1]);
    assert.deepEqual(keys('        ssl.loose.acceptAnyCertificate: true'), ['ssl.loose.acceptAnyCertificate']);
    assert.deepEqual(keys('play.modules.enabled += org.thp.thehive.connector.misp.MispModule'), ['play.modules.enabled']);
    assert.deepEqual(keys('{ name = "MISP", "auth.key" = x }'), ['name', '"auth.key"']);
    assert.deepEqual(keys('url = "https://misp.example.org:443/events"'), ['url']);
  });
});
