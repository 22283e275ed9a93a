/**
 * The shutdown handshake as the LSP specification has it: after `shutdown`, every request but `exit`
 * errors with InvalidRequest, documents are no longer analysed and no diagnostics are published;
 * `exit` then ends the process with code 0.
 */
import * as assert from 'node:assert/strict';
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ErrorCodes,
  ExitNotification,
  ResponseError,
  ShutdownRequest,
} from 'vscode-languageserver-protocol/node';
import { ScanWorkspaceRequest } from '../../server/src/protocol';
import { DEFAULT_CAPABILITIES, fileUri, LspHarness } from './lspHarness';
import { KEYS_PY } from './testData';

/** The error a request was answered with (fails when it was answered with a result). */
async function errorOf(request: Promise<unknown>): Promise<ResponseError> {
  try {
    const result = await request;
    assert.fail(`answered with a result: ${JSON.stringify(result)}`);
  } catch (error) {
    if (!(error instanceof ResponseError)) throw error;
    return error;
  }
}

describe('language server: after shutdown', function () {
  this.timeout(20000);

  it('answers every request with InvalidRequest, analyses nothing, publishes nothing, and exits 0 on exit', async () => {
    // No configuration pull: an analysis would publish before the next message is handled, so the
    // error reply to the request sent after the didOpen proves that the didOpen published nothing.
    const lsp = await LspHarness.start({ capabilities: { ...DEFAULT_CAPABILITIES, workspace: { workspaceFolders: true } } });
    try {
      const open = fileUri('tmp-lsp', 'shutdown', 'open.py');
      const before = await lsp.open(open, 'python', KEYS_PY);
      assert.equal(before.diagnostics.length, 2, 'analysed before shutdown');

      assert.equal(await lsp.connection.sendRequest(ShutdownRequest.type), null);
      const published = lsp.published.length;

      const late = fileUri('tmp-lsp', 'shutdown', 'late.py');
      void lsp.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: late, languageId: 'python', version: 1, text: KEYS_PY } });
      void lsp.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: open, version: 2 }, contentChanges: [{ text: `# moved\n${KEYS_PY}` }] });

      const requests: [string, Promise<unknown>][] = [
        ['textDocument/codeAction', lsp.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: open }, range: before.diagnostics[0].range, context: { diagnostics: before.diagnostics } })],
        ['mispGuard/scanWorkspace', lsp.connection.sendRequest(ScanWorkspaceRequest, {})],
        ['a second shutdown', lsp.connection.sendRequest(ShutdownRequest.type)],
        ['an unknown method', lsp.connection.sendRequest('misp/unknownMethod', {})],
      ];
      for (const [name, request] of requests) {
        const error = await errorOf(request);
        assert.equal(error.code, ErrorCodes.InvalidRequest, `${name}: ${error.message}`);
        assert.equal(error.message, 'the server has been shut down; only exit is accepted');
      }
      assert.deepEqual(lsp.published.slice(published), [], 'nothing published after shutdown');
      assert.equal(lsp.exit, undefined, 'still running until exit');

      await lsp.connection.sendNotification(ExitNotification.type);
      await lsp.exited;
      assert.deepEqual(lsp.exit, { code: 0, signal: null });
      assert.deepEqual(lsp.published.slice(published), []);
      assert.deepEqual(lsp.leaks(), []);
    } finally {
      await lsp.stop();
    }
  });
});
