/**
 * The workspace-scan commands: "Scan Workspace", "Scan Folder" (explorer context menu) and "Clear
 * Scan Results". The scan runs in the server; its LSP work-done progress is shown here as a
 * notification with a Cancel button (the language client alone would put it in the status bar).
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ClearScanResultsRequest, ScanWorkspaceRequest } from '../../server/src/protocol';
import type { ScanSummary } from '../../server/src/protocol';

/**
 * Scans the workspace folders (or `uris`) and resolves with the server's summary, which is also shown
 * as an information message (not awaited, so callers such as tests are not held by it).
 */
export async function scanWorkspace(client: LanguageClient, uris?: readonly vscode.Uri[]): Promise<ScanSummary> {
  await client.start();
  const workDoneToken = `mispGuard.scan.${randomUUID()}`;
  const title = uris?.length ? `MISP Guard: scanning ${uris.map((u) => vscode.workspace.asRelativePath(u, true)).join(', ')}` : 'MISP Guard: scanning the workspace';
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, cancel) => {
      let reported = 0;
      const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === 'end') return;
        const increment = value.percentage === undefined ? undefined : Math.max(0, value.percentage - reported);
        if (value.percentage !== undefined) reported = value.percentage;
        progress.report({ message: value.message, increment });
      });
      try {
        return await client.sendRequest(ScanWorkspaceRequest, { uris: uris?.map((u) => u.toString()), workDoneToken }, cancel);
      } finally {
        listener.dispose();
      }
    },
  );
  void vscode.window.showInformationMessage(`MISP Guard: ${summary.message}`);
  return summary;
}

/** The explorer passes the clicked resource and the whole selection. */
export function scanFolder(client: LanguageClient, clicked?: unknown, selection?: unknown): Promise<ScanSummary> {
  const picked = Array.isArray(selection) && selection.every((u) => u instanceof vscode.Uri) && selection.length > 0
    ? (selection as vscode.Uri[]) : clicked instanceof vscode.Uri ? [clicked] : undefined;
  return scanWorkspace(client, picked);
}

/** Removes the scan diagnostics; resolves with how many files were cleared. */
export async function clearScanResults(client: LanguageClient): Promise<number> {
  await client.start();
  return client.sendRequest(ClearScanResultsRequest);
}
