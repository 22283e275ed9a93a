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

  // Outputs are not documents: VS Code syncs only the cells' source text. While the notebook is open, the
  // server reads the saved outputs from the .ipynb and reports them on the notebook's file (Problems panel),
  // at the JSON line of the output.
  it('reports key-in-notebook-output on the notebook file, at the saved output line', async () => {
    const diags = await waitForDiagnostics(wsUri('notebooks/misp_triage.ipynb'), (d) => has(d, 'key-in-notebook-output', 41),
      'key-in-notebook-output on line 41 of misp_triage.ipynb');
    for (const d of diags) assert.ok(!KEY_LIKE.test(d.message), `unmasked key: ${d.message}`);
  });
});
