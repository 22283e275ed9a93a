/**
 * Machine-readable report: findings with 1-based positions, notices, skips and a summary.
 * Paths are relative to the working directory with `/` separators. No raw key ever: every
 * message and preview is masked again here, and so is a key-shaped run in a path.
 */
import { redact } from '../core';
import type { RuleId } from '../core';
import { shownPath } from './scan';
import type { ScanResult } from './scan';

/** One finding in the JSON report. */
export interface JsonFinding {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: RuleId;
  severity: string;
  message: string;
  preview?: string;
  /** History scan: the commit that added the finding, and the one that removed it. */
  commit?: string;
  removedIn?: string;
}

/** The whole JSON report. */
export interface JsonReport {
  tool: { name: string; version: string };
  findings: JsonFinding[];
  notices: { path: string; level: string; message: string; line?: number; column?: number }[];
  skipped: { path: string; reason: string; directory: boolean; detail?: string }[];
  summary: {
    filesScanned: number; findings: number; byRule: Partial<Record<RuleId, number>>; skipped: Record<string, number>;
    /** Findings a baseline hid (only with --baseline). */
    baselined?: number;
    /** Commits examined (only with --history). */
    commits?: number;
    /** Paths named on the command line that were not scanned (binary, too large, FIFO, unreadable); the exit code is then 2. */
    notScanned?: string[];
  };
}

/** Builds the JSON report object. */
export function toJsonReport(result: ScanResult, version: string): JsonReport {
  const byRule: Partial<Record<RuleId, number>> = {};
  for (const f of result.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  const skippedByReason: Record<string, number> = {};
  for (const s of result.skipped) skippedByReason[s.reason] = (skippedByReason[s.reason] ?? 0) + 1;
  return {
    tool: { name: 'misp-guard', version },
    findings: result.findings.map((f) => ({
      path: shownPath(result, f.file), line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
      ruleId: f.ruleId, severity: f.severity, message: redact(f.message),
      ...(f.preview === undefined ? {} : { preview: redact(f.preview) }),
      ...(f.commit === undefined ? {} : { commit: f.commit }),
      ...(f.removedIn === undefined ? {} : { removedIn: f.removedIn }),
    })),
    notices: result.notices.map((n) => ({
      path: shownPath(result, n.file), level: n.level, message: redact(n.message),
      ...(n.line === undefined ? {} : { line: n.line, column: n.column }),
    })),
    skipped: result.skipped.map((s) => ({
      path: shownPath(result, s.path), reason: s.reason, directory: s.directory, ...(s.detail ? { detail: redact(s.detail) } : {}),
    })),
    summary: {
      filesScanned: result.filesScanned, findings: result.findings.length, byRule, skipped: skippedByReason,
      ...(result.baselined === undefined ? {} : { baselined: result.baselined }),
      ...(result.commits === undefined ? {} : { commits: result.commits }),
      ...(result.unscanned?.length ? { notScanned: result.unscanned.map((s) => shownPath(result, s.path)) } : {}),
    },
  };
}

/** The JSON report as text. */
export function formatJson(result: ScanResult, version: string): string {
  return `${JSON.stringify(toJsonReport(result, version), null, 2)}\n`;
}
