/**
 * The open documents: what the server knows of them ({@link OpenDocuments}: the text kept in sync
 * with the editor's, or known to be out of sync), and when and how they are analysed
 * ({@link Validator}: immediately on open, debounced on change, again for all documents when
 * settings change). Results for a version that is no longer current are dropped. Analysis failures
 * never escape: whatever could be computed is published and a redacted message logged.
 */
import { fileURLToPath } from 'node:url';
import type { Connection, Diagnostic, Position, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText, redact } from './core';
import { contextPath } from './node/contextPath';
import type { Finding, ScanInput } from './core';
import { toDiagnostics } from './diagnostics';
import type { DocumentTextResult, StatusParams } from './protocol';
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

/**
 * Analysis time of one document, in milliseconds, above which a masked warning is logged (once per
 * open document): analysis runs on the server's thread, so nothing else is answered meanwhile.
 */
export const ANALYSIS_BUDGET_MS = 1000;

/** How the analysis of one document version went (what was published for it). */
export interface Outcome {
  state: StatusParams['state'];
  version: number;
  diagnostics: Diagnostic[];
  /** Findings the baseline hid. */
  baselined: number;
  durationMs: number;
  format?: StatusParams['format'];
  flavor?: StatusParams['flavor'];
}

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
  /** The outcome last published per document (what the editor shows). */
  private readonly shown = new Map<string, Outcome>();
  /** Documents whose analysis went over the budget once (the warning is not repeated). */
  private readonly slow = new Set<string>();
  /** Analyses run one at a time: each waits for the one before (see {@link turn}). */
  private gate: Promise<void> = Promise.resolve();
  private disposed = false;

  /**
   * @param debounceMs delay after an edit before the document is analysed
   * @param budgetMs analysis time of one document above which a warning is logged (once per document)
   */
  constructor(private readonly deps: ValidatorDeps, private readonly debounceMs = CHANGE_DEBOUNCE_MS, private readonly budgetMs = ANALYSIS_BUDGET_MS) {}

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
    this.slow.delete(uri);
    this.deps.publish(uri, undefined, []);
  }

  /** Cancels any pending run and clears the document's diagnostics, keeping what it knows of it (its copy is not trusted). */
  suspend(uri: string): void {
    if (this.disposed) return;
    this.bump(uri);
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
    // What was shown is about to be replaced (a new version, new settings): it no longer says what is current.
    this.shown.delete(uri);
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
    const settings = await this.settingsOf(uri);
    if (!this.deps.document(uri) || !this.current(uri, generation)) return;
    // One analysis per turn of the event loop, after the messages already queued: a newer version or
    // a close that is waiting cancels this run before it blocks the thread.
    const release = await this.turn();
    try {
      const document = this.deps.document(uri);
      if (!document || !this.current(uri, generation) || this.disposed) return;
      const outcome = this.analyse(uri, document, settings);
      this.shown.set(uri, outcome);
      this.deps.publish(uri, outcome.version, outcome.diagnostics);
      this.deps.status?.({
        uri, version: outcome.version, state: outcome.state, findings: outcome.diagnostics.length,
        durationMs: Math.round(outcome.durationMs * 100) / 100,
        ...(outcome.format !== undefined ? { format: outcome.format, flavor: outcome.flavor } : {}),
      });
    } finally {
      release();
    }
  }

  /**
   * What the editor shows for an open document now: the last analysis when it is of the current
   * version and settings, else a fresh one (not published). Undefined when the document is not open
   * or its copy is not trusted (it shows nothing then).
   */
  async shownNow(uri: string): Promise<Outcome | undefined> {
    const last = this.shown.get(uri);
    const document = this.deps.document(uri);
    if (!document) return undefined;
    if (last && last.version === document.version) return last;
    const settings = await this.settingsOf(uri);
    const now = this.deps.document(uri);
    return now ? this.analyse(uri, now, settings) : undefined;
  }

  private async settingsOf(uri: string): Promise<Settings> {
    try {
      return await this.deps.settings(uri);
    } catch (error) {
      this.deps.log.warn(describe('settings unavailable, using defaults', uri, error));
      return DEFAULT_SETTINGS;
    }
  }

  /** Analyses a document (synchronously: this is the part that holds the thread) and says how it went. */
  private analyse(uri: string, document: TextDocument, settings: Settings): Outcome {
    const started = performance.now();
    const location = locate(uri);
    const version = document.version;
    const done = (state: Outcome['state'], diagnostics: Diagnostic[], extra: Partial<Outcome> = {}): Outcome =>
      ({ state, version, diagnostics, baselined: 0, durationMs: performance.now() - started, ...extra });
    if (!settings.enable) return done('disabled', []);
    if (isExcluded(location.matchPath, settings.exclude, this.deps.folders())) return done('excluded', []);
    // The core judges a file by its path inside the workspace folder (the folders above say nothing about it).
    const input: ScanInput = { path: location.scanPath === undefined ? undefined : contextPath(location.scanPath, this.deps.folders()), languageId: document.languageId };
    let outcome: Outcome;
    try {
      const text = document.getText();
      const result = analyzeText(text, input, toScanOptions(settings));
      this.logNotices(uri, result.notices.map((n) => `${n.level}: ${n.message}`));
      const findings = this.deps.filterFindings ? this.deps.filterFindings(location.scanPath, text, result.findings, settings) : result.findings;
      const diagnostics = toDiagnostics(document, findings, (error) =>
        this.deps.log.error(describe('could not convert a finding', uri, error)));
      outcome = done('analysed', diagnostics, { format: result.format, flavor: result.flavor, baselined: result.findings.length - findings.length });
    } catch (error) {
      this.deps.log.error(describe('analysis failed', uri, error));
      outcome = done('failed', []);
    }
    if (outcome.durationMs > this.budgetMs && !this.slow.has(uri)) {
      this.slow.add(uri);
      this.deps.log.warn(redact(`analysis of ${uri} took ${Math.round(outcome.durationMs)} ms, over the ${this.budgetMs} ms budget; `
        + 'the language server answers nothing else meanwhile (large generated files are better left out with mispGuard.exclude). '
        + 'This is said once per open document.'));
    }
    return outcome;
  }

  /**
   * Waits until no other analysis runs, then for a macrotask, so that messages already queued go
   * first. Resolves with the function that lets the next analysis go (call it when done).
   */
  private async turn(): Promise<() => void> {
    const before = this.gate;
    let release!: () => void;
    this.gate = new Promise<void>((resolve) => { release = resolve; });
    await before;
    await new Promise<void>((resolve) => setImmediate(resolve));
    return release;
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

/**
 * What the server knows of the open documents (`textDocument/didOpen`, `didChange`, `didClose`).
 *
 * A `didChange` is checked as a whole before any of it is applied: every content change must be a
 * whole text or a well-formed range (start and end positions of non-negative integers, start not after
 * end) with a text, and the notification must carry an integer version. One that does not is never
 * applied in part nor dropped in silence: the server stops trusting its copy of the document, clears
 * the document's diagnostics, logs a masked warning and, when the client offers it (the VS Code client
 * does), asks for the document's whole text (`mispGuard/documentText`) and carries on from that.
 * Otherwise, or until the answer comes, the document is not analysed and gets no code actions; a
 * later change that carries the whole text, or closing and reopening the document, brings it back.
 * Positions past the end of a line or of the document are clamped, as the LSP specification says.
 */
export class OpenDocuments {
  private readonly docs = new Map<string, TextDocument>();
  /** Documents whose copy is not trusted: the newest version the client announced, and the asking state. */
  private readonly lost = new Map<string, { latest?: number; asking: boolean; attempts: number }>();
  /** After taking the client's text at a version, changes up to that version are already in it. */
  private readonly floor = new Map<string, number>();

  constructor(private readonly deps: OpenDocumentsDeps) {}

  /** The open document at `uri` while its copy is trusted. */
  get(uri: string): TextDocument | undefined {
    return this.lost.has(uri) ? undefined : this.docs.get(uri);
  }

  /** Every open document whose copy is trusted. */
  all(): TextDocument[] {
    return [...this.docs.values()].filter((d) => !this.lost.has(d.uri));
  }

  /** URIs of every open document, trusted or not (an untrusted one is still open in the editor). */
  openUris(): string[] {
    return [...this.docs.keys()];
  }

  /** Handles the document notifications of `connection`. */
  listen(connection: Pick<Connection, 'onDidOpenTextDocument' | 'onDidChangeTextDocument' | 'onDidCloseTextDocument'>): void {
    connection.onDidOpenTextDocument((params) => this.open(params));
    connection.onDidChangeTextDocument((params) => this.change(params));
    connection.onDidCloseTextDocument((params) => this.close(params));
  }

  open(params: unknown): void {
    const td = field(params, 'textDocument');
    const uri = field(td, 'uri');
    const languageId = field(td, 'languageId');
    const version = field(td, 'version');
    const text = field(td, 'text');
    if (typeof uri !== 'string' || typeof languageId !== 'string' || !Number.isSafeInteger(version) || typeof text !== 'string') {
      this.deps.log.warn(redact(`ignored a malformed didOpen${typeof uri === 'string' ? ` for ${uri}` : ''} (it needs a uri, languageId, integer version and text)`));
      return;
    }
    this.lost.delete(uri);
    this.floor.delete(uri);
    const document = TextDocument.create(uri, languageId, version as number, text);
    this.docs.set(uri, document);
    this.deps.opened(document);
  }

  change(params: unknown): void {
    const td = field(params, 'textDocument');
    const uri = field(td, 'uri');
    if (typeof uri !== 'string') {
      this.deps.log.warn('ignored a didChange without a document URI');
      return;
    }
    const document = this.docs.get(uri);
    if (!document) return; // LSP: changes come only for open documents; nothing to keep in sync
    const version = field(td, 'version');
    const changes = field(params, 'contentChanges');
    const problem = changeProblem(version, changes);
    const lost = this.lost.get(uri);
    if (lost) {
      if (Number.isSafeInteger(version)) lost.latest = Math.max(lost.latest ?? -Infinity, version as number);
      const list = changes as { text: string; range?: Range }[];
      const full = problem === undefined ? list.map((c) => c.range === undefined).lastIndexOf(true) : -1;
      if (full >= 0) this.adopt(document, version as number, list[full].text, list.slice(full + 1), 'the editor sent the whole text');
      else if (problem !== undefined) this.ask(uri);
      return;
    }
    if (problem !== undefined) {
      this.loseSync(document, version, problem);
      return;
    }
    const list = changes as TextDocumentContentChangeEvent[];
    if (list.length === 0) return;
    const floor = this.floor.get(uri);
    if (floor !== undefined) {
      if ((version as number) <= floor) return; // already in the text taken from the editor
      this.floor.delete(uri);
    }
    try {
      TextDocument.update(document, list, version as number);
    } catch (error) {
      this.loseSync(document, version, describe('the change could not be applied', uri, error));
      return;
    }
    this.deps.changed(document);
  }

  close(params: unknown): void {
    const uri = field(field(params, 'textDocument'), 'uri');
    if (typeof uri !== 'string' || !this.docs.has(uri)) return;
    this.docs.delete(uri);
    this.lost.delete(uri);
    this.floor.delete(uri);
    this.deps.closed(uri);
  }

  private loseSync(document: TextDocument, version: unknown, problem: string): void {
    const uri = document.uri;
    this.lost.set(uri, { latest: Number.isSafeInteger(version) ? version as number : undefined, asking: false, attempts: 0 });
    const next = this.deps.canFetchText()
      ? 'asking the editor for the whole text'
      : 'its diagnostics are cleared until the editor sends the whole text again (close and reopen the file)';
    this.deps.log.warn(redact(`lost sync with ${uri} at version ${String(version)}: ${problem}; nothing of this change was applied, ${next}`));
    this.deps.lostSync(uri);
    this.ask(uri);
  }

  /** Asks the client for the text of a document whose copy is not trusted (one request at a time, three tries). */
  private ask(uri: string): void {
    const state = this.lost.get(uri);
    if (!state || state.asking || !this.deps.canFetchText()) return;
    if (state.attempts >= 3) return;
    state.asking = true;
    state.attempts++;
    this.deps.fetchText(uri).then((answer) => {
      state.asking = false;
      const document = this.docs.get(uri);
      if (this.lost.get(uri) !== state || !document) return; // closed, reopened or back in sync meanwhile
      const version = field(answer, 'version');
      const text = field(answer, 'text');
      if (!Number.isSafeInteger(version) || typeof text !== 'string') {
        this.deps.log.warn(redact(`the editor did not give the text of ${uri}; it stays without diagnostics until it is reopened`));
        return;
      }
      // Changes newer than the answer arrived meanwhile: they apply to a text we do not have; ask again.
      if (state.latest !== undefined && (version as number) < state.latest) {
        this.ask(uri);
        return;
      }
      this.adopt(document, version as number, text, [], 'the editor sent the whole text');
    }, (error: unknown) => {
      state.asking = false;
      this.deps.log.warn(describe('could not get the text of the document from the editor', uri, error));
    });
  }

  /** Takes `text` at `version` as the document's content, then `rest` (incremental changes after it). */
  private adopt(old: TextDocument, version: number, text: string, rest: TextDocumentContentChangeEvent[], why: string): void {
    const document = TextDocument.create(old.uri, old.languageId, version, text);
    if (rest.length > 0) TextDocument.update(document, rest, version);
    this.docs.set(old.uri, document);
    this.lost.delete(old.uri);
    this.floor.set(old.uri, version);
    this.deps.log.info(redact(`back in sync with ${old.uri} at version ${version}: ${why}`));
    this.deps.resynced(document);
  }
}

/** What {@link OpenDocuments} needs from the server. */
export interface OpenDocumentsDeps {
  opened(document: TextDocument): void;
  changed(document: TextDocument): void;
  closed(uri: string): void;
  /** The copy of `uri` is not trusted any more: cancel its analysis and clear its diagnostics. */
  lostSync(uri: string): void;
  /** The document has a trusted text again. */
  resynced(document: TextDocument): void;
  /** True when the client answers `mispGuard/documentText`. */
  canFetchText(): boolean;
  fetchText(uri: string): Promise<DocumentTextResult | null>;
  log: { info(message: string): void; warn(message: string): void };
}

function field(v: unknown, name: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[name] : undefined;
}

function isPosition(v: unknown): v is Position {
  const line = field(v, 'line');
  const character = field(v, 'character');
  return Number.isSafeInteger(line) && (line as number) >= 0 && Number.isSafeInteger(character) && (character as number) >= 0;
}

/** Why a didChange cannot be applied, or undefined when it can (every change checked before any is applied). */
export function changeProblem(version: unknown, changes: unknown): string | undefined {
  if (!Number.isSafeInteger(version)) return 'the change carries no integer version';
  if (!Array.isArray(changes)) return 'contentChanges is not a list';
  for (let i = 0; i < changes.length; i++) {
    const c: unknown = changes[i];
    const which = `content change ${i + 1} of ${changes.length}`;
    if (typeof c !== 'object' || c === null) return `${which} is not an object`;
    if (typeof field(c, 'text') !== 'string') return `${which} has no text`;
    if (!('range' in c) || (c as { range?: unknown }).range === undefined) continue; // the whole text
    const range = field(c, 'range');
    if (typeof range !== 'object' || range === null) return `${which} has a range that is not an object`;
    const start = field(range, 'start');
    const end = field(range, 'end');
    if (!isPosition(start)) return `${which}: range.start is not a position (line and character as non-negative integers)`;
    if (!isPosition(end)) return `${which}: range.end is not a position (line and character as non-negative integers)`;
    if (start.line > end.line || (start.line === end.line && start.character > end.character)) return `${which}: range.start is after range.end`;
    const length = field(c, 'rangeLength');
    if (length !== undefined && !(Number.isSafeInteger(length) && (length as number) >= 0)) return `${which}: rangeLength is not a non-negative integer`;
  }
  return undefined;
}
