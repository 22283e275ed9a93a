import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { DiagnosticSeverity, TextDocumentSyncKind } from 'vscode-languageserver-protocol/node';
import type { Diagnostic, PublishDiagnosticsParams, TextDocumentSyncOptions } from 'vscode-languageserver-protocol/node';
import { ruleHelpUri } from '../../server/src/core';
import type { StatusParams } from '../../server/src/protocol';
import { KEY, KEYS_PY, positionOf, textAt } from './testData';
import { fileUri, LspHarness, messageText, SERVER } from './lspHarness';

const byCode = (p: PublishDiagnosticsParams, code: string): Diagnostic[] => p.diagnostics.filter((d) => d.code === code);

describe('language server over stdio: document lifecycle', function () {
  let lsp: LspHarness;
  before(async () => { lsp = await LspHarness.start(); });
  after(() => lsp.stopExpectingNoLeaks('a key reached the client'));

  it('initializes with incremental sync, push diagnostics only', () => {
    const caps = lsp.initializeResult.capabilities;
    const sync = caps.textDocumentSync as TextDocumentSyncOptions;
    assert.equal(sync.openClose, true);
    assert.equal(sync.change, TextDocumentSyncKind.Incremental);
    assert.equal(caps.diagnosticProvider, undefined);
    assert.equal(lsp.initializeResult.serverInfo?.name, 'misp-guard');
  });

  it('publishes diagnostics on open with code, range, severity, source, link and fix data', async () => {
    const uri = fileUri('tmp-lsp', 'open', 'keys.py');
    const p = await lsp.open(uri, 'python', KEYS_PY);
    assert.equal(p.version, 1);
    const [key, ...more] = byCode(p, 'hardcoded-key');
    assert.ok(key, `no hardcoded-key in ${JSON.stringify(p.diagnostics)}`);
    assert.equal(more.length, 0);
    assert.equal(key.range.start.line, 2);
    assert.equal(key.range.end.line, 2);
    assert.ok([KEY, `'${KEY}'`].includes(textAt(KEYS_PY, key.range)), `range covers "${textAt(KEYS_PY, key.range)}"`);
    assert.equal(key.severity, DiagnosticSeverity.Error);
    assert.equal(key.source, 'misp-guard');
    assert.equal(key.codeDescription?.href, ruleHelpUri('hardcoded-key'));
    const data = key.data as { ruleId: string; version: number; fix: { type: string; valueStart: number; valueEnd: number } };
    assert.equal(data.ruleId, 'hardcoded-key');
    assert.equal(data.version, 1);
    assert.equal(data.fix.type, 'key');
    assert.equal(KEYS_PY.slice(data.fix.valueStart, data.fix.valueEnd), KEY);
    assert.ok(!messageText(key).includes(KEY));

    const [tls] = byCode(p, 'tls-verify-disabled');
    assert.ok(tls, 'no tls-verify-disabled');
    assert.equal(tls.range.start.line, 3);
    assert.equal(tls.severity, DiagnosticSeverity.Warning);
    assert.equal((tls.data as { fix: { type: string } }).fix.type, 'tls');
    await lsp.close(uri);
  });

  it('publishes new diagnostics for each new version, and clears them on close', async () => {
    const uri = fileUri('tmp-lsp', 'change', 'keys.py');
    await lsp.open(uri, 'python', KEYS_PY);

    const moved = `# one\n# two\n${KEYS_PY}`;
    const v2 = await lsp.change(uri, moved, 2);
    assert.equal(v2.version, 2);
    assert.deepEqual(byCode(v2, 'hardcoded-key').map((d) => d.range.start.line), [4]);

    const fixed = moved.replace(`'${KEY}'`, "os.environ['MISP_KEY']");
    const v3 = await lsp.change(uri, fixed, 3);
    assert.equal(v3.version, 3);
    assert.deepEqual(byCode(v3, 'hardcoded-key'), []);

    const closed = await lsp.close(uri);
    assert.deepEqual(closed.diagnostics, []);
  });

  it('debounces edits: a burst of versions yields diagnostics for the last one only', async () => {
    const uri = fileUri('tmp-lsp', 'burst', 'keys.py');
    await lsp.open(uri, 'python', KEYS_PY);
    const next = lsp.nextDiagnostics(uri);
    for (let v = 2; v <= 5; v++) lsp.sendChange(uri, `${'#\n'.repeat(v)}${KEYS_PY}`, v);
    const p = await next;
    assert.equal(p.version, 5);
    assert.deepEqual(byCode(p, 'hardcoded-key').map((d) => d.range.start.line), [7]);
    await lsp.close(uri);
  });

  it('analyses untitled documents', async () => {
    const uri = 'untitled:Untitled-1';
    const p = await lsp.open(uri, 'python', KEYS_PY);
    assert.deepEqual(byCode(p, 'hardcoded-key').map((d) => d.range.start.line), [2]);
    assert.deepEqual((await lsp.close(uri)).diagnostics, []);
  });

  it('analyses notebook cells by their language', async () => {
    const uri = `${fileUri('tmp-lsp', 'triage.ipynb').replace(/^file:/, 'vscode-notebook-cell:')}#W0sZmlsZQ%3D%3D`;
    const cell = `from pymisp import PyMISP\nmisp = PyMISP('https://misp.example.org', '${KEY}')\n`;
    const p = await lsp.open(uri, 'python', cell);
    assert.deepEqual(byCode(p, 'hardcoded-key').map((d) => d.range.start.line), [1]);
    await lsp.close(uri);
  });

  it('answers for any language id and any scheme', async () => {
    for (const [uri, languageId] of [[fileUri('tmp-lsp', 'notes.xyz'), 'made-up-language'], ['vscode-vfs://github/o/r/keys.py', 'python']]) {
      const p = await lsp.open(uri, languageId, KEYS_PY);
      assert.equal(p.uri, uri);
      assert.ok(Array.isArray(p.diagnostics));
      await lsp.close(uri);
    }
  });

  it('reports UTF-16 columns after an emoji on the same line', async () => {
    const uri = fileUri('tmp-lsp', 'emoji', 'keys.py');
    const text = `# 🔑 MISP\nlabel = '🔐 prod'; misp_key = '${KEY}'\n`;
    const p = await lsp.open(uri, 'python', text);
    const [d] = byCode(p, 'hardcoded-key');
    assert.ok(d, `no hardcoded-key in ${JSON.stringify(p.diagnostics)}`);
    const at = positionOf(text, KEY);
    assert.equal(d.range.start.line, 1);
    assert.ok(d.range.start.character === at.character || d.range.start.character === at.character - 1, `start ${d.range.start.character}, key at ${at.character}`);
    assert.ok([KEY, `'${KEY}'`].includes(textAt(text, d.range)));
    await lsp.close(uri);
  });

  it('reports positions in a CRLF file', async () => {
    const uri = fileUri('tmp-lsp', 'crlf', 'keys.py');
    const text = KEYS_PY.replace(/\n/g, '\r\n');
    const p = await lsp.open(uri, 'python', text);
    const [d] = byCode(p, 'hardcoded-key');
    assert.ok(d, `no hardcoded-key in ${JSON.stringify(p.diagnostics)}`);
    assert.equal(d.range.start.line, 2);
    assert.equal(d.range.end.line, 2);
    assert.ok([KEY, `'${KEY}'`].includes(textAt(text, d.range)));
    const [tls] = byCode(p, 'tls-verify-disabled');
    assert.equal(tls?.range.start.line, 3);
    await lsp.close(uri);
  });
});

