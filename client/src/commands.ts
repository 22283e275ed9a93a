/**
 * Command id → handler. Every `mispGuard.*` command the manifest contributes has exactly one entry here.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** A command handler; gets the running client and the command's arguments. */
export type CommandHandler = (client: LanguageClient, ...args: unknown[]) => unknown;

/** Every command of the extension. */
export const COMMANDS: Readonly<Record<string, CommandHandler>> = {
  /** Stops and starts the language server (after an update, or when it misbehaves). */
  'mispGuard.restartServer': (client) => client.restart(),
  /** Shows the server's log (notices about how documents were analysed, errors). */
  'mispGuard.showOutput': (client) => client.outputChannel.show(true),
};

/** Registers every command of {@link COMMANDS}; dispose the result to unregister them. */
export function registerCommands(client: LanguageClient): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => handler(client, ...args)));
}
