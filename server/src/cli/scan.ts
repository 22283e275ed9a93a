/**
 * One CLI scan: walk the paths, analyse every text file with the core, and collect a report model
 * (positions resolved, every text already masked) that the text, JSON and SARIF writers render.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { redact } from '../core';
import type { RuleId, Severity } from '../core';
import type { SkippedEntry } from '../node/walker';

/** One finding with its location resolved. Every text field is masked. */
export interface ReportedFinding {
  /** Absolute path. */
  file: string;
  ruleId: RuleId;
  severity: Exclude<Severity, 'off'>;
  message: string;
  preview?: string;
  /** 1-based line and UTF-16 column of the start; end column is exclusive. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Masked text around the finding on its first line (fingerprint context; never printed). */
  context: string;
  /** History scan: the commit that added the finding, and the one that removed it (if gone from HEAD). */
  commit?: string;
  removedIn?: string;
}

/** A note about the analysis of one file (core notice or read/analysis error). Masked. */
export interface ReportedNotice {
  file: string;
  level: 'info' | 'warning' | 'error';
  message: string;
  line?: number;
  column?: number;
}

/** Everything one scan found. */
export interface ScanResult {
  /** Directory the report's relative paths are based on (see {@link reportRoot}). */
  root: string;
  /** Working directory, for display paths. */
  cwd: string;
  filesScanned: number;
  findings: ReportedFinding[];
  notices: ReportedNotice[];
  skipped: SkippedEntry[];
  /** Findings hidden because a baseline accepts them (undefined: no baseline used). */
  baselined?: number;
  /** History scan: commits examined. */
  commits?: number;
  /**
   * Paths named on the command line that were not scanned after all (binary, too large, FIFO,
   * unreadable): the scan is incomplete. Also listed in `skipped`.
   */
  unscanned?: SkippedEntry[];
}

/**
 * The directory relative paths in reports start from: the working directory when every scanned
 * path lies inside it (repository-relative paths, what code-scanning services expect), otherwise
 * the deepest directory holding all scanned paths.
 */
export function reportRoot(absPaths: readonly string[], cwd: string): string {
  if (absPaths.every((p) => isInside(p, cwd))) return cwd;
  const dirs = absPaths.map((p) => (isDirectory(p) ? p : path.dirname(p)));
  let root = dirs[0];
  while (!dirs.every((d) => isInside(d, root))) {
    const up = path.dirname(root);
    if (up === root) break;
    root = up;
  }
  return root;
}

/**
 * Where in the history a finding of a history scan comes from, as shown after its message:
 * ` (added in 0123456789ab, removed in 456789abcdef)` or ` (added in 0123456789ab, still present)`;
 * empty for other scans. Short commit ids: a full one is 40 letters and digits, like a key.
 */
export function historyNote(f: Pick<ReportedFinding, 'commit' | 'removedIn'>): string {
  if (f.commit === undefined) return '';
  return f.removedIn ? ` (added in ${f.commit.slice(0, 12)}, removed in ${f.removedIn.slice(0, 12)})` : ` (added in ${f.commit.slice(0, 12)}, still present)`;
}

/** Path relative to a base, with `/` separators. */
export function relativePosix(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).join('/');
}

/** Path as shown to a user: relative to the working directory when that is shorter. */
export function displayPath(result: Pick<ScanResult, 'cwd'>, file: string): string {
  const rel = relativePosix(result.cwd, file);
  return rel === '' ? '.' : path.isAbsolute(rel) ? file : rel;
}

/**
 * A path as reports show it: {@link displayPath} with every key-shaped run of 40 letters and digits
 * masked (a file named after a key must not print the key).
 */
export function shownPath(result: Pick<ScanResult, 'cwd'>, file: string): string {
  return redact(displayPath(result, file));
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
