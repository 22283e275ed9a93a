/**
 * Test harness: the BUILT language server (dist/server.js --stdio) driven over real LSP.
 * Every wait is on an event (a publishDiagnostics for a uri, the process exiting); timeouts only
 * turn a missing event into a failure.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
} from 'vscode-languageserver-protocol/node';
import type {
  ClientCapabilities,
  Diagnostic,
  ConfigurationParams,
  InitializeResult,
  LogMessageParams,
  ProtocolConnection,
  PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

/** Root of the repository (this file runs from out/test/server). */
export const ROOT = resolve(__dirname, '..', '..', '..');
/** The bundled server that the `misp-guard-language-server` bin runs (MISP_GUARD_SERVER overrides it). */
export const SERVER = process.env.MISP_GUARD_SERVER ? resolve(process.env.MISP_GUARD_SERVER) : resolve(ROOT, 'dist', 'server.js');

/** A MISP-key-shaped token in a text (not part of a longer run). */
const KEY_TOKEN = /(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g;

/** How the test client behaves. */
export interface HarnessOptions {
  /**
   * Answers `workspace/configuration`, item by item. Default: `null` for every item, like a
   * generic LSP client. Called with the scope URI and section of each item.
   */
  configuration?: (item: { scopeUri?: string; section?: string }) => unknown;
  /** Client capabilities; default: configuration pull, diagnostics with code descriptions and data. */
  capabilities?: ClientCapabilities;
  /** Workspace folder (a directory path); default: the repository root. */
  folder?: string;
  /** Several workspace folders (multi-root); overrides `folder`. */
  folders?: string[];
  initializationOptions?: unknown;
  /** Server arguments; default `--stdio`. */
  args?: string[];
  /** Environment of the server process; default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Run the server as this user and group (root only), e.g. to meet file permissions as a user would. */
  user?: { uid: number; gid: number };
}

/** Custom notifications the harness records. */
export const CUSTOM_NOTIFICATIONS = ['mispGuard/status'];

interface Waiter {
  uri: string;
  accept: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Default capabilities of the test client. */
export const DEFAULT_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
  },
  workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true } },
};

/** One running server and the client side of its connection. */
export class LspHarness {
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  /** Every window/logMessage received. */
  readonly logs: LogMessageParams[] = [];
  /** Every custom notification ({@link CUSTOM_NOTIFICATIONS}) from the server. */
  readonly notifications: { method: string; params: unknown }[] = [];
  /** Every workspace/configuration item the server asked for. */
  readonly configurationItems: { scopeUri?: string; section?: string }[] = [];
  /** Key-shaped tokens of every text sent to the server. */
  readonly sentKeys = new Set<string>();
  stderr = '';
  initializeResult!: InitializeResult;
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<void>;
  private readonly waiters: Waiter[] = [];
  private readonly notificationWaiters: { method: string; resolve: (params: unknown) => void }[] = [];
  private readonly logWaiters: { accept: (l: LogMessageParams) => boolean; resolve: (l: LogMessageParams) => void }[] = [];

