/**
 * Code actions over the real LSP protocol: every corpus file fixed finding by finding through the
 * actions the server offers (keys through the store-then-edit command), TLS and suppress edits,
 * fix-all, the `only` filter, clients that cannot apply edits.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { analyzeText } from '../../server/src/core';
import { languageIdForPath } from '../../server/src/node/walker';
import { parses } from '../unit/fixesCheck';
import { vaultUnderTest } from '../support/fakeVault';
import type { VaultUnderTest } from '../support/fakeVault';
import { applyWorkspaceEdit, FixClient } from './fixHarness';
import { DEFAULT_CAPABILITIES, LspHarness, ROOT } from './lspHarness';
import { KEY, KEYS_PY } from './testData';

const CORPUS = path.join(ROOT, 'test', 'fixtures', 'corpus');
const expected = JSON.parse(fs.readFileSync(path.join(CORPUS, 'expected.json'), 'utf8')) as { findings: { file: string; match: string }[] };
const corpusFiles = [...new Set(expected.findings.map((f) => f.file))].sort();
const FIX_ALL = 'source.fixAll.mispGuard';

describe('code actions over LSP', function () {
  this.timeout(120000);
  let vault: VaultUnderTest;
  let client: FixClient;
  let ws: string;
  let config: Record<string, unknown>;
  let vaultPath: string;
  let n = 0;

  before(async () => {
    vault = await vaultUnderTest();
    vaultPath = vault.freshPath();
    ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-ws-')));
    config = { secretStore: 'secretStorage', vault: { address: vault.address, token: vault.token, mount: vault.mount, path: vaultPath }, caBundle: '/etc/ssl/certs/misp-ca.pem' };
    client = await FixClient.start({ folder: ws, configuration: (item) => (item.section === 'mispGuard' ? config : null) });
  });
  after(async () => {
    const leaks = client.leaks();
    await client.stop();
    await vault.close();
    assert.deepEqual(leaks, []);
  });

  /** A document state on the client side: its text and version, kept in sync with the server. */
  interface Doc { uri: string; languageId: string; text: string; version: number; diagnostics: Diagnostic[] }

  async function open(rel: string, text: string): Promise<Doc> {
    const uri = pathToFileURL(path.join(ws, `${++n}`, rel)).href;
    const languageId = languageIdForPath(rel);
    const published = await client.lsp.open(uri, languageId, text);
    return { uri, languageId, text, version: 1, diagnostics: published.diagnostics };
  }

  /** Applies a workspace edit the way an editor does: new text, next version, wait for diagnostics. */
  async function apply(doc: Doc, edit: WorkspaceEdit): Promise<void> {
    doc.text = applyWorkspaceEdit(doc.text, doc.uri, edit, doc.languageId);
    doc.version++;
    doc.diagnostics = (await client.lsp.change(doc.uri, doc.text, doc.version)).diagnostics;
  }

  /** Runs an action: its edit, or its command (and then the edit the server sends back). */
  async function take(doc: Doc, action: CodeAction): Promise<void> {
    if (action.edit) return apply(doc, action.edit);
    const before = client.applied.length;
    const outcome = await client.execute(action.command);
    const message = client.messages[client.messages.length - 1]?.message;
    assert.equal(outcome, 'applied', `${action.title}: ${message}`);
    assert.equal(client.applied.length, before + 1);
    return apply(doc, client.applied[before].edit);
  }

  describe('every corpus file, fixed through the preferred action of each finding', () => {
    for (const rel of corpusFiles) {
      it(rel, async () => {
        const text = fs.readFileSync(path.join(CORPUS, rel), 'utf8');
        const doc = await open(rel, text);
        assert.ok(doc.diagnostics.length > 0);
        const stored = new Set<string>();
        for (let round = 0; doc.diagnostics.length > 0; round++) {
          assert.ok(round < 40, 'the fixes converge');
          const actions = await client.codeActions(doc.uri, [doc.diagnostics[0]]);
          assert.ok(!JSON.stringify(actions).includes(KEY) && actions.every((a) => !/[A-Za-z0-9]{40}/.test(a.title)), 'no key in any action');
          const action = actions.find((a) => a.isPreferred) ?? actions.find((a) => !a.title.startsWith('Suppress')) ?? actions[0];
          assert.ok(action, `an action for ${String(doc.diagnostics[0].code)}`);
          client.secrets.clear();
          await take(doc, action);
          for (const v of client.secrets.values()) stored.add(v);
          const field = (await vault.read(vaultPath))?.api_key;
          if (typeof field === 'string') {
            stored.add(field);
            await vault.write(vaultPath, {});
          }
        }
        const rescan = analyzeText(doc.text, { path: rel, languageId: doc.languageId });
        assert.deepEqual(rescan.findings.map((f) => f.ruleId), [], 'no finding left on rescan');
        const parsed = parses(doc.text, rescan.format);
        assert.ok(!('ok' in parsed) || parsed.ok, `${rel} no longer parses: ${JSON.stringify(parsed)}`);
        for (const f of expected.findings.filter((e) => e.file === rel)) {
          const key = /(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/.exec(f.match)?.[0];
          if (key && !/^[0-9a-f]{40}$/.test(key)) assert.ok(stored.has(key) || !text.includes(key), `${rel}: the key ${key.slice(0, 4)}… was stored before it left the file`);
        }
        await client.lsp.close(doc.uri);
      });
    }
  });

  it('TLS: the fix is a plain edit; with a CA bundle set, a second fix points at it', async () => {
    const doc = await open('keys.py', KEYS_PY);
    const tls = doc.diagnostics.find((d) => d.code === 'tls-verify-disabled')!;
    const actions = await client.codeActions(doc.uri, [tls]);
    assert.deepEqual(actions.map((a) => [a.title, !!a.edit, !!a.command, !!a.isPreferred]), [
      ['Enable TLS certificate verification', true, false, true],
      ['Verify TLS against the CA bundle /etc/ssl/certs/misp-ca.pem', true, false, false],
      ['Suppress tls-verify-disabled here (misp-guard-ignore)', true, false, false],
    ]);
    const withCa = applyWorkspaceEdit(doc.text, doc.uri, actions[1].edit!);
    assert.match(withCa, /misp_verifycert = "\/etc\/ssl\/certs\/misp-ca\.pem"/);
    await take(doc, actions[0]);
    assert.match(doc.text, /misp_verifycert = True/);
    assert.deepEqual(doc.diagnostics.map((d) => d.code), ['hardcoded-key']);
  });

  it('suppress: a directive the server honours, the value untouched', async () => {
    const doc = await open('keys.py', KEYS_PY);
    for (const code of ['hardcoded-key', 'tls-verify-disabled']) {
      const d = doc.diagnostics.find((x) => x.code === code)!;
      const action = (await client.codeActions(doc.uri, [d])).find((a) => a.title.startsWith('Suppress'))!;
      await take(doc, action);
    }
    assert.deepEqual(doc.diagnostics, []);
    assert.ok(doc.text.includes(KEY), 'suppressing keeps the value');
    assert.match(doc.text, /# misp-guard-ignore: hardcoded-key/);
  });

  it('fix-all: one action for the whole file, only when asked for source actions', async () => {
    config.secretStore = 'secretStorage';
    client.secrets.clear();
    const doc = await open('keys.py', `${KEYS_PY}other = PyMISP(misp_url, misp_key, ssl=False)\n`);
    assert.deepEqual(doc.diagnostics.map((d) => d.code).sort(), ['hardcoded-key', 'tls-verify-disabled', 'tls-verify-disabled']);
    assert.deepEqual(await client.codeActions(doc.uri, doc.diagnostics), (await client.codeActions(doc.uri, doc.diagnostics, ['quickfix'])));
    assert.ok(!(await client.codeActions(doc.uri, doc.diagnostics)).some((a) => a.kind === FIX_ALL));
    for (const only of [[FIX_ALL], ['source.fixAll'], ['source']]) {
      const actions = await client.codeActions(doc.uri, [], only);
      assert.deepEqual(actions.map((a) => [a.kind, a.title]), [[FIX_ALL, 'Fix all MISP Guard problems in this file (3)']], only.join());
    }
    const [all] = await client.codeActions(doc.uri, [], [FIX_ALL]);
    assert.ok(all.command && !all.edit, 'moving a key needs the command');
    await take(doc, all);
    assert.deepEqual(doc.diagnostics, []);
    assert.equal(doc.text.match(/^import os$/gm)?.length, 1);
    assert.deepEqual([...client.secrets], [['MISP_KEY', KEY]]);
    const parsed = parses(doc.text, 'python');
    assert.ok(!('ok' in parsed) || parsed.ok);
    assert.deepEqual(await client.codeActions(doc.uri, [], [FIX_ALL]), [], 'nothing left to fix');
  });

  it('fix-all without keys is a plain edit', async () => {
    const doc = await open('tls.py', 'from pymisp import PyMISP\nmisp = PyMISP("https://misp.example.org", os.environ["MISP_KEY"], ssl=False)\n');
    const [all] = await client.codeActions(doc.uri, [], [FIX_ALL]);
    assert.ok(all.edit && !all.command);
    await apply(doc, all.edit);
    assert.deepEqual(doc.diagnostics, []);
  });

  it('a client that cannot apply edits gets no key-moving actions', async () => {
    const plain = await LspHarness.start({ folder: ws, capabilities: DEFAULT_CAPABILITIES });
    try {
      const uri = pathToFileURL(path.join(ws, 'plain.py')).href;
      const published = await plain.open(uri, 'python', KEYS_PY);
      const key = published.diagnostics.find((d) => d.code === 'hardcoded-key')!;
      const actions = await plain.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: key.range, context: { diagnostics: [key] } }) as CodeAction[];
      assert.deepEqual(actions.map((a) => a.title), ['Suppress hardcoded-key here (misp-guard-ignore)']);
      assert.ok(actions[0].edit?.changes, 'unversioned edits for a client without documentChanges');
    } finally {
      await plain.stop();
    }
  });
});
