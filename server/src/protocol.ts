/**
 * Custom messages between the misp-guard client and server, each one typed here and nowhere else.
 * Standard LSP covers diagnostics; these only add what the extension needs on top.
 */
import { NotificationType } from 'vscode-languageserver-protocol';
import type { Flavor, FormatId } from './core';

/** Options the client passes in `initialize` (`initializationOptions`). */
export interface MispGuardInitializationOptions {
  /** Send a {@link StatusNotification} after each analysis. Off for generic clients. */
  statusNotifications?: boolean;
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
