/**
 * Quick fixes wired to an LSP connection: the code action and execute-command handlers, the
 * capabilities they announce, and the diagnostics they start from (the last ones published per
 * document; fix-all uses them instead of analysing again).
 */
import { MessageType, ShowMessageNotification, ShowMessageRequest } from 'vscode-languageserver';
import type { Connection, Diagnostic, InitializeParams, ServerCapabilities } from 'vscode-languageserver';
import { codeActions, FIX_ALL_KIND } from './codeActions';
import type { CodeActionDeps, Published } from './codeActions';
import { KeyFixes } from './keyFixes';
import type { KeyFixOutcome } from './keyFixes';
import { APPLY_FIX_ALL_COMMAND, APPLY_KEY_FIX_COMMAND, ReadSecretRequest, StoreSecretRequest } from './protocol';
import type { MispGuardInitializationOptions } from './protocol';
import type { Settings } from './settings';
import { describe } from './validation';
import type { OpenDocuments } from './validation';

/** What the feature needs besides the connection. */
export interface FixFeatureDeps {
  settings(uri: string): Promise<Settings>;
  folders(): readonly string[];
  log: { info(message: string): void; warn(message: string): void };
}

/** The quick-fix feature of the server. */
export class FixFeature {
  private readonly published = new Map<string, Published>();
  private applyEdit = false;
  private documentChanges = false;
  private secretStorage = false;
  private readonly keyFixes: KeyFixes;
  private readonly log: FixFeatureDeps['log'];

  constructor(private readonly connection: Connection, private readonly documents: Pick<OpenDocuments, 'get'>, deps: FixFeatureDeps) {
    const actionDeps: CodeActionDeps = {
      document: (uri) => documents.get(uri),
      settings: deps.settings,
      published: (uri) => this.published.get(uri),
      canApplyEdit: () => this.applyEdit,
      versionedEdits: () => this.documentChanges,
      log: deps.log,
    };
    this.keyFixes = new KeyFixes({
      ...actionDeps,
      folders: deps.folders,
      // Only for clients that announced it in initializationOptions (the VS Code extension does).
      secretStorage: () => (this.secretStorage ? {
        store: (key, value) => connection.sendRequest(StoreSecretRequest, { key, value }),
        read: (key) => connection.sendRequest(ReadSecretRequest, { key }),
      } : undefined),
      ask: async (message, choices) => {
        const answer = await connection.sendRequest(ShowMessageRequest.type, { type: MessageType.Info, message, actions: choices.map((title) => ({ title })) });
        return answer?.title;
      },
      applyEdit: async (edit, label) => {
        const r = await connection.workspace.applyEdit({ label, edit });
        return { applied: r.applied, failureReason: r.failureReason };
      },
      notify: (type, message) => {
        const t = type === 'error' ? MessageType.Error : type === 'warning' ? MessageType.Warning : MessageType.Info;
        void connection.sendNotification(ShowMessageNotification.type, { type: t, message });
        (type === 'info' ? deps.log.info : deps.log.warn)(message);
      },
      env: process.env,
      log: deps.log,
    });
    connection.onCodeAction((params) => codeActions(params, actionDeps));
    connection.onExecuteCommand((params) => this.execute(params?.command, Array.isArray(params?.arguments) ? params.arguments[0] : undefined));
    this.log = deps.log;
  }

  /** Reads the client's capabilities; returns the server capabilities to announce. */
  initialize(params: InitializeParams): ServerCapabilities {
    const ws = params.capabilities.workspace;
    this.applyEdit = ws?.applyEdit === true;
    this.documentChanges = ws?.workspaceEdit?.documentChanges === true;
    this.secretStorage = (params.initializationOptions as MispGuardInitializationOptions | undefined)?.secretStorage === true;
    return {
      codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND] },
      executeCommandProvider: { commands: [APPLY_KEY_FIX_COMMAND, APPLY_FIX_ALL_COMMAND] },
    };
  }

  /** Remembers what was published for a document (call on every publish). */
  remember(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void {
    if (version === undefined && diagnostics.length === 0) this.published.delete(uri);
    else this.published.set(uri, { version: version ?? null, diagnostics });
  }

  /** Runs one of the fix commands. A failure is logged (masked) and answered as `failed`, never as an error that could quote the file. */
  async execute(command: unknown, args: unknown): Promise<KeyFixOutcome | undefined> {
    try {
      if (command === APPLY_KEY_FIX_COMMAND) return await this.keyFixes.applyKeyFix(args);
      if (command === APPLY_FIX_ALL_COMMAND) return await this.keyFixes.applyFixAll(args);
    } catch (error) {
      this.log.warn(describe(`${command} failed`, '', error));
      return 'failed';
    }
    return undefined;
  }
}
