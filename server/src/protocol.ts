/**
 * Custom messages between the misp-guard client and server, each one typed here and nowhere else.
 * Standard LSP covers diagnostics; these only add what the extension needs on top.
 */
import { NotificationType, ProtocolRequestType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { WorkDoneProgressParams } from 'vscode-languageserver-protocol';
import type { Flavor, FormatId, RuleId } from './core';

/** Options the client passes in `initialize` (`initializationOptions`). */
export interface MispGuardInitializationOptions {
  /** Send a {@link StatusNotification} after each analysis. Off for generic clients. */
  statusNotifications?: boolean;
  /** The client answers {@link StoreSecretRequest} and {@link ReadSecretRequest} (VS Code SecretStorage). */
  secretStorage?: boolean;
  /** The client answers {@link DocumentTextRequest} (the server lost track of a document and asks for its text). */
  documentText?: boolean;
}

/** What happened to one document version. */
export interface StatusParams {
  uri: string;
  version: number | null;
  /** `analysed`, or why it was not: the setting `enable` is off, or the file matches `exclude`. */
  state: 'analysed' | 'disabled' | 'excluded' | 'failed';
  /** Format family and flavor the core chose (when analysed). */
  format?: FormatId;
  flavor?: Flavor;
  /** Number of diagnostics published. */
  findings: number;
  /** Analysis time in milliseconds. */
  durationMs: number;
}

/**
 * Server → client, after diagnostics for a document version were published (only when the client
 * asked for it with {@link MispGuardInitializationOptions.statusNotifications}).
 */
export const StatusNotification = new NotificationType<StatusParams>('mispGuard/status');

/** Parameters of {@link StoreSecretRequest}. */
export interface StoreSecretParams {
  /** SecretStorage entry name (the environment variable name, e.g. `MISP_KEY`). */
  key: string;
  /** The key to store. This request and the answer to {@link ReadSecretRequest} are the only messages that carry a key. */
  value: string;
}

/**
 * Server → client: store a value in the extension's SecretStorage (a quick fix moving a key there).
 * Sent only to clients that announced {@link MispGuardInitializationOptions.secretStorage}.
 */
export const StoreSecretRequest = new RequestType<StoreSecretParams, void, void>('mispGuard/storeSecret');

/** Server → client: the value of a SecretStorage entry, null when there is none (the read-back check after a store). */
export const ReadSecretRequest = new RequestType<{ key: string }, string | null, void>('mispGuard/readSecret');

/** Parameters of {@link DocumentTextRequest}. */
export interface DocumentTextParams {
  uri: string;
}

/** The text of an open document at the version the client holds. */
export interface DocumentTextResult {
  version: number;
  text: string;
}

/**
 * Server → client: the whole text of an open document, null when the client has no such document.
 * Sent only to clients that announced {@link MispGuardInitializationOptions.documentText}, when a
 * `didChange` could not be applied (a malformed range, a missing version): the server stops
 * trusting its copy and takes the client's text instead.
 */
export const DocumentTextRequest = new RequestType<DocumentTextParams, DocumentTextResult | null, void>('mispGuard/documentText');

/** Command (workspace/executeCommand) behind a key quick fix: store the key, verify, then edit. */
export const APPLY_KEY_FIX_COMMAND = 'mispGuard.applyKeyFix';
/** Command behind `source.fixAll.mispGuard` when it moves keys: store them all, verify, then edit. */
export const APPLY_FIX_ALL_COMMAND = 'mispGuard.applyFixAll';

/** Parameters of {@link ScanWorkspaceRequest}. */
export interface ScanWorkspaceParams extends WorkDoneProgressParams {
  /** Folder (or file) URIs to scan; default: every workspace folder. */
  uris?: string[];
}

/** How a workspace scan ended: what {@link ScanWorkspaceRequest} resolves with. */
export interface ScanSummary {
  /** True when the scan was cancelled; the counts then cover what was done. */
  cancelled: boolean;
  /** File-system paths of the folders scanned. */
  folders: string[];
  filesScanned: number;
  /** Findings published (baselined ones excluded), in how many files, and per rule. */
  findings: number;
  filesWithFindings: number;
  byRule: Partial<Record<RuleId, number>>;
  /** Entries left out, per reason (`gitignored`, `excluded`, `binary`, `too-large`, `git-dir`, ...). */
  skipped: Record<string, number>;
  /** Findings hidden because the folder's baseline accepts them. */
  baselined: number;
  bytesScanned: number;
  durationMs: number;
  /** The summary as one human sentence (what the editor shows). */
  message: string;
}

/**
 * Client → server: scan every file of the workspace folders (or of `uris`) from disk and publish
 * diagnostics for them. Progress goes through LSP work-done progress: the client's
 * `workDoneToken` when it sent one, else a server-created token (`window/workDoneProgress/create`);
 * cancelling either (or the request) stops the scan.
 */
export const ScanWorkspaceRequest = new ProtocolRequestType<ScanWorkspaceParams, ScanSummary, never, void, void>('mispGuard/scanWorkspace');

/** Client → server: remove the diagnostics of the last scans (open documents keep theirs); resolves with how many files were cleared. */
export const ClearScanResultsRequest = new RequestType0<number, void>('mispGuard/clearScanResults');