describe('language server: status notifications and start-up', () => {
  it('sends mispGuard/status after each analysis only to clients that ask for it', async () => {
    const lsp = await LspHarness.start({ initializationOptions: { statusNotifications: true } });
    try {
      const uri = fileUri('tmp-lsp', 'status', 'keys.py');
      const status = lsp.nextNotification('mispGuard/status');
      await lsp.open(uri, 'python', KEYS_PY);
      assert.deepEqual({ ...(await status) as StatusParams, durationMs: 0 }, {
        uri, version: 1, state: 'analysed', format: 'python', flavor: 'pymisp-keys', findings: 2, durationMs: 0,
      });
    } finally {
      await lsp.stop();
    }
    const generic = await LspHarness.start();
    try {
      await generic.open(fileUri('tmp-lsp', 'status', 'keys.py'), 'python', KEYS_PY);
      await generic.close(fileUri('tmp-lsp', 'status', 'keys.py'));
      assert.deepEqual(generic.notifications.map((n) => n.method), []);
    } finally {
      await generic.stop();
    }
  });

  it('talks stdio when started without a transport flag, and exits cleanly on shutdown', async () => {
    const lsp = await LspHarness.start({ args: [] });
    const p = await lsp.open(fileUri('tmp-lsp', 'noflag', 'keys.py'), 'python', KEYS_PY);
    assert.equal(byCode(p, 'hardcoded-key').length, 1);
    await lsp.stop();
    assert.deepEqual(lsp.exit, { code: 0, signal: null });
  });

  it('prints usage for --help', () => {
    const out = execFileSync(process.execPath, [SERVER, '--help'], { encoding: 'utf8' });
    assert.match(out, /^Usage: misp-guard-language-server/);
  });
});
