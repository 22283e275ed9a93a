import * as vscode from 'vscode';
import { has, openFile, waitForDiagnostics } from './helpers';

describe('settings', () => {
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('mispGuard');

  after(async () => {
    await config().update('severity', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('re-validates open documents when a rule is switched off and back on', async () => {
    const doc = await openFile('python/keys.py');
    await waitForDiagnostics(doc.uri, (d) => has(d, 'hardcoded-key', 6) && has(d, 'tls-verify-disabled', 7), 'both findings');

    await config().update('severity', { 'hardcoded-key': 'off' }, vscode.ConfigurationTarget.Workspace);
    await waitForDiagnostics(doc.uri, (d) => !has(d, 'hardcoded-key', 6) && has(d, 'tls-verify-disabled', 7),
      'hardcoded-key to disappear (severity off) while tls-verify-disabled stays');

    await config().update('severity', undefined, vscode.ConfigurationTarget.Workspace);
    await waitForDiagnostics(doc.uri, (d) => has(d, 'hardcoded-key', 6) && has(d, 'tls-verify-disabled', 7),
      'hardcoded-key to come back after the setting is reset');
  });
});
