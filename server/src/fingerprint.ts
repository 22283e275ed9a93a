/**
 * Fingerprints of findings: what the baseline, SARIF `partialFingerprints` and the history scan use
 * to recognise the same finding across edits. A fingerprint is the rule, the file and a hash of the
 * masked text around the finding on its line: no line number (edits elsewhere do not churn it), and
 * no raw key (the context is masked before hashing, and only the hash is stored).
 */
import { createHash } from 'node:crypto';
import { redact } from './core';
import type { RuleId } from './core';

/** How far the context reaches either side of a finding, within its line. */
export const CONTEXT_REACH = 80;

/**
 * The finding's surroundings on its first line, masked: at most {@link CONTEXT_REACH} characters
 * either side (a minified 1 MB line must not become a 1 MB context), widened to whole alphanumeric
 * runs so that no key is cut short of the masking, then trimmed.
 */
export function fingerprintContext(text: string, start: number, end: number): string {
  let from = start;
  const fromLimit = Math.max(0, start - CONTEXT_REACH);
  while (from > fromLimit && !isBreak(text.charCodeAt(from - 1))) from--;
  let to = start;
  const toLimit = Math.min(text.length, Math.max(end, start) + CONTEXT_REACH);
  while (to < toLimit && !isBreak(text.charCodeAt(to))) to++;
  // Alphanumeric characters are never line breaks: widening cannot leave the line.
  while (from > 0 && isAlnum(text.charCodeAt(from - 1))) from--;
  while (to < text.length && isAlnum(text.charCodeAt(to))) to++;
  return redact(text.slice(from, to).trim());
}

/**
 * The fingerprint of a finding: 32 hex characters of SHA-256 over rule id, file path (relative,
 * `/`-separated) and masked context.
 */
export function fingerprint(ruleId: RuleId, relPath: string, context: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${relPath}\u0000${context}`).digest('hex').slice(0, 32);
}

function isBreak(c: number): boolean {
  return c === 10 || c === 13;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
