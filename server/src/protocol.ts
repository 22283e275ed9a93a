/**
 * Custom messages between the misp-guard client and server, each one typed here and nowhere else.
 * Standard LSP covers diagnostics; these only add what the extension needs on top.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Flavor, FormatId } from './core';

/** Options the client passes in `initialize` (`initializationOptions`). */
export interface MispGuardInitializationOptions {
  /** Send a {@link StatusNotification} after each analysis. Off for generic clients. */
  statusNotifications?: boolean;
  /** The client answers {@link StoreSecretRequest} and {@link ReadSecretRequest} (VS Code SecretStorage). */
  secretStorage?: boolean;
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

/** Command (workspace/executeCommand) behind a key quick fix: store the key, verify, then edit. */
export const APPLY_KEY_FIX_COMMAND = 'mispGuard.applyKeyFix';
/** Command behind `source.fixAll.mispGuard` when it moves keys: store them all, verify, then edit. */
export const APPLY_FIX_ALL_COMMAND = 'mispGuard.applyFixAll';
