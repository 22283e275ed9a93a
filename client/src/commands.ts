/**
 * Command id → handler. Every `mispGuard.*` command the manifest contributes has exactly one entry here.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { clearScanResults, scanFolder, scanWorkspace } from './scanCommands';

/** A command handler; gets the running client and the command's arguments. */
export type CommandHandler = (client: LanguageClient, ...args: unknown[]) => unknown;

/** Every command of the extension. */
export const COMMANDS: Readonly<Record<string, CommandHandler>> = {
  /** Stops and starts the language server (after an update, or when it misbehaves). */
  'mispGuard.restartServer': (client) => client.restart(),
  /** Shows the server's log (notices about how documents were analysed, errors). */
  'mispGuard.showOutput': (client) => client.outputChannel.show(true),
  /** Scans every file of the workspace folders; resolves with the summary. */
  'mispGuard.scanWorkspace': (client) => scanWorkspace(client),
  /** Scans the folders selected in the explorer. */
  'mispGuard.scanFolder': (client, clicked, selection) => scanFolder(client, clicked, selection),
  /** Removes the diagnostics of workspace scans. */
  'mispGuard.clearScanResults': (client) => clearScanResults(client),
};

/** Registers every command of {@link COMMANDS}; dispose the result to unregister them. */
export function registerCommands(client: LanguageClient): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => handler(client, ...args)));
}
