/**
 * misp-guard language server: wiring only. `misp-guard-language-server --stdio` (or `--node-ipc`,
 * as the VS Code client starts it) pushes diagnostics for every open document.
 */
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  DidChangeConfigurationNotification,
  ErrorCodes,
  ExitNotification,
  Message,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import type { InitializeParams, InitializeResult, PublishDiagnosticsParams, WorkspaceFolder } from 'vscode-languageserver/node';
import { DocumentSettings } from './documentSettings';
import { FixFeature } from './fixFeature';
import { ScanFeature } from './scanFeature';
import { DocumentTextRequest, StatusNotification } from './protocol';
import type { MispGuardInitializationOptions } from './protocol';
import { ANALYSIS_BUDGET_MS, CHANGE_DEBOUNCE_MS, describe, locate, OpenDocuments, Validator } from './validation';
import type { Outcome } from './validation';
import { NotebookOutputs } from './notebookOutputs';
import { isExcluded, toScanOptions } from './settings';

const TRANSPORT = /^--(stdio|node-ipc|socket|pipe)(=|$)/;
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('Usage: misp-guard-language-server [--stdio | --node-ipc | --socket=PORT | --pipe=NAME]\n'
    + 'Language Server Protocol server reporting leaked MISP API keys and disabled TLS verification.\n'
    + 'Without a transport flag it talks LSP over stdin/stdout.\n');
  process.exit(0);
}
// Generic clients often start a server without flags: default to stdio rather than failing.
if (!process.argv.slice(2).some((a) => TRANSPORT.test(a))) process.argv.push('--stdio');

/**
 * After `shutdown` (LSP: "If a server receives requests after a shutdown request those requests
 * should error with InvalidRequest"): every message goes through this gate first. Requests, whatever
 * their method (a second shutdown, an unknown method included), are routed to one handler that
 * answers InvalidRequest; notifications other than `exit` are dropped, so nothing is opened or
 * analysed any more; responses to the server's own requests still arrive.
 */
let shutDown = false;
const AFTER_SHUTDOWN = 'mispGuard/$afterShutdown';
const connection = createConnection(ProposedFeatures.all, {
  messageStrategy: {
    handleMessage(message, next) {
      if (!shutDown || Message.isResponse(message)) return next(message);
      if (Message.isRequest(message)) return next({ ...message, method: AFTER_SHUTDOWN } as Message);
      if (Message.isNotification(message) && message.method === ExitNotification.method) return next(message);
      return undefined;
    },
  },
});
connection.onRequest(AFTER_SHUTDOWN, () => new ResponseError(ErrorCodes.InvalidRequest, 'the server has been shut down; only exit is accepted'));
/** Every diagnostics notification goes out through here: none after shutdown. */
function publishDiagnostics(params: PublishDiagnosticsParams): void {
  if (!shutDown) void connection.sendDiagnostics(params);
}
const log = {
  info: (m: string) => connection.console.info(m),
  warn: (m: string) => connection.console.warn(m),
  error: (m: string) => connection.console.error(m),
};

let settings: DocumentSettings | undefined;
let folders: string[] = [];
let statusNotifications = false;
let dynamicConfigurationChange = false;
let workspaceFolderEvents = false;
let documentText = false;

// The open documents. A didChange that cannot be applied makes the server stop trusting its copy
// (see OpenDocuments): it says so, clears the document's diagnostics and asks a client that offers it
// for the whole text.
const documents = new OpenDocuments({
  opened: (document) => {
    validator.validateNow(document.uri);
    notebookOutputs.cellChanged(document.uri);
  },
  changed: (document) => validator.validateSoon(document.uri),
  closed: (uri) => {
    settings?.forget(uri);
    validator.close(uri);
    scans.documentClosed(uri);
    notebookOutputs.cellClosed(uri);
  },
  lostSync: (uri) => validator.suspend(uri),
  resynced: (document) => validator.validateNow(document.uri),
  canFetchText: () => documentText && !shutDown,
  fetchText: (uri) => connection.sendRequest(DocumentTextRequest, { uri }),
  log,
});

function folderPaths(list: readonly WorkspaceFolder[] | null | undefined): string[] {
  const out: string[] = [];
  for (const f of list ?? []) {
    try {
      out.push(fileURLToPath(f.uri));
    } catch {
      // not a file: folder (virtual workspace); its globs are matched against the URI path instead
    }
  }
  return out;
}

