/**
 * The LSP test client of the quick-fix tests: {@link LspHarness} plus what a client does for fixes:
 * code action and executeCommand requests, `workspace/applyEdit` (recorded, answered as configured),
 * `window/showMessage` (recorded), `window/showMessageRequest` (answered by the test), and the
 * SecretStorage requests of the VS Code client (an in-memory map).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  ApplyWorkspaceEditRequest,
  CodeActionRequest,
  ExecuteCommandRequest,
  ShowMessageNotification,
  ShowMessageRequest,
} from 'vscode-languageserver-protocol/node';
import type {
  ApplyWorkspaceEditParams,
  ClientCapabilities,
  CodeAction,
  Command,
  Diagnostic,
  ShowMessageParams,
  ShowMessageRequestParams,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { LspHarness, DEFAULT_CAPABILITIES } from './lspHarness';
import type { HarnessOptions } from './lspHarness';

/** Client capabilities with workspace edits (versioned) and code action literals. */
export const FIX_CAPABILITIES: ClientCapabilities = {
  ...DEFAULT_CAPABILITIES,
  textDocument: {
    ...DEFAULT_CAPABILITIES.textDocument,
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } }, isPreferredSupport: true, dataSupport: true },
  },
  workspace: { ...DEFAULT_CAPABILITIES.workspace, applyEdit: true, workspaceEdit: { documentChanges: true }, executeCommand: {} },
};

/** A client that can run quick fixes. */
export class FixClient {
  /** Every workspace/applyEdit the server sent. */
  readonly applied: ApplyWorkspaceEditParams[] = [];
  /** Every window/showMessage. */
  readonly messages: ShowMessageParams[] = [];
  /** Every window/showMessageRequest, and the answer given. */
  readonly questions: { params: ShowMessageRequestParams; answer: string | undefined }[] = [];
  /** The client's SecretStorage. */
  readonly secrets = new Map<string, string>();
  /** How the client answers applyEdit. */
  applyAnswer: { applied: boolean; failureReason?: string } = { applied: true };
  /** How the user answers a store question: the title of the chosen action (undefined: dismiss). */
  answer: (params: ShowMessageRequestParams) => string | undefined = () => undefined;
  /** Make the SecretStorage requests fail. */
  secretStorageFails = false;

  private constructor(readonly lsp: LspHarness) {
    const c = lsp.connection;
    c.onRequest(ApplyWorkspaceEditRequest.type, (params) => {
      this.applied.push(params);
      return this.applyAnswer;
    });
    c.onNotification(ShowMessageNotification.type, (p) => { this.messages.push(p); });
    c.onRequest(ShowMessageRequest.type, (params) => {
      const answer = this.answer(params);
      this.questions.push({ params, answer });
      return answer === undefined ? null : params.actions?.find((a) => a.title === answer) ?? null;
    });
    c.onRequest('mispGuard/storeSecret', (p: { key: string; value: string }) => {
      if (this.secretStorageFails) throw new Error('keyring locked');
      this.secrets.set(p.key, p.value);
    });
    c.onRequest('mispGuard/readSecret', (p: { key: string }) => {
      if (this.secretStorageFails) throw new Error('keyring locked');
      return this.secrets.get(p.key) ?? null;
    });
  }

  /** Starts the server with fix capabilities and SecretStorage announced (unless overridden). */
  static async start(options: HarnessOptions = {}): Promise<FixClient> {
    const lsp = await LspHarness.start({ capabilities: FIX_CAPABILITIES, initializationOptions: { secretStorage: true }, ...options });
    return new FixClient(lsp);
  }

  /** Code actions for a range (default: each diagnostic's own range, all of them) with an `only` filter. */
  codeActions(uri: string, diagnostics: Diagnostic[], only?: string[], range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }): Promise<CodeAction[]> {
    return this.lsp.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, only } }) as Promise<CodeAction[]>;
  }

  /** Runs an action's command on the server (as a client does for a chosen code action) and returns its result. */
  execute(command: Command | undefined): Promise<unknown> {
    if (!command) throw new Error('the action has no command');
    return this.lsp.connection.sendRequest(ExecuteCommandRequest.type, { command: command.command, arguments: command.arguments });
  }

  /** Every text shown to the user or logged since start. */
  visibleTexts(): string[] {
    return [...this.messages.map((m) => m.message), ...this.questions.map((q) => q.params.message), ...this.lsp.logs.map((l) => l.message)];
  }

  /** Where a sent key reached the user: messages, questions, logs, diagnostics, applied edits. */
  leaks(): string[] {
    const out = this.lsp.leaks();
    const edits = this.applied.map((a) => JSON.stringify(a));
    for (const k of this.lsp.sentKeys) {
      for (const t of [...this.visibleTexts(), ...edits]) if (t.includes(k)) out.push(`"${t.slice(0, 80).replace(k, `${k.slice(0, 4)}…`)}" holds a key`);
    }
    return out;
  }

  stop(): Promise<void> {
    return this.lsp.stop();
  }
}

/** The text edits of a workspace edit for one document (documentChanges or changes). */
export function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const out: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) out.push(...change.edits.map((e) => e as TextEdit));
  }
  out.push(...(edit.changes?.[uri] ?? []));
  return out;
}

/** The text after applying a workspace edit to `text` (the document at `uri`). */
export function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit, languageId = 'plaintext'): string {
  return TextDocument.applyEdits(TextDocument.create(uri, languageId, 0, text), editsFor(edit, uri));
}
