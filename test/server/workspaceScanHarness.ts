/**
 * Helpers for the workspace-scan tests: a language server with every capability a scan uses
 * (server-created work-done progress, dynamic file watchers, file operations), a way to run a scan
 * and watch its `$/progress`, and file-event notifications.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  DidChangeWatchedFilesNotification,
  DidDeleteFilesNotification,
  DidRenameFilesNotification,
  FileChangeType,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';
import type { ClientCapabilities, WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageserver-protocol/node';
import { ClearScanResultsRequest, ScanWorkspaceRequest } from '../../server/src/protocol';
import type { ScanSummary } from '../../server/src/protocol';
import { DEFAULT_CAPABILITIES, LspHarness } from './lspHarness';
import type { HarnessOptions } from './lspHarness';

export type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

/** Capabilities of a client like VS Code, as far as scans are concerned. */
export const SCAN_CAPABILITIES: ClientCapabilities = {
  ...DEFAULT_CAPABILITIES,
  window: { workDoneProgress: true },
  workspace: {
    ...DEFAULT_CAPABILITIES.workspace,
    didChangeWatchedFiles: { dynamicRegistration: true },
    fileOperations: { didRename: true, didDelete: true },
  },
};

/** A server plus the server-created progress tokens it asked for. */
export class ScanClient {
  /** Progress values per token, in order. */
  readonly progress = new Map<string, ProgressValue[]>();
  private readonly progressWaiters: { accept: (token: string, v: ProgressValue) => boolean; resolve: (t: string) => void }[] = [];

  private constructor(readonly lsp: LspHarness) {
    lsp.connection.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      this.listen(String(params.token));
    });
  }

  static async start(options: HarnessOptions): Promise<ScanClient> {
    const lsp = await LspHarness.start({ capabilities: SCAN_CAPABILITIES, ...options });
    return new ScanClient(lsp);
  }

  private listen(token: string): void {
    this.progress.set(token, []);
    this.lsp.connection.onProgress(WorkDoneProgress.type, token, (value) => {
      this.progress.get(token)!.push(value);
      for (const w of [...this.progressWaiters]) {
        if (!w.accept(token, value)) continue;
        this.progressWaiters.splice(this.progressWaiters.indexOf(w), 1);
        w.resolve(token);
      }
    });
  }

  /** Resolves with the token of the first progress value `accept` takes (register before triggering). */
  nextProgress(accept: (token: string, v: ProgressValue) => boolean, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching $/progress')), timeoutMs);
      this.progressWaiters.push({ accept, resolve: (t) => { clearTimeout(timer); resolve(t); } });
    });
  }

  /** Runs a scan with server-created progress. */
  scan(uris?: string[], token?: CancellationTokenSource): Promise<ScanSummary> {
    return this.lsp.connection.sendRequest(ScanWorkspaceRequest, { uris }, token?.token);
  }

  /** Runs a scan with a client-created token (as the VS Code extension does); returns the token too. */
  scanWithClientToken(token?: CancellationTokenSource): { workDoneToken: string; result: Promise<ScanSummary> } {
    const workDoneToken = `test-${randomUUID()}`;
    this.listen(workDoneToken);
    return { workDoneToken, result: this.lsp.connection.sendRequest(ScanWorkspaceRequest, { workDoneToken }, token?.token) };
  }

  cancelProgress(token: string): void {
    void this.lsp.connection.sendNotification(WorkDoneProgressCancelNotification.type, { token });
  }

  clear(): Promise<number> {
    return this.lsp.connection.sendRequest(ClearScanResultsRequest);
  }

  watched(changes: { path: string; type: 'created' | 'changed' | 'deleted' }[]): void {
    const type: Record<string, FileChangeType> = { created: FileChangeType.Created, changed: FileChangeType.Changed, deleted: FileChangeType.Deleted };
    void this.lsp.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: changes.map((c) => ({ uri: uri(c.path), type: type[c.type] })),
    });
  }

  renamed(from: string, to: string): void {
    void this.lsp.connection.sendNotification(DidRenameFilesNotification.type, { files: [{ oldUri: uri(from), newUri: uri(to) }] });
  }

  deleted(p: string): void {
    void this.lsp.connection.sendNotification(DidDeleteFilesNotification.type, { files: [{ uri: uri(p) }] });
  }

  stop(): Promise<void> {
    return this.lsp.stop();
  }
}

/** The `file:` URI of a path. */
export function uri(p: string): string {
  return pathToFileURL(p).href;
}