const fixes = new FixFeature(connection, documents, {
  settings: (uri) => (settings ? settings.get(uri) : Promise.reject(new Error('not initialized'))),
  folders: () => folders,
  log,
});

// Workspace scans, their diagnostics for unopened files, file events and baselines.
const scans = new ScanFeature(connection, documents, {
  publish: publishDiagnostics,
  settings: (uri) => (settings ? settings.get(uri) : Promise.reject(new Error('not initialized'))),
  folders: () => folders,
  revalidate: () => validator.validateAll(),
  shown: (uri): Promise<Outcome | undefined> => validator.shownNow(uri),
  log,
});

const validator = new Validator({
  filterFindings: (file, text, findings, s) => scans.filterFindings(file, text, findings, s),
  document: (uri) => documents.get(uri),
  all: () => documents.all(),
  settings: (uri) => (settings ? settings.get(uri) : Promise.reject(new Error('not initialized'))),
  folders: () => folders,
  publish: (uri, version, diagnostics) => {
    if (shutDown) return;
    fixes.remember(uri, version, diagnostics);
    publishDiagnostics({ uri, version, diagnostics });
  },
  status: (params) => {
    if (statusNotifications && !shutDown) void connection.sendNotification(StatusNotification, params);
  },
  log,
}, CHANGE_DEBOUNCE_MS, analysisBudget());

/** The analysis budget: ANALYSIS_BUDGET_MS, or MISP_GUARD_ANALYSIS_BUDGET_MS (milliseconds) from the environment. */
function analysisBudget(): number {
  const fromEnv = Number(process.env.MISP_GUARD_ANALYSIS_BUDGET_MS);
  return process.env.MISP_GUARD_ANALYSIS_BUDGET_MS && Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : ANALYSIS_BUDGET_MS;
}

const notebookOutputs = new NotebookOutputs({
  publish: (uri, diagnostics) => publishDiagnostics({ uri, diagnostics }),
  openAsText: (uri) => documents.openUris().includes(uri),
  options: async (uri) => {
    if (!settings) return undefined;
    const s = await settings.get(uri);
    return s.enable && !isExcluded(locate(uri).matchPath, s.exclude, folders) ? toScanOptions(s) : undefined;
  },
  folders: () => folders,
  log,
});

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  const options = (params.initializationOptions ?? {}) as MispGuardInitializationOptions;
  statusNotifications = options.statusNotifications === true;
  documentText = options.documentText === true;
  dynamicConfigurationChange = caps.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  workspaceFolderEvents = caps.workspace?.workspaceFolders === true;
  settings = new DocumentSettings(connection, caps.workspace?.configuration === true, (error) =>
    log.warn(describe('workspace/configuration failed, using defaults', '', error)));
  folders = params.workspaceFolders
    ? folderPaths(params.workspaceFolders)
    : folderPaths(params.rootUri ? [{ uri: params.rootUri, name: '' }] : []);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      workspace: {
        ...(workspaceFolderEvents ? { workspaceFolders: { supported: true, changeNotifications: true } } : {}),
        ...scans.initialize(params),
      },
      ...fixes.initialize(params),
    },
    serverInfo: { name: 'misp-guard' },
  };
});

connection.onInitialized(() => {
  scans.initialized();
  if (dynamicConfigurationChange) {
    connection.client.register(DidChangeConfigurationNotification.type, undefined)
      .catch((error: unknown) => log.warn(describe('could not register for configuration changes', '', error)));
  }
  if (workspaceFolderEvents) {
    connection.workspace.onDidChangeWorkspaceFolders(() => {
      connection.workspace.getWorkspaceFolders().then((list) => {
        folders = folderPaths(list);
        validator.validateAll();
      }, (error: unknown) => log.warn(describe('could not read workspace folders', '', error)));
    });
  }
});

connection.onDidChangeConfiguration((params) => {
  settings?.changed(params);
  validator.validateAll();
});

connection.onShutdown(() => {
  shutDown = true;
  validator.dispose();
  scans.dispose();
});

// A bug must cost one document's diagnostics, never the server.
process.on('uncaughtException', (error) => log.error(describe('uncaught exception', '', error)));
process.on('unhandledRejection', (error) => log.error(describe('unhandled rejection', '', error)));

documents.listen(connection);
connection.listen();
