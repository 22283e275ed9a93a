/**
 * Workspace scans and baselines in the server: the `mispGuard/scanWorkspace` and
 * `mispGuard/clearScanResults` requests, the file events that keep scan diagnostics current
 * (watched files registered dynamically, plus the editor's rename and delete notifications), and
 * the baseline filter for open documents. server.ts only wires this in.
 */
import { fileURLToPath } from 'node:url';
import { DidChangeWatchedFilesNotification } from 'vscode-languageserver/node';
import type { CancellationToken, Connection, Diagnostic, InitializeParams, ServerCapabilities } from 'vscode-languageserver/node';
import { BaselineStore } from './baselineStore';
import type { Finding, RuleId } from './core';
import { ClearScanResultsRequest, ScanWorkspaceRequest } from './protocol';
import type { ScanWorkspaceParams } from './protocol';
import { ScanEvents } from './scanEvents';
import { ScanResults } from './scanResults';
import type { Published } from './scanResults';
import type { Settings } from './settings';
import { describe, locate } from './validation';
import type { OpenDocuments } from './validation';
import { WorkspaceScanner } from './workspaceScan';
import type { ScanProgress } from './workspaceScan';

/** What the feature needs from the server. */
export interface ScanFeatureDeps {
  /** Sends diagnostics (the server's one way out for them, closed after shutdown). */
  publish(params: { uri: string; diagnostics: Diagnostic[] }): void;
  settings(uri: string): Promise<Settings>;
  folders(): readonly string[];
  /** Analyse the open documents again (their baseline changed). */
  revalidate(): void;
  /** What the editor shows for an open document (undefined: nothing, its copy is not trusted). */
  shown(uri: string): Promise<{ diagnostics: Diagnostic[]; baselined: number } | undefined>;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

const ALL_FILES = { filters: [{ scheme: 'file', pattern: { glob: '**/*' } }] };

/** Scans, their results, file events and baselines. */
export class ScanFeature {
  readonly baselines: BaselineStore;
  readonly results: ScanResults;
  private readonly scanner: WorkspaceScanner;
  private readonly events: ScanEvents;
  private configurationPull = false;
  private watchedFilesDynamic = false;

  constructor(private readonly connection: Connection, private readonly documents: Pick<OpenDocuments, 'get' | 'openUris'>, private readonly deps: ScanFeatureDeps) {
    this.baselines = new BaselineStore((m) => deps.log.warn(m));
    this.results = new ScanResults({
      isOpen: (file) => this.isOpen(file),
      publish: (uri, diagnostics) => deps.publish({ uri, diagnostics }),
      log: deps.log,
    });
    this.scanner = new WorkspaceScanner({
      folders: deps.folders,
      settings: deps.settings,
      filesExclude: (scopeUri) => this.filesExclude(scopeUri),
      createProgress: () => connection.window.createWorkDoneProgress() as Promise<ScanProgress>,
      baseline: (folder, setting) => this.baselines.forFile(folder, [folder], setting),
      results: this.results,
      shown: (file) => this.shown(file),
      log: deps.log,
    });
    this.events = new ScanEvents({
      results: this.results,
      baselines: this.baselines,
      baselineChanged: () => { deps.revalidate(); this.results.republishAll(); },
      log: deps.log,
    });
    // A client that sent its own workDoneToken shows the progress itself (VS Code: a notification with Cancel).
    connection.onRequest(ScanWorkspaceRequest, (params: ScanWorkspaceParams, token: CancellationToken) =>
      this.scanner.scan(params, token, params.workDoneToken !== undefined ? connection.window.attachWorkDoneProgress(params.workDoneToken) : undefined));
    connection.onRequest(ClearScanResultsRequest, () => this.results.clear());
    connection.onDidChangeWatchedFiles((p) => this.events.watched(p.changes));
    connection.workspace.onDidRenameFiles((p) => this.events.renamed(p.files));
    connection.workspace.onDidDeleteFiles((p) => this.events.removed(p.files.map((f) => f.uri)));
  }

  /** Reads the client's capabilities; returns the workspace capabilities to announce. */
  initialize(params: InitializeParams): NonNullable<ServerCapabilities['workspace']> {
    const ws = params.capabilities.workspace;
    this.configurationPull = ws?.configuration === true;
    this.watchedFilesDynamic = ws?.didChangeWatchedFiles?.dynamicRegistration === true;
    return { fileOperations: { didRename: ALL_FILES, didDelete: ALL_FILES } };
  }

  /** After `initialized`: watch every file (scan diagnostics follow changes made outside the editor). */
  initialized(): void {
    if (!this.watchedFilesDynamic) return;
    this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] })
      .catch((error: unknown) => this.deps.log.warn(describe('could not register file watchers', '', error)));
  }

  /** A document was closed: its file on disk is what scan diagnostics show again. */
  documentClosed(uri: string): void {
    const file = locate(uri).scanPath;
    if (file !== undefined && uri.startsWith('file:')) this.events.closed(file);
  }

  /** Drops the findings of an open document that its folder's baseline accepts. */
  filterFindings(file: string | undefined, text: string, findings: Finding[], settings: Settings): Finding[] {
    return this.baselines.filter(file, text, findings, this.deps.folders(), settings.baseline);
  }

  /** Stops a running scan. */
  dispose(): void {
    this.scanner.cancel();
  }

  private isOpen(file: string): boolean {
    return this.openUri(file) !== undefined;
  }

  /** The URI of the open document of a file, if it is open. */
  private openUri(file: string): string | undefined {
    return this.documents.openUris().find((uri) => uri.startsWith('file:') && safePath(uri) === file);
  }

  /** For a file open in the editor: the counts of what the editor shows for it (its text, saved or not). */
  private shown(file: string): Promise<Published> | undefined {
    const uri = this.openUri(file);
    if (uri === undefined) return undefined;
    return this.deps.shown(uri).then((outcome) => {
      const out: Published = { findings: 0, baselined: outcome?.baselined ?? 0, byRule: new Map() };
      for (const d of outcome?.diagnostics ?? []) {
        const rule = d.code as RuleId;
        out.findings++;
        out.byRule.set(rule, (out.byRule.get(rule) ?? 0) + 1);
      }
      return out;
    }, (error: unknown) => {
      this.deps.log.warn(describe('workspace scan: could not count the open document', uri, error));
      return { findings: 0, baselined: 0, byRule: new Map() };
    });
  }

  private async filesExclude(scopeUri: string): Promise<string[]> {
    if (!this.configurationPull) return [];
    const value: unknown = await this.connection.workspace.getConfiguration({ scopeUri, section: 'files.exclude' });
    if (typeof value !== 'object' || value === null) return [];
    return Object.entries(value as Record<string, unknown>).filter(([, on]) => on === true).map(([glob]) => glob);
  }
}

function safePath(uri: string): string | undefined {
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
