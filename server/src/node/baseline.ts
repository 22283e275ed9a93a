/**
 * The baseline: findings a team has accepted (`misp-guard baseline`), each stored as a fingerprint
 * (rule, file, hash of the masked value and its context; see ../fingerprint.ts) with how often it
 * occurs in that file. No line numbers, so edits elsewhere do not churn it; no raw key, only hashes
 * and the masked preview. File paths are relative to the baseline file's directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { ParseError } from 'jsonc-parser';
import { RULE_IDS, redact } from '../core';
import type { RuleId } from '../core';
import { fingerprint } from '../fingerprint';

/** Default file name, at the root of a workspace folder or repository. */
export const DEFAULT_BASELINE_FILE = '.misp-guard-baseline.json';

/** One accepted finding. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: RuleId;
  /** File relative to the baseline's directory, `/`-separated. */
  file: string;
  /** How many findings with this fingerprint the file holds. */
  count: number;
  /** Masked value (first characters only), for reviewers. */
  preview?: string;
}

/** The baseline file's content. */
export interface BaselineDocument {
  tool: 'misp-guard';
  version: 1;
  findings: BaselineEntry[];
}

/** A baseline file that cannot be used. `code`: the file system's error code when it could not be read (ENOENT, ...). */
export class BaselineError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

/** A finding as the baseline sees it. */
export interface Fingerprintable {
  ruleId: RuleId;
  /** Absolute path of the file. */
  file: string;
  /** Masked context (see fingerprintContext). */
  context: string;
  preview?: string;
}

/** A loaded baseline. */
export class Baseline {
  private readonly counts = new Map<string, number>();

  /** @param dir the directory file paths are relative to */
  constructor(readonly dir: string, readonly entries: readonly BaselineEntry[]) {
    for (const e of entries) this.counts.set(e.fingerprint, (this.counts.get(e.fingerprint) ?? 0) + e.count);
  }

  /** Reads and validates a baseline file. */
  static load(file: string): Baseline {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new BaselineError(redact(`cannot read baseline ${file}: ${code ?? (e instanceof Error ? e.message : String(e))}`), code);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      // Not V8's message: it quotes the text around the error, which may be part of a key (a .env given by mistake).
      throw new BaselineError(redact(`${file} is not a misp-guard baseline: not valid JSON (${jsonErrorPlace(text)})`));
    }
    return new Baseline(path.dirname(path.resolve(file)), parseEntries(raw, file));
  }

  /** The fingerprint of a finding relative to this baseline's directory. */
  fingerprintOf(f: Fingerprintable): string {
    return fingerprint(f.ruleId, relativePosix(this.dir, f.file), f.context);
  }

  /**
   * A filter for one scan: returns true for a finding the baseline accepts. Each fingerprint accepts
   * as many findings as the baseline counted; any more are new.
   */
  matcher(): (f: Fingerprintable) => boolean {
    const used = new Map<string, number>();
    return (f) => {
      const fp = this.fingerprintOf(f);
      const allowed = this.counts.get(fp) ?? 0;
      const n = used.get(fp) ?? 0;
      if (n >= allowed) return false;
      used.set(fp, n + 1);
      return true;
    };
  }
}

/** The baseline document for a list of findings, relative to `dir`. Sorted, so it diffs well. */
export function buildBaseline(findings: Iterable<Fingerprintable>, dir: string): BaselineDocument {
  const byFp = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const file = relativePosix(dir, f.file);
    const fp = fingerprint(f.ruleId, file, f.context);
    const e = byFp.get(fp);
    if (e) e.count++;
    // `file` is for reviewers (the fingerprint holds the real path): a file named after a key is shown masked.
    else byFp.set(fp, { fingerprint: fp, ruleId: f.ruleId, file: redact(file), count: 1, ...(f.preview ? { preview: redact(f.preview) } : {}) });
  }
  const entries = [...byFp.values()].sort((a, b) => cmp(a.file, b.file) || cmp(a.ruleId, b.ruleId) || cmp(a.fingerprint, b.fingerprint));
  return { tool: 'misp-guard', version: 1, findings: entries };
}

/**
 * One baseline accepting what either document accepts: every fingerprint, with the larger of its
 * two counts (the work tree and the history see the same finding once each, not twice).
 */
export function mergeBaselines(a: BaselineDocument, b: BaselineDocument): BaselineDocument {
  const byFp = new Map<string, BaselineEntry>();
  for (const e of [...a.findings, ...b.findings]) {
    const have = byFp.get(e.fingerprint);
    if (!have || e.count > have.count) byFp.set(e.fingerprint, { ...e, ...(have && !e.preview && have.preview ? { preview: have.preview } : {}) });
  }
  const entries = [...byFp.values()].sort((x, y) => cmp(x.file, y.file) || cmp(x.ruleId, y.ruleId) || cmp(x.fingerprint, y.fingerprint));
  return { tool: 'misp-guard', version: 1, findings: entries };
}

/** Writes a baseline document. */
export function writeBaseline(file: string, doc: BaselineDocument): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}

/** Where JSON text stops being valid, as `line L, column C: what`; never the text itself. */
function jsonErrorPlace(text: string): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return 'not a single JSON value';
  const before = text.slice(0, first.offset);
  const line = before.split(/\r\n|\r|\n/).length;
  const column = first.offset - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
  const what = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `line ${line}, column ${column}: ${what}`;
}

function parseEntries(raw: unknown, file: string): BaselineEntry[] {
  // Values of the file are not echoed (only rule ids that look like one): a file given by mistake may hold a key.
  const bad = (why: string): BaselineError => new BaselineError(redact(`invalid baseline ${file}: ${why}`));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BaselineError(redact(`${file} is not a misp-guard baseline: not a JSON object`));
  if ((raw as { tool?: unknown }).tool !== 'misp-guard') throw new BaselineError(redact(`${file} is not a misp-guard baseline: no "tool": "misp-guard"`));
  const doc = raw as { version?: unknown; findings?: unknown };
  if (doc.version !== 1) throw bad(typeof doc.version === 'number' ? `unsupported version ${doc.version} (expected 1)` : 'unsupported version (expected 1)');
  if (!Array.isArray(doc.findings)) throw bad('"findings" is not a list');
  return doc.findings.map((e: unknown, i) => {
    const x = e as Partial<BaselineEntry>;
    if (typeof x?.fingerprint !== 'string' || !/^[0-9a-f]{32}$/.test(x.fingerprint)) throw bad(`entry ${i}: bad fingerprint`);
    if (!RULE_IDS.includes(x.ruleId as RuleId)) throw bad(`entry ${i}: unknown rule${typeof x.ruleId === 'string' && /^[a-z-]{1,40}$/.test(x.ruleId) ? ` ${x.ruleId}` : ''}`);
    const count = typeof x.count === 'number' && Number.isInteger(x.count) && x.count > 0 ? x.count : 1;
    return { fingerprint: x.fingerprint, ruleId: x.ruleId as RuleId, file: String(x.file ?? ''), count, preview: typeof x.preview === 'string' ? x.preview : undefined };
  });
}

function relativePosix(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).join('/');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
