import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe as list, has, KEY_LIKE, ruleOf, waitForDiagnostics, wsUri } from './helpers';

// notebooks/misp_triage.ipynb: cell 1 (code) sets `misp_verifycert = False` on its line 6;
// cell 2's saved stderr output prints the request headers with the key.
describe('notebook opened as a notebook', () => {
  let notebook: vscode.NotebookDocument;

  before(async () => {
    notebook = await vscode.workspace.openNotebookDocument(wsUri('notebooks/misp_triage.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('reports tls-verify-disabled on the code cell and line that disable it', async () => {
    const cell = notebook.cellAt(1);
    assert.equal(cell.kind, vscode.NotebookCellKind.Code);
    const diags = await waitForDiagnostics(cell.document.uri, (d) => has(d, 'tls-verify-disabled', 6),
      'tls-verify-disabled on line 6 of cell 2');
    assert.equal(diags.filter((d) => ruleOf(d) === 'tls-verify-disabled').length, 1, list(diags));
  });

  // WAITS FOR the notebook output → cell mapping: opened as a notebook, VS Code syncs only the cells' source
  // text to the server, so a key in a saved output is found only when the .ipynb is opened as text (see
  // diagnostics.test.ts). Remove `.skip` when the client/server report outputs on their cell.
  it.skip('reports key-in-notebook-output on the cell whose saved output holds the key', async () => {
    const cell = notebook.cellAt(2);
    const diags = await waitForDiagnostics(cell.document.uri, (d) => d.some((x) => ruleOf(x) === 'key-in-notebook-output'),
      'key-in-notebook-output on cell 3 (its stderr output)');
    for (const d of diags) assert.ok(!KEY_LIKE.test(d.message), `unmasked key: ${d.message}`);
  });
});
