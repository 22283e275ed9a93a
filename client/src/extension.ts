/**
 * The misp-guard extension: starts the language server (dist/server.js over IPC) for every document
 * in every language, saved or untitled, notebook cells included, and registers the commands.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { DocumentTextRequest, ReadSecretRequest, StatusNotification, StoreSecretRequest } from '../../server/src/protocol';
import type { MispGuardInitializationOptions, StatusParams } from '../../server/src/protocol';
import { registerCommands } from './commands';

/** What `activate()` returns: used by the end-to-end tests, and by anyone who wants to wait for analysis. */
export interface MispGuardApi {
  /** The running language client. */
  readonly client: LanguageClient;
  /** Settles once the server is initialised (rejects when it could not start). */
  readonly ready: Promise<void>;
  /** Fires after the server published diagnostics for a document version. */
  readonly onDidAnalyze: vscode.Event<StatusParams>;
}

let client: LanguageClient | undefined;

/** Starts the language client. */
export function activate(context: vscode.ExtensionContext): MispGuardApi {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const initializationOptions: MispGuardInitializationOptions = { statusNotifications: true, secretStorage: true, documentText: true };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-notebook-cell' }],
    synchronize: { configurationSection: 'mispGuard' },
    initializationOptions,
  };
  client = new LanguageClient('mispGuard', 'MISP Guard', serverOptions, clientOptions);

  const analyzed = new vscode.EventEmitter<StatusParams>();
  context.subscriptions.push(analyzed, client.onNotification(StatusNotification, (params) => analyzed.fire(params)));
  context.subscriptions.push(...registerCommands(client));
  // The key quick fixes' SecretStorage store: the server cannot reach it, so it asks the client.
  context.subscriptions.push(
    client.onRequest(StoreSecretRequest, ({ key, value }) => context.secrets.store(key, value)),
    client.onRequest(ReadSecretRequest, async ({ key }) => (await context.secrets.get(key)) ?? null),
  );
  // The server lost track of a document (a change it could not apply): it takes the editor's text.
  context.subscriptions.push(client.onRequest(DocumentTextRequest, ({ uri }) => {
    const document = vscode.workspace.textDocuments.find((d) => client!.code2ProtocolConverter.asUri(d.uri) === uri);
    return document ? { version: document.version, text: document.getText() } : null;
  }));

  const ready = client.start();
  ready.catch((error: unknown) => {
    void vscode.window.showErrorMessage(`MISP Guard: the language server did not start (${String(error)})`);
  });
  return { client, ready, onDidAnalyze: analyzed.event };
}

/** Stops the language server. */
export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
