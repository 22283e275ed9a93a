/**
 * Finding 40-character key candidates and ruling out values that only look like keys:
 * placeholders, hex digests, windows inside longer tokens and base64 blobs.
 */
import { hasMispEndpoint } from './context';

/** A 40-character run that may be a MISP key. Offsets into the scanned text. */
export interface Candidate {
  start: number;
  end: number;
  value: string;
}

const ESCAPE_LETTERS = 'nrtfbv0';

const ALNUM = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ALNUM[c] = 1;
for (let c = 65; c <= 90; c++) ALNUM[c] = 1;
for (let c = 97; c <= 122; c++) ALNUM[c] = 1;

function isAlnum(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 && ALNUM[c] === 1;
}

/**
 * Every 40-character alphanumeric run in text[from, to) that is a whole token. Linear time, and it
 * reads only a fraction of the text: a run of 40 or more characters always covers a multiple of 40,
 * so only those positions are probed, and runs are grown from there.
 */
export function findCandidates(text: string, from = 0, to = text.length): Candidate[] {
  const out: Candidate[] = [];
  let i = from + 39;
  while (i < to) {
    if (!isAlnum(text, i)) { i += 40; continue; }
    let a = i;
    while (a > from && isAlnum(text, a - 1)) a--;
    let b = i + 1;
    while (b < to && isAlnum(text, b)) b++;
    const len = b - a;
    let start = a;
    let ok = len === 40;
    // "\nKEY" inside an escaped string: the escape letter is not part of the token.
    if (len === 41 && text[a - 1] === '\\' && ESCAPE_LETTERS.includes(text[a])) { start = a + 1; ok = true; }
    // "ESC[38;5;124mKEY" in coloured terminal output: the colour code ends in "m" just before the key.
    else if (len > 40 && len <= 44) { const p = ansiColourPrefix(text, a); if (p > 0 && len - p === 40) { start = a + p; ok = true; } }
    if (ok && !partOfLongerToken(text, start, start + 40)) out.push({ start, end: start + 40, value: text.slice(start, start + 40) });
    i = b + 40;
  }
  return out;
}

/** ESC as it appears in text: the character itself, or a JSON, C, shell or octal escape of it. */
const ESC_BEFORE_BRACKET = /(?:\x1b|\\u001[bB]|\\x1[bB]|\\033|\\e)\[$/;

/**
 * The length of the "124m" that ends an ANSI SGR sequence (ESC[…;124m) at the start of a run, or 0.
 * Terminal colours glue the code to the text they colour, so the key follows the "m" directly.
 */
function ansiColourPrefix(text: string, a: number): number {
  let p = 0;
  while (p < 3 && text.charCodeAt(a + p) >= 48 && text.charCodeAt(a + p) <= 57) p++;
  if (text[a + p] !== 'm') return 0;
  let b = a;
  while (b > 0 && b > a - 16 && /[0-9;]/.test(text[b - 1])) b--;
  return ESC_BEFORE_BRACKET.test(text.slice(Math.max(0, b - 7), b)) ? p + 1 : 0;
}

const B64 = /[A-Za-z0-9+/=]/;

function partOfLongerToken(text: string, start: number, end: number): boolean {
  const before = text[start - 1] ?? '';
  const before2 = text[start - 2] ?? '';
  const after = text[end] ?? '';
  const after2 = text[end + 1] ?? '';
  // prefix_KEY, prefix-KEY, host.KEY, KEY.ext, KEY_suffix: one longer identifier or file name.
  if ('_-.'.includes(before) && before !== '' && /[A-Za-z0-9]/.test(before2)) return true;
  if ('_-.'.includes(after) && after !== '' && /[A-Za-z0-9]/.test(after2)) return true;
  if (before === '+' || after === '+') return true;
  if (before === '/' || after === '/') {
    if (insideUrl(text, start) || afterMispPath(text, start)) return false;
    let a = start;
    while (a > 0 && start - a < 64 && B64.test(text[a - 1])) a--;
    let b = end;
    while (b < text.length && b - end < 64 && B64.test(text[b])) b++;
    if (b - a >= 60) return true;
  }
  if (after === '=' && after2 === '=') return true;
  return false;
}

/**
 * A key as a path segment of a MISP REST endpoint without scheme or host, as access logs and debug
 * output print requests: `GET /events/csv/download/KEY/true HTTP/1.1`.
 */
export function afterMispPath(text: string, at: number): boolean {
  if (text[at - 1] !== '/') return false;
  let s = at - 1;
  while (s > 0 && at - s < 300 && !/[\s"'`<>()]/.test(text[s - 1])) s--;
  return text[s] === '/' && hasMispEndpoint(text.slice(s, at));
}

/** True when the offset sits inside a URL (scheme://... with no whitespace or quote in between). */
export function insideUrl(text: string, offset: number): boolean {
  const limit = Math.max(0, offset - 2048);
  for (let i = offset - 1; i >= limit; i--) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '"' || c === "'" || c === '`' || c === '<' || c === '>' || c === '(' || c === ')') {
      // {{misp}}/events/…, ${MISP_URL}/events/…: a templated base URL.
      return /^(\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Za-z_]\w*)\/[\w./-]*$/.test(text.slice(i + 1, offset));
    }
    if (c === '/' && text[i - 1] === '/' && text[i - 2] === ':') return /[A-Za-z]/.test(text[i - 3] ?? '');
  }
  return false;
}

