/**
 * When and how open documents are analysed: immediately on open, debounced on change, again for all
 * documents when settings change. Results for a version that is no longer current are dropped.
 * Analysis failures never escape: whatever could be computed is published and a redacted message logged.
 */
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText, redact } from './core';
import type { Finding, ScanInput } from './core';
import { toDiagnostics } from './diagnostics';
import type { StatusParams } from './protocol';
import { DEFAULT_SETTINGS, isExcluded, toScanOptions } from './settings';
import type { Settings } from './settings';

/** What the validator needs from the server around it. */
export interface ValidatorDeps {
  /** The open document at `uri`, at its current version. */
  document(uri: string): TextDocument | undefined;
  /** Every open document. */
  all(): readonly TextDocument[];
  settings(uri: string): Promise<Settings>;
  /** File-system paths of the workspace folders (for `exclude` globs). */
  folders(): readonly string[];
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
  status?(params: StatusParams): void;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /**
   * Drops findings the user accepted (the folder's baseline). Gets the document's file path (undefined
   * when it has none), its text and settings; returns the findings to publish.
   */
  filterFindings?(path: string | undefined, text: string, findings: Finding[], settings: Settings): Finding[];
}

/** Debounce after an edit, in milliseconds. */
export const CHANGE_DEBOUNCE_MS = 175;

/** Where a document lives, as the core and the `exclude` globs see it. */
export interface DocumentLocation {
  /** Path handed to the core (undefined: let the language id decide alone). */
  scanPath: string | undefined;
  /** Path matched against `exclude` globs. */
  matchPath: string;
}

/**
 * Path of a document URI: the decoded file-system path for `file:` URIs, the URI path otherwise
 * (`untitled:Untitled-1` → `Untitled-1`). A notebook cell is matched against `exclude` by its
 * notebook's path, but the core gets no path for it: the cell holds code, not the notebook's JSON.
 */
export function locate(uri: string): DocumentLocation {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { scanPath: uri, matchPath: uri };
  }
  let path: string;
  if (url.protocol === 'file:') {
    try {
      path = fileURLToPath(url);
    } catch {
      path = safeDecode(url.pathname);
    }
  } else {
    path = safeDecode(url.pathname);
  }
  const cell = url.protocol === 'vscode-notebook-cell:';
  return { scanPath: cell ? undefined : path, matchPath: path };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Schedules and runs the analysis of open documents. */
export class Validator {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /**
   * Every schedule and close takes a new number from one counter (so numbers never repeat, even
   * when a document is closed and reopened); a run whose number is no longer current is dropped.
   */
  private readonly generations = new Map<string, number>();
  private lastGeneration = 0;
  /** Notices last logged per document, so that typing does not repeat them. */
  private readonly lastNotices = new Map<string, string>();
  private disposed = false;

  constructor(private readonly deps: ValidatorDeps, private readonly debounceMs = CHANGE_DEBOUNCE_MS) {}

  /** Analyses the document now (on open). */
  validateNow(uri: string): void {
    this.schedule(uri, 0);
  }

  /** Analyses the document after the debounce delay, cancelling an earlier pending run (on change). */
  validateSoon(uri: string): void {
    this.schedule(uri, this.debounceMs);
  }

  /** Analyses every open document again (settings changed). */
  validateAll(): void {
    for (const doc of this.deps.all()) this.schedule(doc.uri, 0);
  }

  /** Stops any pending run and clears the document's diagnostics (on close). */
  close(uri: string): void {
    if (this.disposed) return;
    this.bump(uri);
    this.generations.delete(uri);
    this.lastNotices.delete(uri);
    this.deps.publish(uri, undefined, []);
  }

  /** Cancels every pending run; nothing is analysed or published afterwards (shutdown). */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.generations.clear();
  }

  private bump(uri: string): number {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
    const generation = ++this.lastGeneration;
    this.generations.set(uri, generation);
    return generation;
  }

  private schedule(uri: string, delayMs: number): void {
    if (this.disposed) return;
    const generation = this.bump(uri);
    const run = (): void => {
      this.timers.delete(uri);
      this.run(uri, generation).catch((error: unknown) => this.deps.log.error(describe('validation failed', uri, error)));
    };
    if (delayMs <= 0) run();
    else this.timers.set(uri, setTimeout(run, delayMs));
  }

  private current(uri: string, generation: number): boolean {
    return this.generations.get(uri) === generation;
  }

  private async run(uri: string, generation: number): Promise<void> {
    let settings: Settings;
    try {
      settings = await this.deps.settings(uri);
    } catch (error) {
      this.deps.log.warn(describe('settings unavailable, using defaults', uri, error));
      settings = DEFAULT_SETTINGS;
    }
    const document = this.deps.document(uri);
    if (!document || !this.current(uri, generation)) return;

    const started = performance.now();
    const location = locate(uri);
    const report = (state: StatusParams['state'], diagnostics: Diagnostic[], extra: Partial<StatusParams> = {}): void => {
      this.deps.publish(uri, document.version, diagnostics);
      this.deps.status?.({
        uri, version: document.version, state, findings: diagnostics.length,
        durationMs: Math.round((performance.now() - started) * 100) / 100, ...extra,
      });
    };

    if (!settings.enable) return report('disabled', []);
    if (isExcluded(location.matchPath, settings.exclude, this.deps.folders())) return report('excluded', []);

    const input: ScanInput = { path: location.scanPath, languageId: document.languageId };
    try {
      const text = document.getText();
      const result = analyzeText(text, input, toScanOptions(settings));
      this.logNotices(uri, result.notices.map((n) => `${n.level}: ${n.message}`));
      const findings = this.deps.filterFindings ? this.deps.filterFindings(location.scanPath, text, result.findings, settings) : result.findings;
      const diagnostics = toDiagnostics(document, findings, (error) =>
        this.deps.log.error(describe('could not convert a finding', uri, error)));
      report('analysed', diagnostics, { format: result.format, flavor: result.flavor });
    } catch (error) {
      this.deps.log.error(describe('analysis failed', uri, error));
      report('failed', []);
    }
  }

  private logNotices(uri: string, notices: string[]): void {
    const joined = notices.join('\n');
    if (joined === (this.lastNotices.get(uri) ?? '')) return;
    this.lastNotices.set(uri, joined);
    for (const notice of notices) this.deps.log.info(redact(`${uri}: ${notice}`));
  }
}

/** A log line about an error, with any key-like text masked (parser errors quote the source). */
export function describe(what: string, uri: string, error: unknown): string {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return redact(`${what} for ${uri}: ${detail}`);
}
