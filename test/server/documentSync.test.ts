/**
 * Document synchronisation over the real protocol when a didChange cannot be applied (a range whose
 * end is null, a negative line, a change without a version, one bad change in a batch): the server
 * never applies it in part nor drops it in silence. It clears the document's diagnostics, logs a
 * masked warning, and either asks the client for the whole text (clients that offer
 * `mispGuard/documentText`) or waits for a change that carries the whole text. Later edits then land
 * on the right lines.
 */
import * as assert from 'node:assert/strict';
import { MessageType } from 'vscode-languageserver-protocol/node';
import type { PublishDiagnosticsParams, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { DocumentTextRequest } from '../../server/src/protocol';
import type { DocumentTextParams } from '../../server/src/protocol';
import { fileUri, LspHarness } from './lspHarness';
import { KEY, KEYS_PY, keyLines } from './testData';

const insertAtTop = (text: string): TextDocumentContentChangeEvent => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text });
const NOT_A_POSITION = 'range.end is not a position (line and character as non-negative integers)';

describe('document sync: a didChange that cannot be applied', function () {
  this.timeout(20000);

  describe('a client that cannot be asked for the text', () => {
    let lsp: LspHarness;
    before(async () => { lsp = await LspHarness.start(); });
    after(() => lsp.stopExpectingNoLeaks());

    it('clears the diagnostics, says why, ignores edits until the whole text comes, then tracks edits again', async () => {
      const uri = fileUri('tmp-lsp', 'sync', 'generic.py');
      assert.deepEqual(keyLines(await lsp.open(uri, 'python', KEYS_PY)), [2]);

      const cleared = lsp.nextDiagnostics(uri);
      const warned = lsp.nextLog((l) => l.message.startsWith('lost sync'));
      lsp.sendRaw(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: null }, text: '# one\n' }]);
      assert.deepEqual((await cleared).diagnostics, []);
      const warning = await warned;
      assert.equal(warning.type, MessageType.Warning);
      assert.equal(warning.message, `lost sync with ${uri} at version 2: content change 1 of 1: ${NOT_A_POSITION}; nothing of this change was applied, `
        + 'its diagnostics are cleared until the editor sends the whole text again (close and reopen the file)');

      // An incremental edit on a text the server does not have: not applied, nothing published.
      const published = lsp.published.length;
      lsp.sendRaw(uri, 3, [insertAtTop('# two\n')]);
      const whole = `# a\n# b\n# c\n${KEYS_PY}`;
      const back = lsp.nextLog((l) => l.message.startsWith('back in sync'));
      const v4 = await lsp.change(uri, whole, 4);
      assert.deepEqual(lsp.published.slice(published, -1), [], 'nothing published for the edit applied to an unknown text');
      assert.equal(v4.version, 4);
      assert.deepEqual(keyLines(v4), [5]);
      assert.equal((await back).message, `back in sync with ${uri} at version 4: the editor sent the whole text`);

      const v5 = lsp.nextDiagnostics(uri);
      lsp.sendRaw(uri, 5, [insertAtTop('# d\n')]);
      assert.equal((await v5).version, 5);
      assert.deepEqual(keyLines(await v5), [6]);
      await lsp.close(uri);
    });

    it('masks a key in the document URI in the warning', async () => {
      const uri = fileUri('tmp-lsp', 'sync', `${KEY}.py`);
      await lsp.open(uri, 'python', KEYS_PY);
      const warned = lsp.nextLog((l) => l.message.startsWith('lost sync'));
      lsp.sendRaw(uri, 2, [{ range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }]);
      const { message } = await warned;
      assert.ok(!message.includes(KEY), 'no key in the log');
      assert.ok(message.includes(`${KEY.slice(0, 4)}….py at version 2: content change 1 of 1: range.start is not a position`), message);
      await lsp.close(uri);
    });
  });

  describe('a client that answers mispGuard/documentText (as the VS Code client does)', () => {
    let lsp: LspHarness;
    /** The client's own copy of each document, as an editor holds it. */
    const editor = new Map<string, { version: number; text: string }>();
    const asked: DocumentTextParams[] = [];
    before(async () => {
      lsp = await LspHarness.start({ initializationOptions: { documentText: true } });
      lsp.connection.onRequest(DocumentTextRequest, (params) => {
        asked.push(params);
        return editor.get(params.uri) ?? null;
      });
    });
    after(() => lsp.stopExpectingNoLeaks());

    /** Edits the editor's copy and sends `changes` (which may describe the edit badly) for the new version. */
    function edit(uri: string, text: string, changes: unknown[], version: number | null = editor.get(uri)!.version + 1): Promise<PublishDiagnosticsParams> {
      const v = editor.get(uri)!.version + 1;
      editor.set(uri, { version: v, text });
      const next = lsp.nextDiagnostics(uri, (p) => p.version === v);
      lsp.sendRaw(uri, version, changes);
      return next;
    }

    it('asks for the whole text, analyses it, and applies later edits to it (no line off)', async () => {
      const uri = fileUri('tmp-lsp', 'sync', 'resync.py');
      editor.set(uri, { version: 1, text: KEYS_PY });
      assert.deepEqual(keyLines(await lsp.open(uri, 'python', KEYS_PY)), [2]);
      assert.deepEqual(keyLines(await edit(uri, `# one\n${KEYS_PY}`, [insertAtTop('# one\n')])), [3]);

      const warned = lsp.nextLog((l) => l.message.startsWith('lost sync'));
      const v3 = await edit(uri, `# two\n# one\n${KEYS_PY}`, [{ range: { start: { line: 0, character: 0 }, end: null }, text: '# two\n' }]);
      assert.equal((await warned).message, `lost sync with ${uri} at version 3: content change 1 of 1: ${NOT_A_POSITION}; nothing of this change was applied, asking the editor for the whole text`);
      assert.deepEqual(asked, [{ uri }]);
      assert.deepEqual(keyLines(v3), [4]);

      assert.deepEqual(keyLines(await edit(uri, `# three\n# two\n# one\n${KEYS_PY}`, [insertAtTop('# three\n')])), [5]);
      await lsp.close(uri);
    });

    it('applies nothing of a batch with one bad change, and recovers the same way', async () => {
      const uri = fileUri('tmp-lsp', 'sync', 'batch.py');
      editor.set(uri, { version: 1, text: KEYS_PY });
      await lsp.open(uri, 'python', KEYS_PY);
      const warned = lsp.nextLog((l) => l.message.startsWith('lost sync'));
      const v2 = await edit(uri, `# y\n# x\n${KEYS_PY}`, [insertAtTop('# x\n'), { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1.5 } }, text: '# y\n' }]);
      assert.match((await warned).message, /at version 2: content change 2 of 2: range\.end is not a position/);
      assert.deepEqual(keyLines(v2), [4]);
      assert.deepEqual(keyLines(await edit(uri, `# z\n# y\n# x\n${KEYS_PY}`, [insertAtTop('# z\n')])), [5]);
      await lsp.close(uri);
    });

    it('a change without a version: asks for the text instead of dropping the change', async () => {
      const uri = fileUri('tmp-lsp', 'sync', 'noversion.py');
      editor.set(uri, { version: 1, text: KEYS_PY });
      await lsp.open(uri, 'python', KEYS_PY);
      const warned = lsp.nextLog((l) => l.message.startsWith('lost sync'));
      const v2 = await edit(uri, `# one\n${KEYS_PY}`, [insertAtTop('# one\n')], null);
      assert.equal((await warned).message, `lost sync with ${uri} at version null: the change carries no integer version; nothing of this change was applied, asking the editor for the whole text`);
      assert.deepEqual(keyLines(v2), [3]);
      assert.deepEqual(keyLines(await edit(uri, `# two\n# one\n${KEYS_PY}`, [insertAtTop('# two\n')])), [4]);
      await lsp.close(uri);
    });
  });
});