const PLACEHOLDER_WORDS = /your|changeme|change_me|replace|example|placeholder|insert|dummy|sample|redacted|xxxx|0000|abcdef|123456|apikey|authkey|secret|token|fake|mock/i;

/** True for values that are obviously not real keys: repeated characters, sequences, filler words. */
export function isPlaceholder(value: string): boolean {
  // Distinct characters, counted with a reused stamp table (no allocation per candidate).
  stamp++;
  let distinct = 0;
  for (let i = 0; i < value.length; i++) { const c = value.charCodeAt(i) & 127; if (SEEN[c] !== stamp) { SEEN[c] = stamp; distinct++; } }
  if (distinct <= 6) return true;
  if (PLACEHOLDER_WORDS.test(value)) return true;
  // A value repeating with period p has at most p distinct characters.
  for (let period = Math.max(distinct, 1); period <= 20; period++) {
    let periodic = true;
    for (let i = period; i < value.length; i++) if (value.charCodeAt(i) !== value.charCodeAt(i - period)) { periodic = false; break; }
    if (periodic) return true;
  }
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    run = d === 1 || d === 0 ? run + 1 : 1;
    if (run >= 6) return true;
  }
  return false;
}

const SEEN = new Uint32Array(128);
let stamp = 0;

/**
 * A word one of which a name must hold for a hex digest to be judged a key: every branch of the key
 * rule that accepts a hex digest needs a key-like name or an auth header (classifyName's `keyish`;
 * keep the two in step).
 */
const HEX_KEY_HINT = /key|auth|token|secret|pass|credential|api/i;
/** What may stand between a name on an earlier line and its value: indentation, list dashes, brackets, quotes, `value:`. */
const VALUE_ONLY_PREFIX = /^[\s\-"'`([{,|>:=]*(?:(?:value|default|val|data|text|content|string)["']?[ \t]*[:=][ \t]*["']?)?$/i;

/**
 * True when a candidate is no key whatever its context: a placeholder, or a hex digest (a git SHA or
 * checksum) that no key-like name can be naming. The name sits on the digest's line before it, or,
 * when only indentation, punctuation or a generic `value:` precedes it there, on the lines around
 * (a YAML list under `misp_keys:`, a `name: MISP_KEY` sibling, `KEY = (` on the line above).
 */
export function ruledOutAlone(text: string, cand: Candidate): boolean {
  if (isPlaceholder(cand.value)) return true;
  if (!isHexDigest(cand.value)) return false;
  let ls = cand.start;
  while (ls > 0 && cand.start - ls < 400 && text.charCodeAt(ls - 1) !== 10) ls--;
  const before = text.slice(ls, cand.start);
  if (HEX_KEY_HINT.test(before)) return false;
  if (!VALUE_ONLY_PREFIX.test(before)) return true;
  return !HEX_KEY_HINT.test(text.slice(Math.max(0, ls - 300), ls)) && !HEX_KEY_HINT.test(text.slice(cand.end, cand.end + 300));
}

/** True for a 40-digit hex string: a git SHA or SHA-1 sum rather than a MISP key. */
export function isHexDigest(value: string): boolean {
  if (value.length !== 40) return false;
  let lower = false;
  let upper = false;
  for (let i = 0; i < 40; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 102) lower = true;
    else if (c >= 65 && c <= 70) upper = true;
    else if (c < 48 || c > 57) return false;
  }
  return !(lower && upper);
}

/** True when the value looks random: upper and lower case letters (real MISP keys mix case). */
export function looksRandom(value: string): boolean {
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value);
}
