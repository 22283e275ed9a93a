import * as assert from 'node:assert/strict';
import { analyzeText, type Finding, type RuleId, type ScanOptions } from '../../server/src/core';

/** A deterministic, random-looking 40-character key (mixed case and digits), different per seed. */
export function fakeKey(seed: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let x = (seed * 2654435761) >>> 0 || 1;
  let out = '';
  for (let i = 0; i < 40; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out += alphabet[x % alphabet.length];
  }
  // Guarantee the shape of a real key: upper, lower and digit.
  return 'A' + out.slice(1, 38) + 'z7';
}

/** What a test expects: rule, 1-based line, and the exact text the finding covers. */
export interface Expect {
  rule: RuleId;
  line: number;
  text: string;
}

/** 1-based line of an offset (\n, \r\n and \r are line breaks). */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n') line++;
    else if (text[i] === '\r') { if (text[i + 1] !== '\n') line++; }
  }
  return line;
}

/** Scans and returns findings as comparable records. */
export function scan(text: string, path: string, languageId = '', options: ScanOptions = {}): Finding[] {
  return analyzeText(text, { path, languageId }, options).findings;
}

/** Asserts that scanning yields exactly the expected findings (rule, line and covered text). */
export function expectFindings(text: string, path: string, expected: Expect[], languageId = '', options: ScanOptions = {}): Finding[] {
  const found = scan(text, path, languageId, options);
  const got = found.map((f) => ({ rule: f.ruleId, line: lineOfOffset(text, f.start), text: text.slice(f.start, f.end) }));
  assert.deepEqual(
    got.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule)),
    [...expected].sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule)),
    `findings in ${path}`,
  );
  for (const f of found) assert.ok(!/(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/.test(f.message), `message leaks a key: ${f.message}`);
  return found;
}
