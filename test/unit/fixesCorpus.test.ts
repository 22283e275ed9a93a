/** Every plan for every finding of every corpus file: the finding goes, the key is kept, the file still parses. */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeText } from '../../server/src/core';
import { planFixes } from '../../server/src/core/fixes';
import { describeFile } from './fixesCheck';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const ROOT = join(FIXTURES, 'corpus');
const SETTINGS = { caBundle: '/etc/ssl/certs/misp-ca.pem' };

function walk(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name === 'expected.json' ? [] : [join(d, e.name)]));
}

const files = walk(ROOT).map((p) => ({ rel: relative(ROOT, p).replace(/\\/g, '/'), text: readFileSync(p, 'utf8') }));
const expected = JSON.parse(readFileSync(join(ROOT, 'expected.json'), 'utf8')) as { findings: Array<{ file: string; line: number; kind: string; match: string }> };

describe('fix plans: the public corpus', () => {
  it('covers every finding listed in expected.json', () => {
    let n = 0;
    for (const { rel, text } of files) for (const f of analyzeText(text, { path: rel }).findings) { n++; assert.ok(planFixes(text, f, SETTINGS).length > 0, `${rel}: no plan for ${f.ruleId}`); }
    assert.equal(n, expected.findings.length);
  });
  for (const { rel, text } of files) {
    if (!analyzeText(text, { path: rel }).findings.length) continue;
    const keys = expected.findings.filter((e) => e.file === rel).map((e) => /[A-Za-z0-9]{40}/.exec(e.match)?.[0]).filter((k): k is string => !!k);
    describe(rel, () => describeFile(rel, text, { settings: SETTINGS, keys }));
  }
});

describe('fix plans: the corpus with CRLF line breaks', () => {
  for (const { rel, text } of files) {
    if (!/\.(py|ya?ml|env|ini|conf|toml|properties|sh|ts|go|java|php)$|Dockerfile$|\.env$/.test(rel) || !analyzeText(text, { path: rel }).findings.length) continue;
    const crlf = text.replace(/\r?\n/g, '\r\n');
    describe(`${rel} (CRLF)`, () => describeFile(rel, crlf, { settings: SETTINGS, crlf: true }));
  }
});

/** Findings the builders leave to the user, and why. */
const NO_MOVE: Record<string, Record<number, string>> = {
  'redteam/k8s/misp-exporter-configmap.yaml': { 10: 'a ConfigMap holds no secrets: the file must become a Secret, which is a manual change' },
  'redteam2/k8s/cronjob-misp-export.yaml': { 24: 'a curl command in a folded block of container args: the container needs an env entry from a Secret, a manual change' },
  'redteam2/k8s/misp-feeder.yaml': { 25: 'a key in a settings file held by a ConfigMap (the file\'s Secret document does not make the ConfigMap one): the settings must move to a Secret, a manual change' },
  'redteam2/k8s/overlays/prod/kustomization.yaml': { 28: 'a secretGenerator literal: the Secret must come from an envs/files source kept out of the repository' },
  'redteam2/zeek/site/misp-lookup.zeek': { 16: 'Zeek has no idiomatic environment lookup for a redef-able constant' },
  'redteam6/sh/bootstrap_keys.sh': { 6: 'a quoted heredoc writes the key verbatim: unquoting it would expand every $ in the body' },
  'redteam7/php/app/Jobs/SyncMispIndicators.php': { 16: 'a PHP class constant takes only constant expressions' },
  'redteam7/tekton/misp-export-task.yaml': { 20: 'a Tekton step argument: the step needs an env entry from a Secret, a manual change' },
  'redteam8/consul/kv-export.json': { 5: 'a base64-encoded value (consul kv export): consul decodes it, so a reference to the plain key cannot take its place; re-import the key from Vault instead' },
  'redteam8/erlang/config/sys.config': { 6: 'sys.config is an Erlang term file read verbatim (only a release\'s sys.config.src gets ${VAR} substitution): the file must be renamed, a manual change' },
  'redteam8/haskell/src/Misp/Client.hs': { 19: 'a top-level Haskell binding is pure: reading the environment needs IO (lookupEnv) at its use sites, a manual change' },
  'redteam9/k8s/misp-sync/cronjob-args.yaml': { 19: 'a container argument: the container needs an env entry from a Secret and $(VAR) in its args, a manual change' },
  'redteam8/zig/src/misp.zig': { 5: 'Zig reads the environment at run time through an allocator (std.process.getEnvVarOwned): a const cannot become a lookup' },
};

for (const corpus of readdirSync(FIXTURES).filter((n) => /^redteam\d*$/.test(n)).sort()) {
  describe(`fix plans: the ${corpus} corpus`, () => {
    const root = join(FIXTURES, corpus);
    for (const p of walk(root)) {
      const rel = relative(root, p).replace(/\\/g, '/');
      const text = readFileSync(p, 'utf8');
      if (!analyzeText(text, { path: rel }).findings.length) continue;
      describe(rel, () => describeFile(rel, text, { settings: SETTINGS, noMove: NO_MOVE[`${corpus}/${rel}`] }));
    }
  });
}
