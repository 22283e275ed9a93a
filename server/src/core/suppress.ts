/**
 * `misp-guard-ignore` directives. They work in any format because they are read from the raw text:
 * - `misp-guard-ignore` on a line suppresses the findings on that line;
 * - `misp-guard-ignore-next-line` suppresses the findings on the next line;
 * - `misp-guard-ignore-file` anywhere suppresses the whole file.
 * Each may name rule ids after a space or colon (`misp-guard-ignore: hardcoded-key, key-in-url`).
 * A directive counts only as a whole word in a comment (or a JSON `"//"` member): the same words in
 * a string or in prose (`"see misp-guard-ignore-file"`, `misp-guard-ignore-file-handling`) do nothing.
 */
import type { FormatId, RuleId } from './types';
import { RULE_IDS } from './types';
import { lineOf } from './text';

/** Lines (0-based) and rules a directive covers; `all` means every rule. */
export interface Suppressions {
  file: Set<RuleId> | 'all' | null;
  lines: Map<number, Set<RuleId> | 'all'>;
}

const DIRECTIVE = /misp-guard-ignore(-next-line|-file)?(?![\w-])(?:[ \t]*:?[ \t]*((?:[a-z-]+)(?:[ \t]*,[ \t]*[a-z-]+)*))?/g;
/** A comment opener before the directive on its line, in any of the formats (or a JSON "//" member, a block comment's `*`). */
const COMMENT_BEFORE = /#|\/\/|\/\*|<!--|--|;|%|\{-|\(\*|^\s*\*|\bREM\b|::|^\s*'|"\/\/"\s*:\s*"/i;

function rulesOf(list: string | undefined): Set<RuleId> | 'all' {
  if (!list) return 'all';
  const ids = list.split(/[\s,]+/).filter((r): r is RuleId => (RULE_IDS as readonly string[]).includes(r));
  return ids.length ? new Set(ids) : 'all';
}

function merge(a: Set<RuleId> | 'all' | undefined | null, b: Set<RuleId> | 'all'): Set<RuleId> | 'all' {
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...(a ?? []), ...b]);
}

/** VBScript and VBA comments start with `'` anywhere on a line (elsewhere `'` opens a string). */
const VB_COMMENT_BEFORE = /(?:^|\s)'[ \t]*$/;

/** Reads every directive in a text. */
export function readSuppressions(text: string, starts: readonly number[], format?: FormatId): Suppressions {
  const out: Suppressions = { file: null, lines: new Map() };
  if (!text.includes('misp-guard-ignore')) return out;
  DIRECTIVE.lastIndex = 0;
  for (let m = DIRECTIVE.exec(text); m; m = DIRECTIVE.exec(text)) {
    let ls = m.index;
    while (ls > 0 && m.index - ls < 400 && text[ls - 1] !== '\n' && text[ls - 1] !== '\r') ls--;
    const before = text.slice(ls, m.index);
    if (!COMMENT_BEFORE.test(before) && !(format === 'vbscript' && VB_COMMENT_BEFORE.test(before))) continue;
    const rules = rulesOf(m[2]);
    if (m[1] === '-file') { out.file = merge(out.file, rules); continue; }
    const line = lineOf(starts, m.index) + (m[1] === '-next-line' ? 1 : 0);
    out.lines.set(line, merge(out.lines.get(line), rules));
  }
  return out;
}

/** True when a finding of `rule` on `line` is suppressed. */
export function isSuppressed(s: Suppressions, rule: RuleId, line: number): boolean {
  const covers = (r: Set<RuleId> | 'all' | null | undefined) => r === 'all' || (r instanceof Set && r.has(rule));
  return covers(s.file) || covers(s.lines.get(line));
}