  private constructor(private readonly proc: ChildProcess, readonly connection: ProtocolConnection, private readonly options: HarnessOptions) {
    this.exited = new Promise((done) => proc.on('exit', (code, signal) => {
      this.exit = { code, signal };
      for (const w of this.waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new Error(`server exited (${code ?? signal}) while waiting for diagnostics of ${w.uri}\n${this.stderr}`));
      }
      done();
    }));
    proc.stderr?.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => this.onPublish(p));
    connection.onNotification(LogMessageNotification.type, (p) => {
      this.logs.push(p);
      for (const w of this.logWaiters.filter((x) => x.accept(p))) {
        this.logWaiters.splice(this.logWaiters.indexOf(w), 1);
        w.resolve(p);
      }
    });
    for (const method of CUSTOM_NOTIFICATIONS) {
      connection.onNotification(method, (params: unknown) => {
        this.notifications.push({ method, params });
        for (const w of this.notificationWaiters.filter((n) => n.method === method)) {
          this.notificationWaiters.splice(this.notificationWaiters.indexOf(w), 1);
          w.resolve(params);
        }
      });
    }
    connection.onRequest(ConfigurationRequest.type, (params: ConfigurationParams) => params.items.map((item) => {
      this.configurationItems.push(item);
      return this.options.configuration ? this.options.configuration(item) ?? null : null;
    }));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest(UnregistrationRequest.type, () => undefined);
    connection.onRequest('workspace/workspaceFolders', () => this.folderEntries());
  }

  /** Spawns dist/server.js --stdio and completes the initialize handshake. */
  static async start(options: HarnessOptions = {}): Promise<LspHarness> {
    const proc = spawn(process.execPath, [SERVER, ...(options.args ?? ['--stdio'])], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env, ...options.user });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const harness = new LspHarness(proc, connection, options);
    connection.listen();
    harness.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: harness.folderEntry().uri,
      workspaceFolders: harness.folderEntries(),
      capabilities: options.capabilities ?? DEFAULT_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return harness;
  }

  private folderEntries(): { uri: string; name: string }[] {
    if (this.options.folders) return this.options.folders.map((f, i) => ({ uri: pathToFileURL(f).href, name: `folder${i}` }));
    return [this.folderEntry()];
  }

  private folderEntry(): { uri: string; name: string } {
    return { uri: pathToFileURL(this.options.folders?.[0] ?? this.options.folder ?? ROOT).href, name: 'workspace' };
  }

  private onPublish(p: PublishDiagnosticsParams): void {
    this.published.push(p);
    for (const w of [...this.waiters]) {
      if (w.uri !== p.uri || !w.accept(p)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      clearTimeout(w.timer);
      w.resolve(p);
    }
  }

  /**
   * The next publishDiagnostics for `uri` that `accept` takes (default: any). Register the wait
   * before sending what triggers it.
   */
  nextDiagnostics(uri: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10000): Promise<PublishDiagnosticsParams> {
    if (this.exit) return Promise.reject(new Error(`server has exited: ${JSON.stringify(this.exit)}\n${this.stderr}`));
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no diagnostics published for ${uri} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = { uri, accept, resolve: resolvePromise, reject, timer };
      this.waiters.push(waiter);
    });
  }

  /** The next notification `method` from the server (register before triggering it). */
  nextNotification(method: string, timeoutMs = 10000): Promise<unknown> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.notificationWaiters.push({ method, resolve: (p) => { clearTimeout(timer); resolvePromise(p); } });
    });
  }

  /** The next window/logMessage that `accept` takes (register before triggering it). */
  nextLog(accept: (l: LogMessageParams) => boolean, timeoutMs = 10000): Promise<LogMessageParams> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching log message within ${timeoutMs} ms; got ${JSON.stringify(this.logs.map((l) => redactKeys(l.message.slice(0, 120))))}`)), timeoutMs);
      this.logWaiters.push({ accept, resolve: (l) => { clearTimeout(timer); resolvePromise(l); } });
    });
  }

  private remember(text: string): void {
    for (const k of text.match(KEY_TOKEN) ?? []) this.sentKeys.add(k);
  }

  /** Opens a document and resolves with its first diagnostics. */
  open(uri: string, languageId: string, text: string, version = 1, timeoutMs?: number): Promise<PublishDiagnosticsParams> {
    const next = this.nextDiagnostics(uri, undefined, timeoutMs);
    this.remember(text);
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
    return next;
  }

  /** Replaces a document's whole text without waiting. */
  sendChange(uri: string, text: string, version: number): void {
    this.remember(text);
    void this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Sends a didChange exactly as given, malformed ones included (the version may be null). */
  sendRaw(uri: string, version: number | null, contentChanges: unknown[]): void {
    for (const c of contentChanges) if (typeof (c as { text?: unknown })?.text === 'string') this.remember((c as { text: string }).text);
    void this.connection.sendNotification(DidChangeTextDocumentNotification.method, { textDocument: { uri, version }, contentChanges });
  }

  /** Replaces a document's whole text and resolves with the next diagnostics published for it. */
  change(uri: string, text: string, version: number): Promise<PublishDiagnosticsParams> {
    const next = this.nextDiagnostics(uri);
    this.sendChange(uri, text, version);
    return next;
  }

  /** Closes a document and resolves with the publish that clears it. */
  close(uri: string): Promise<PublishDiagnosticsParams> {
    const next = this.nextDiagnostics(uri, (p) => p.diagnostics.length === 0);
    void this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    return next;
  }

  /** Sends workspace/didChangeConfiguration (with `settings` for clients without configuration pull). */
  changeConfiguration(settings: unknown = null): void {
    void this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  /**
   * Every place where a key sent in a document reached the client: a diagnostic (message, data, any
   * field) or a log message. (Long identifiers are fine in messages; sent keys never are.)
   */
  leaks(): string[] {
    const out: string[] = [];
    const check = (where: string, text: string): void => {
      for (const k of this.sentKeys) if (text.includes(k)) out.push(`${where} holds the key ${k.slice(0, 4)}…`);
    };
    for (const p of this.published) {
      for (const d of p.diagnostics) check(`${p.uri}: diagnostic "${messageText(d)}"`, JSON.stringify(d));
    }
    for (const l of this.logs) check(`log "${redactKeys(l.message.slice(0, 200))}"`, l.message);
    return out;
  }

  /** Stops the server, then fails when a key sent in a document reached the client ({@link leaks}). */
  async stopExpectingNoLeaks(message?: string): Promise<void> {
    const leaks = this.leaks();
    await this.stop();
    assert.deepEqual(leaks, [], message);
  }

  /** Shuts the server down politely; kills it when it does not exit within 3 s (a stuck server too). */
  async stop(): Promise<void> {
    if (!this.exit) {
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
      try {
        await Promise.race([this.connection.sendRequest(ShutdownRequest.type), this.exited]);
        if (!this.exit) await this.connection.sendNotification(ExitNotification.type);
      } catch {
        // the connection is already gone; the timer or the exit takes care of the process
      }
      await this.exited;
      clearTimeout(timer);
    }
    this.connection.dispose();
  }
}

/** A text with every key-shaped token masked, for failure reports. */
function redactKeys(text: string): string {
  return text.replace(KEY_TOKEN, (k) => `${k.slice(0, 4)}…`);
}

/** A diagnostic's message as text (LSP 3.18 allows markup). */
export function messageText(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

/** A `file:` URI for a path under the repository. */
export function fileUri(...segments: string[]): string {
  return pathToFileURL(resolve(ROOT, ...segments)).href;
}
