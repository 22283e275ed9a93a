/**
 * When open documents are analysed, over the real protocol: debounced per document, a newer version
 * cancels the pending analysis of an older one (also right after the open), and an analysis over the
 * time budget is reported once per open document, masked.
 */
import * as assert from 'node:assert/strict';
import { MessageType } from 'vscode-languageserver-protocol/node';
import { fileUri, LspHarness } from './lspHarness';
import { KEY, KEYS_PY, keyLines } from './testData';

describe('analysis scheduling', function () {
  this.timeout(30000);

  describe('debounce and cancellation', () => {
    let lsp: LspHarness;
    before(async () => { lsp = await LspHarness.start(); });
    after(() => lsp.stopExpectingNoLeaks());

    const versionsOf = (uri: string) => lsp.published.filter((p) => p.uri === uri).map((p) => p.version);

    it('a change right after the open cancels the analysis of the opened version', async () => {
      const uri = fileUri('tmp-lsp', 'schedule', 'open-then-change.py');
      const first = lsp.open(uri, 'python', KEYS_PY);
      lsp.sendChange(uri, `# edited\n${KEYS_PY}`, 2);
      const p = await first;
      assert.equal(p.version, 2);
      assert.deepEqual(keyLines(p), [3]);
      assert.deepEqual(versionsOf(uri), [2], 'version 1 was never published');
      await lsp.close(uri);
    });

    it('each document is debounced on its own: interleaved edits publish the last version of each', async () => {
      const a = fileUri('tmp-lsp', 'schedule', 'a.py');
      const b = fileUri('tmp-lsp', 'schedule', 'b.py');
      await lsp.open(a, 'python', KEYS_PY);
      await lsp.open(b, 'python', KEYS_PY);
      const lastA = lsp.nextDiagnostics(a);
      const lastB = lsp.nextDiagnostics(b);
      for (let v = 2; v <= 4; v++) {
        lsp.sendChange(a, `${'#\n'.repeat(v)}${KEYS_PY}`, v);
        lsp.sendChange(b, `${'#\n'.repeat(v + 1)}${KEYS_PY}`, v);
      }
      const [pa, pb] = await Promise.all([lastA, lastB]);
      assert.deepEqual([pa.version, keyLines(pa)], [4, [6]]);
      assert.deepEqual([pb.version, keyLines(pb)], [4, [7]]);
      assert.deepEqual(versionsOf(a), [1, 4]);
      assert.deepEqual(versionsOf(b), [1, 4]);
      await lsp.close(a);
      await lsp.close(b);
    });
  });

  describe('the analysis time budget', () => {
    let lsp: LspHarness;
    before(async () => {
      // A budget of 1 ms, so that a 600 kB document goes over it on any machine.
      lsp = await LspHarness.start({ env: { ...process.env, MISP_GUARD_ANALYSIS_BUDGET_MS: '1' } });
    });
    after(() => lsp.stopExpectingNoLeaks());

    const slowWarnings = () => lsp.logs.filter((l) => l.message.startsWith('analysis of '));
    const block = 'def handler(event):\n    return {"ok": True, "n": sum(x * 2 for x in event["items"])}\n';
    const big = `${block.repeat(Math.ceil(600_000 / block.length))}misp_key = '${KEY}'\n`;
    const keyLine = big.split('\n').length - 2;

    it('warns once per open document, with the key in its name masked', async () => {
      const uri = fileUri('tmp-lsp', 'schedule', `${KEY}.py`);
      const warned = lsp.nextLog((l) => l.message.startsWith('analysis of '));
      assert.deepEqual(keyLines(await lsp.open(uri, 'python', big)), [keyLine]);
      const warning = await warned;
      assert.equal(warning.type, MessageType.Warning);
      assert.ok(!warning.message.includes(KEY), 'the key in the URI is masked');
      const masked = uri.replace(KEY, `${KEY.slice(0, 4)}…`);
      assert.match(warning.message, new RegExp(`^analysis of ${masked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} took \\d+ ms, over the 1 ms budget; the language server answers nothing else meanwhile \\(large generated files are better left out with mispGuard\\.exclude\\)\\. This is said once per open document\\.$`));

      // The warning is logged before the diagnostics it is about: after these, no second one came.
      assert.deepEqual(keyLines(await lsp.change(uri, `# one\n${big}`, 2)), [keyLine + 1]);
      assert.deepEqual(keyLines(await lsp.change(uri, `# two\n# one\n${big}`, 3)), [keyLine + 2]);
      assert.equal(slowWarnings().length, 1);

      await lsp.close(uri);
      const again = lsp.nextLog((l) => l.message.startsWith('analysis of '));
      await lsp.open(uri, 'python', big);
      await again;
      assert.equal(slowWarnings().length, 2, 'a reopened document is a new open document');
      await lsp.close(uri);
    });

    it('says nothing for a document analysed within the budget', async () => {
      const quick = await LspHarness.start();
      try {
        const uri = fileUri('tmp-lsp', 'schedule', 'small.py');
        await quick.open(uri, 'python', KEYS_PY);
        await quick.close(uri);
        assert.deepEqual(quick.logs.filter((l) => l.message.startsWith('analysis of ')), []);
      } finally {
        await quick.stop();
      }
    });
  });
});
