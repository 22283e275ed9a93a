/**
 * Code action requests carrying malformed diagnostics, over the real protocol: forged or stale
 * `data` (unknown or prototype-named formats, missing or mistyped fields, offsets outside the
 * document, a rule that does not match its fix), diagnostics without a range, non-objects. Each bad
 * diagnostic costs only its own actions; the good ones in the same request keep theirs exactly.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExecuteCommandRequest } from 'vscode-languageserver-protocol/node';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import { FixClient } from './fixHarness';
import { KEY, KEYS_PY } from './testData';

/** A copy of `d` with `data.fix` changed by `change` (the data as a client could send it back). */
function withFix(d: Diagnostic, change: (fix: Record<string, unknown>) => void): Diagnostic {
  const copy = JSON.parse(JSON.stringify(d)) as Diagnostic & { data: { fix: Record<string, unknown> } };
  change(copy.data.fix);
  return copy;
}

function withData(d: Diagnostic, change: (data: Record<string, unknown>) => void): Diagnostic {
  const copy = JSON.parse(JSON.stringify(d)) as Diagnostic & { data: Record<string, unknown> };
  change(copy.data);
  return copy;
}

describe('code actions: malformed diagnostics are skipped one by one', function () {
  this.timeout(30000);
  let client: FixClient;
  let ws: string;
  let uri: string;
  let key: Diagnostic;
  let tls: Diagnostic;

  before(async () => {
    ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-malformed-')));
    client = await FixClient.start({ folder: ws, configuration: (item) => (item.section === 'mispGuard' ? { secretStore: 'secretStorage' } : null) });
    uri = pathToFileURL(path.join(ws, 'keys.py')).href;
    const published = await client.lsp.open(uri, 'python', KEYS_PY);
    key = published.diagnostics.find((d) => d.code === 'hardcoded-key')!;
    tls = published.diagnostics.find((d) => d.code === 'tls-verify-disabled')!;
    assert.ok(key && tls);
  });
  after(async () => {
    const leaks = client.leaks();
    await client.stop();
    fs.rmSync(ws, { recursive: true, force: true });
    assert.deepEqual(leaks, []);
  });

  const titles = (actions: CodeAction[]) => actions.map((a) => a.title);

  /** What the server offers for the two real diagnostics alone. */
  async function good(): Promise<CodeAction[]> {
    return client.codeActions(uri, [key, tls]);
  }

  const BAD: [string, () => unknown][] = [
    ['format "constructor"', () => withFix(key, (f) => { f.format = 'constructor'; })],
    ['format "__proto__"', () => withFix(key, (f) => { f.format = '__proto__'; })],
    ['format "toString" on a TLS fix', () => withFix(tls, (f) => { f.format = 'toString'; })],
    ['an unknown flavor', () => withFix(key, (f) => { f.flavor = 'hasOwnProperty'; })],
    ['no valueStart', () => withFix(key, (f) => { delete f.valueStart; })],
    ['no literal range', () => withFix(key, (f) => { delete f.literalStart; delete f.literalEnd; })],
    ['a string offset', () => withFix(key, (f) => { f.valueStart = String(f.valueStart); })],
    ['a fractional offset', () => withFix(tls, (f) => { f.start = 0.5; })],
    ['a negative offset', () => withFix(tls, (f) => { f.start = -3; })],
    ['offsets past the end of the document', () => withFix(key, (f) => { f.valueStart = 100000; f.valueEnd = 100040; f.literalStart = 99999; f.literalEnd = 100041; })],
    ['a TLS range past the end', () => withFix(tls, (f) => { f.end = KEYS_PY.length + 1; })],
    ['a reversed range', () => withFix(tls, (f) => { [f.start, f.end] = [f.end, f.start]; })],
    ['quote as a number', () => withFix(key, (f) => { f.quote = 39; })],
    ['split as a string', () => withFix(key, (f) => { f.split = 'no'; })],
    ['keyPath with a number', () => withFix(key, (f) => { f.keyPath = ['misp', 1]; })],
    ['replacement missing', () => withFix(tls, (f) => { delete f.replacement; })],
    ['an unknown fix type', () => withFix(key, (f) => { f.type = 'password'; })],
    ['a key rule with a TLS fix', () => withData(key, (d) => { d.fix = JSON.parse(JSON.stringify((tls.data as { fix: unknown }).fix)); })],
    ['an unknown rule id', () => withData(key, (d) => { d.ruleId = 'constructor'; })],
    ['a version as a string', () => withData(key, (d) => { d.version = '1'; })],
    ['a stale version', () => withData(key, (d) => { d.version = 7; })],
    ['data null', () => withData(key, (d) => { for (const k of Object.keys(d)) delete d[k]; })],
    ['fix null', () => withData(tls, (d) => { d.fix = null; })],
    ['no range', () => { const d = JSON.parse(JSON.stringify(key)) as Record<string, unknown>; delete d.range; return d; }],
    ['range end null', () => { const d = JSON.parse(JSON.stringify(key)) as { range: { end: unknown } }; d.range.end = null; return d; }],
    ['a null diagnostic', () => null],
    ['a string diagnostic', () => 'hardcoded-key'],
  ];

  for (const [name, make] of BAD) {
    it(`${name}: no action for it, the valid diagnostics keep theirs`, async () => {
      const expected = await good();
      assert.deepEqual(titles(expected), [
        'Move MISP key to environment variable MISP_KEY',
        'Move MISP key to HashiCorp Vault (secret/misp, field api_key)',
        'Suppress hardcoded-key here (misp-guard-ignore)',
        'Enable TLS certificate verification',
        'Suppress tls-verify-disabled here (misp-guard-ignore)',
      ]);
      const bad = make() as Diagnostic;
      const actions = await client.codeActions(uri, [bad, key, bad, tls, bad], undefined, key.range);
      assert.deepEqual(actions, expected);
      assert.deepEqual(await client.codeActions(uri, [bad], undefined, key.range), []);
    });
  }

  it('every bad diagnostic in one request: exactly the actions of the good ones', async () => {
    const expected = await good();
    const bad = BAD.map(([, make]) => make() as Diagnostic);
    const actions = await client.codeActions(uri, [...bad.slice(0, 10), key, ...bad.slice(10, 20), tls, ...bad.slice(20)], undefined, key.range);
    assert.deepEqual(actions, expected);
  });

  it('a malformed context (only not a list, diagnostics not a list) is answered, not failed', async () => {
    const send = (context: unknown) => client.lsp.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: key.range, context }) as Promise<CodeAction[]>;
    assert.deepEqual(titles(await send({ diagnostics: [key], only: 'quickfix' })), titles(await client.codeActions(uri, [key])));
    assert.deepEqual(await send({ diagnostics: 'all' }), []);
    assert.deepEqual(await send(null), []);
  });

  it('a key-fix command with forged arguments fails politely and edits nothing', async () => {
    const [move] = await client.codeActions(uri, [key]);
    const args = JSON.parse(JSON.stringify(move.command!.arguments![0])) as { fix: Record<string, unknown> };
    const before = client.applied.length;
    for (const forge of [(f: Record<string, unknown>) => { f.format = 'constructor'; }, (f: Record<string, unknown>) => { f.valueStart = 1e6; f.valueEnd = 1e6 + 40; f.literalStart = 1e6 - 1; f.literalEnd = 1e6 + 41; }]) {
      const forged = JSON.parse(JSON.stringify(args)) as { fix: Record<string, unknown> };
      forge(forged.fix);
      const outcome = await client.lsp.connection.sendRequest(ExecuteCommandRequest.type, { command: move.command!.command, arguments: [forged] });
      assert.equal(outcome, 'failed');
    }
    assert.equal(client.applied.length, before, 'no edit was sent');
    assert.deepEqual(client.messages.slice(-2).map((m) => m.message), [
      'MISP Guard: the quick fix was called with arguments it does not understand; nothing changed',
      'MISP Guard: the fix is no longer available for keys.py; nothing changed',
    ]);
    assert.ok(client.visibleTexts().every((t) => !t.includes(KEY)));
  });
});
