/**
 * Human-readable report: one line per finding (`path:line:col  severity  rule-id  message`),
 * then a summary of files scanned, findings by rule and skips by reason. Colour only when asked.
 */
import { RULE_IDS, redact } from '../core';
import { SKIP_REASON_LABELS } from '../node/walker';
import type { SkipReason } from '../node/walker';
import { historyNote, shownPath } from './scan';
import type { ReportedFinding, ScanResult } from './scan';

/**
 * A path for a line-based report: key-shaped runs masked, control characters (a newline in a file
 * name) escaped, so one finding stays one line.
 */
function displayPath(result: Pick<ScanResult, 'cwd'>, file: string): string {
  return shownPath(result, file).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** How many individually noteworthy skipped files are listed before "and N more". */
const MAX_LISTED_SKIPS = 20;
/** The labels of SKIP_REASON_LABELS that change for a count other than one. */
const SKIP_REASON_PLURALS: Partial<Record<SkipReason, string>> = {
  'git-dir': '.git directories', 'dependency-dir': 'node_modules directories', binary: 'binary files',
  'too-large': 'files over the size limit', 'outside-root': 'symlinks leading outside the scanned folders', 'not-regular': 'not regular files',
};

/** Reasons worth naming file by file; `.git` and `node_modules` are expected and only counted. */
const LISTED_REASONS: ReadonlySet<SkipReason> = new Set(['binary', 'too-large', 'unreadable', 'not-regular', 'already-visited']);
// (gitignored and excluded entries are expected too: counted, not listed)

/**
 * Fixed column widths, so that lines streamed file by file line up with each other (and with the
 * same report written with --output): a location longer than its column pushes only its own line wider.
 */
const LOCATION_WIDTH = 40;
const SEVERITY_WIDTH = 7; // 'warning'
const RULE_WIDTH = Math.max(...RULE_IDS.map((id) => id.length));

/** Severities in the order the summary counts them. */
const SEVERITY_ORDER = ['error', 'warning', 'info', 'hint'] as const;

type Paint = (code: string, s: string) => string;

const plain: Paint = (_code, s) => s;
const ansi: Paint = (code, s) => `\u001b[${code}m${s}\u001b[0m`;

const SEVERITY_COLOUR: Record<string, string> = { error: '31', warning: '33', info: '36', hint: '2' };

/** The findings and the summary, for stdout or the --output file. */
export function formatText(result: ScanResult, colour: boolean): string {
  const lines = formatFindingLines(result, result.findings, colour);
  if (lines.length > 0) lines.push('');
  lines.push(...summary(result, colour ? ansi : plain));
  return `${lines.join('\n')}\n`;
}

/** One line per finding, in fixed columns (a very long path runs its own line wider). */
export function formatFindingLines(result: Pick<ScanResult, 'cwd'>, findings: readonly ReportedFinding[], colour: boolean): string[] {
  const paint = colour ? ansi : plain;
  return findings.map((f) => {
    const where = paint('1', `${displayPath(result, f.file)}:${f.line}:${f.column}`.padEnd(LOCATION_WIDTH));
    const sev = paint(SEVERITY_COLOUR[f.severity] ?? '0', f.severity.padEnd(SEVERITY_WIDTH));
    const history = f.commit === undefined ? '' : paint('2', historyNote(f));
    return `${where}  ${sev}  ${paint('2', f.ruleId.padEnd(RULE_WIDTH))}  ${redact(f.message)}${history}`;
  });
}

/** The summary lines alone (files scanned, findings by rule, skips), as formatText ends. */
export function formatSummary(result: ScanResult, colour: boolean): string {
  return `${summary(result, colour ? ansi : plain).join('\n')}\n`;
}

/** Core notices and read errors, one line each, for stderr. */
export function formatNotices(result: ScanResult, colour: boolean): string {
  const paint = colour ? ansi : plain;
  const lines = result.notices.map((n) => {
    const where = `${displayPath(result, n.file)}${n.line === undefined ? '' : `:${n.line}:${n.column}`}`;
    const level = paint(n.level === 'error' ? '31' : n.level === 'warning' ? '33' : '36', `${n.level === 'info' ? 'note' : n.level}`);
    return `${where}  ${level}  ${redact(n.message)}`;
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function summary(result: ScanResult, paint: Paint): string[] {
  const out: string[] = [];
  const n = result.findings.length;
  const files = new Set(result.findings.map((f) => f.file)).size;
  const scanned = result.commits === undefined
    ? `${result.filesScanned} ${plural(result.filesScanned, 'file')} scanned`
    : `${result.filesScanned} file ${plural(result.filesScanned, 'version')} in ${result.commits} ${plural(result.commits, 'commit')} scanned`;
  if (n === 0) out.push(paint('32', `No findings; ${scanned}.`));
  else {
    const bySeverity = countBy(result.findings.map((f) => f.severity));
    const sev = SEVERITY_ORDER.filter((s) => bySeverity.has(s)).map((s) => `${bySeverity.get(s)} ${plural(bySeverity.get(s)!, s)}`).join(', ');
    out.push(paint('1', `${n} ${plural(n, 'finding')} (${sev}) in ${files} ${plural(files, 'file')}; ${scanned}.`));
    const byRule = countBy(result.findings.map((f) => f.ruleId));
    for (const id of RULE_IDS) if (byRule.has(id)) out.push(`  ${id.padEnd(24)} ${byRule.get(id)}`);
  }
  if (result.skipped.length > 0) {
    const byReason = countBy(result.skipped.map((s) => s.reason));
    const parts = [...byReason].map(([r, c]) => `${c} ${c === 1 ? SKIP_REASON_LABELS[r] : SKIP_REASON_PLURALS[r] ?? SKIP_REASON_LABELS[r]}`);
    out.push(`Skipped ${result.skipped.length}: ${parts.join(', ')}.`);
    const listed = result.skipped.filter((s) => LISTED_REASONS.has(s.reason));
    for (const s of listed.slice(0, MAX_LISTED_SKIPS)) {
      const detail = s.detail ? ` (${s.detail})` : '';
      out.push(paint('2', `  ${displayPath(result, s.path)}: ${SKIP_REASON_LABELS[s.reason]}${detail}`));
    }
    if (listed.length > MAX_LISTED_SKIPS) out.push(paint('2', `  … and ${listed.length - MAX_LISTED_SKIPS} more`));
  }
  const unscanned = result.unscanned?.length ?? 0;
  if (unscanned > 0) out.push(paint('31', `Incomplete: ${unscanned} ${plural(unscanned, 'path')} named on the command line ${unscanned === 1 ? 'was' : 'were'} not scanned.`));
  if (result.baselined) out.push(`${result.baselined} baselined ${plural(result.baselined, 'finding')} hidden.`);
  if (result.notices.length > 0) {
    out.push(`${result.notices.length} ${plural(result.notices.length, 'notice')} (see stderr).`);
  }
  return out;
}

function countBy<T>(items: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
