/**
 * One file's analysis as the CLI, the workspace scan and the git scans need it: read (or take the
 * bytes of a git blob), decode, run the core, and resolve every offset to a line and a UTF-16
 * column. The result is plain data (it crosses worker-thread boundaries) and every text is masked.
 */
import { analyzeText, formatFamily, redact, worthAnalysing } from '../core';
import type { FixData, RuleId, ScanOptions, Severity } from '../core';
import { fingerprintContext } from '../fingerprint';
import { contextPath } from './contextPath';
import { LineIndex } from './positions';
import { decode, readWalkedPath } from './walker';
import type { SkippedEntry, WalkedPath } from './walker';

/** One finding of a file, positions resolved. */
export interface AnalyzedFinding {
  ruleId: RuleId;
  severity: Exclude<Severity, 'off'>;
  /** Masked message and preview. */
  message: string;
  preview?: string;
  /** Offsets into the file's text (UTF-16). */
  start: number;
  end: number;
  /** 1-based line and UTF-16 column of start and (exclusive) end. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Masked text around the finding (fingerprint context; never printed). */
  context: string;
  /** What a quick fix needs; offsets into the file's text. */
  fix: FixData;
}

/** A note about the analysis of a file (core notice or analysis failure), masked. */
export interface AnalyzedNotice {
  level: 'info' | 'warning' | 'error';
  message: string;
  line?: number;
  column?: number;
}

/** What happened to one file. */
export interface FileOutcome {
  path: string;
  /** Set when the file was not analysed after all (binary, unreadable, grown too large). */
  skip?: SkippedEntry;
  /** Bytes read. */
  bytes: number;
  findings: AnalyzedFinding[];
  notices: AnalyzedNotice[];
}

/** Analyses a text; `path` is what the core sees (format and MISP context). Never throws. */
export function analyzeContent(text: string, path: string, languageId: string, options?: ScanOptions): Pick<FileOutcome, 'findings' | 'notices'> {
  const findings: AnalyzedFinding[] = [];
  const notices: AnalyzedNotice[] = [];
  try {
    const report = analyzeText(text, { path, languageId }, options);
    if (report.findings.length === 0 && report.notices.length === 0) return { findings, notices };
    const index = new LineIndex(text);
    for (const f of report.findings) {
      const s = index.position(f.start);
      const e = index.position(f.end);
      findings.push({
        ruleId: f.ruleId, severity: f.severity, message: redact(f.message),
        preview: f.preview === undefined ? undefined : redact(f.preview),
        start: f.start, end: f.end, line: s.line, column: s.column, endLine: e.line, endColumn: e.column,
        context: fingerprintContext(text, f.start, f.end), fix: f.fix,
      });
    }
    for (const n of report.notices) {
      const at = n.offset === undefined ? undefined : index.position(n.offset);
      notices.push({ level: n.level, message: redact(n.message), line: at?.line, column: at?.column });
    }
  } catch (e) {
    notices.push({ level: 'error', message: redact(`analysis failed: ${e instanceof Error ? e.message : String(e)}`) });
  }
  return { findings, notices };
}

/** A file read and screened but not analysed yet: the text goes to the worker that analyses. */
export interface DeferredText {
  kind: 'text';
  path: string;
  languageId: string;
  text: string;
  bytes: number;
  /** The parsers it needs (see formatFamily in the core). */
  family: 'code' | 'config';
  /** The path the core judges it by (see contextPath). */
  contextPath: string;
}

/**
 * Reads a walked file (or decodes a blob) and runs only the core's cheap screen: an outcome when that
 * settles it (a skip, or nothing to report), else the text to analyse. Most files end here.
 */
export function screenFile(entry: WalkedPath, maxFileSize: number, options?: ScanOptions, roots?: string[]): FileOutcome | DeferredText {
  const read = readWalkedPath(entry, maxFileSize);
  if (read.kind === 'skip') return { path: entry.path, skip: read, bytes: 0, findings: [], notices: [] };
  return screened(read.text, entry.path, entry.languageId, read.size, options, roots);
}

function screened(text: string, file: string, languageId: string, bytes: number, options: ScanOptions | undefined, roots: string[] | undefined): FileOutcome | DeferredText {
  const input = { path: contextPath(file, roots), languageId };
  if (!worthAnalysing(text, input, options)) return { path: file, bytes, findings: [], notices: [] };
  return { kind: 'text', path: file, languageId, text, bytes, family: formatFamily(text, input), contextPath: input.path };
}

/** {@link screenFile} for the bytes of a git blob. */
export function screenBytes(buf: Uint8Array, path: string, languageId: string, options?: ScanOptions, roots?: string[]): FileOutcome | DeferredText {
  const text = decode(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  if (text === undefined) return { path, skip: { kind: 'skip', path, reason: 'binary', directory: false }, bytes: buf.byteLength, findings: [], notices: [] };
  return screened(text, path, languageId, buf.byteLength, options, roots);
}

/** Analyses a text that {@link screenFile} passed on. */
export function analyzeDeferred(d: DeferredText, options?: ScanOptions): FileOutcome {
  return { path: d.path, bytes: d.bytes, ...analyzeContent(d.text, d.contextPath, d.languageId, options) };
}

/** Reads and analyses a walked file. */
export function analyzeFile(entry: WalkedPath, maxFileSize: number, options?: ScanOptions, roots?: string[]): FileOutcome {
  const read = readWalkedPath(entry, maxFileSize);
  if (read.kind === 'skip') return { path: entry.path, skip: read, bytes: 0, findings: [], notices: [] };
  return { path: entry.path, bytes: read.size, ...analyzeContent(read.text, contextPath(entry.path, roots), entry.languageId, options) };
}

/** Analyses the bytes of a git blob (or any buffer) as the file at `path`. */
export function analyzeBytes(buf: Uint8Array, path: string, languageId: string, options?: ScanOptions, roots?: string[]): FileOutcome {
  const text = decode(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  if (text === undefined) {
    return { path, skip: { kind: 'skip', path, reason: 'binary', directory: false }, bytes: buf.byteLength, findings: [], notices: [] };
  }
  return { path, bytes: buf.byteLength, ...analyzeContent(text, contextPath(path, roots), languageId, options) };
}
