/**
 * The cheap test run before any parsing: most files of a workspace can hold no finding at all, and
 * telling so costs a few linear passes instead of a parse. It must never rule out a file in which
 * a rule would report something, so each test below asks what a rule needs before it can report,
 * with the rule's own matchers where they are cheap enough.
 */
import { findCandidates, ruledOutAlone } from './candidates';
import { MISP_ENDPOINT, mentionsMisp } from './context';
import { isCodeFormat } from './formats/code';
import { hasDisablingSetting, IDIOM_ANCHOR } from './rules/tls';
import { isOffFlag, pymispSslOff } from './rules/tlsCommands';
import type { FormatId } from './types';

/** Every word a TLS finding needs (setting names, values, idioms, flags, PyMISP, curl). */
const TLS_TRIGGER = /verif|ssl|tls|cert|insecure|trust|danger|signed|unauthori|pymisp|curl|_none|usecredential|hostname/i;

/**
 * Two literals joined next to key characters ("…abc" + "def…", implicit concatenation over lines):
 * a key may be split across them. The gap is the one rules/keys.ts joins (CONCAT_GAP), bounded.
 */
const SPLIT_JUNCTION = /[A-Za-z0-9]["'`](?:\s|\\\r?\n){0,100}(?:\+\+?|\.\.?|&|<<)?(?:\s|\\\r?\n){0,100}["'`][A-Za-z0-9]/g;

/** An escape or entity that could spell "misp" in a decoded name (\u006d, \x6d, a folded line, &#109;). */
const NAME_ESCAPE = /\\(?:[uUx]|\r?\n)|&#/;
/**
 * "misp" in any case, or a MISP REST endpoint (context.ts MISP_ENDPOINT, here in any case): one pass
 * instead of two over every file of a scan, and looser than the rules' tests, as a screen must be.
 */
const MISP_OR_ENDPOINT = new RegExp(`misp|${MISP_ENDPOINT.source}`, 'i');

/** A word in every idiom of tls.ts IDIOMS (badCertificateCallback, useCredential, danger_accept_invalid, ...). */
const IDIOM_WORD = /cert|credential|danger|verif|hostname|trust|insecure|TLSSettings|setOption/i;
const CURL_OR_IDIOM_WORD = new RegExp(`curl|${IDIOM_WORD.source}`, 'i');

/** A long switch (or PowerShell's -SkipCertificateCheck) where a command line could pass one. */
const LONG_FLAG = /-(?:-[A-Za-z][\w-]*(?:=[^\s"',\]<>;]*)?|SkipCertificateCheck)/g;
/** What may precede a flag (LONG_FLAG is found from its dash, the fastest start for a regular expression). */
const FLAG_LEAD = /[\s"'[,>]/;

/**
 * The words a setting name needs to switch verification on or off (tls.ts POSITIVE, NEGATIVE, NEGATED,
 * MODE): `check` and `valid` only after a negation in the same name (skip_check, disableValidation).
 */
const SETTING_WORD = /verif|ssl|tls|cert|insecure|trust|danger|signed|unauthori|host_?name|accept|loose|httpserror|(?:disabl|skip|ignor|bypass|no|without|dont|donot)[\w.-]{0,30}?(?:check|valid)/gi;
/** A value that can switch verification off or on, as a whole word. */
const SETTING_VALUE_WORD = /(?<![\w.-])(?:false|true|yes|no|on|off|0|1|none|null|nil|\$false|\$true|verify_none|cert_none|ssl_verify_none|dword:0*[01])(?![\w.-])/i;

/**
 * False only when no rule could report anything in the text. Every rule needs MISP named somewhere
 * (the text, the path, a user key-name pattern); then a TLS setting, idiom or switch that turns
 * verification off, a split literal, a base64 Secret, or a key-shaped token that could be a key.
 * Notebooks and documentation are analysed in parts (decoded cells, code blocks), so any TLS word
 * or token counts there.
 */
export function mayHaveFindings(text: string, path: string, format: FormatId, extraKeyNames: number): boolean {
  if (extraKeyNames === 0 && !mispNamed(text, path, format)) return false;
  const parts = format === 'ipynb' || format === 'markdown' || format === 'rst';
  if (parts) return TLS_TRIGGER.test(text) || splitKeyPossible(text) || findCandidates(text).length > 0;
  // A live key candidate settles it fastest (a file with a key is often one with many findings).
  for (const c of findCandidates(text)) if (!ruledOutAlone(text, c)) return true;
  if (tlsPossible(text, path, format) || isCodeFormat(format) && splitKeyPossible(text)) return true;
  if (format === 'rust' && text.includes('concat!')) return true;
  if (text.includes('Secret') && /^kind:\s*Secret\b/m.test(text)) return true;
  // A config value that is the base64 of a 40-character token (formats/yaml.ts encodedValues).
  return !isCodeFormat(format) && hasBase64Key(text);
}

/** The base64 of 40 (or 41, with a newline) bytes: 54–55 characters and padding. */
function hasBase64Key(text: string): boolean {
  // From each padding run back over the base64 alphabet: a handful of steps per `=`, no regex over the whole text.
  for (let i = text.indexOf('='); i >= 0; i = text.indexOf('=', i + 1)) {
    if (i > 0 && text[i - 1] === '=') continue;
    let j = i;
    while (j > 0 && i - j <= 56 && isBase64Char(text.charCodeAt(j - 1))) j--;
    const run = i - j;
    if ((run === 54 || run === 55) && (j === 0 || !isBase64Char(text.charCodeAt(j - 1)))) return true;
  }
  return false;
}

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

/** `, false]` or `, False)`: the last element of a server entry (tls.ts serverTriples), found from each `alse`. */
function hasFalseLastElement(text: string): boolean {
  for (let i = text.indexOf('alse'); i >= 0; i = text.indexOf('alse', i + 4)) {
    const f = text[i - 1];
    if (f !== 'f' && f !== 'F') continue;
    let a = i + 4;
    while (text[a] === ' ' || text[a] === '\t') a++;
    if (text[a] !== ']' && text[a] !== ')') continue;
    let b = i - 2;
    while (text[b] === ' ' || text[b] === '\t') b--;
    if (text[b] === ',') return true;
  }
  return text.includes('FALSE') && /,[ \t]*FALSE[ \t]*[\])]/.test(text);
}

/**
 * MISP named in the text (as a word, in PyMISP, a host or a name, or by a REST endpoint) or in the
 * path, or an escape that could spell it in a decoded name. Looser than the rules' own test (any
 * "misp", whatever follows), so it never rules out what they accept.
 */
function mispNamed(text: string, path: string, format: FormatId): boolean {
  if (MISP_OR_ENDPOINT.test(text) || mentionsMisp(path)) return true;
  // Program source is judged by names as written; config parsers decode names (JSON \u006d, XML &#109;).
  return !isCodeFormat(format) && (text.includes('\\') || text.includes('&#')) && NAME_ESCAPE.test(text);
}

/** Whether a TLS finder could report: the entry condition of each one (tls.ts, tlsCommands.ts). */
function tlsPossible(text: string, path: string, format: FormatId): boolean {
  if (/(^|[/])[._]?curlrc$/.test(path)) return true;
  // curl's short -k (tlsCommands.ts commandFlags: any "curl" before it in the statement) and curl configs
  // fed on stdin (`--config - <<EOF … insecure`); long flags are hasOffFlag's. Every idiom holds one of
  // IDIOM_WORD's words (the idiom list itself is slow to search for). One pass tells whether any could be there.
  if (CURL_OR_IDIOM_WORD.test(text) && (curlOffPossible(text) || IDIOM_WORD.test(text) && IDIOM_ANCHOR.test(text))) return true;
  if (hasOffFlag(text) || hasDisablingSetting(text, format)) return true;
  if (text.includes('PyMISP') && !pymispSslOff(text).next().done) return true;
  // A server entry [url, key, false] (tls.ts serverTriples).
  if (text.includes('://') && hasFalseLastElement(text)) return true;
  // Config formats are also judged by their parsed keys and values (a key with spaces, a value on
  // the next line, an nginx or XML setting without `=`, a Kubernetes `value:` named by its sibling
  // `name:`): a setting word with such a value near it may be one of those.
  return !isCodeFormat(format) && configSettingPossible(text);
}

/** A setting word with a boolean-like word within 200 characters before or 300 after it. Linear: windows never overlap much. */
function configSettingPossible(text: string): boolean {
  let done = 0;
  SETTING_WORD.lastIndex = 0;
  for (let m = SETTING_WORD.exec(text); m; m = SETTING_WORD.exec(text)) {
    const from = Math.max(done - 16, m.index - 200, 0);
    const to = Math.min(text.length, m.index + m[0].length + 300);
    if (to > from && SETTING_VALUE_WORD.test(text.slice(from, to))) return true;
    done = Math.max(done, to);
  }
  return false;
}

/** "curl" with a short flag holding `k`, or with a heredoc: "curl" by chance in a base64 blob (a lockfile's hashes) is not enough. */
function curlOffPossible(text: string): boolean {
  if (!/curl/i.test(text)) return false;
  if (text.includes('<<')) return true;
  SHORT_FLAG.lastIndex = 0;
  for (let m = SHORT_FLAG.exec(text); m; m = SHORT_FLAG.exec(text)) if (m[1].includes('k')) return true;
  return false;
}

/** A short flag (`-k`, `-sk`, `-fsSLk`) as commandFlags accepts one: after a space, quote, `[`, `,` or `>`. */
const SHORT_FLAG = /(?:^|[\s"'[,>])-([A-Za-z]+)(?=[\s"',\]\\<;]|$)/gm;

function hasOffFlag(text: string): boolean {
  LONG_FLAG.lastIndex = 0;
  for (let m = LONG_FLAG.exec(text); m; m = LONG_FLAG.exec(text)) {
    // Like commandFlags, a flag without a lead character is skipped whole (never rescanned: linear).
    if (m.index > 0 && !FLAG_LEAD.test(text[m.index - 1])) continue;
    if (isOffFlag(m[0])) return true;
  }
  return false;
}

function isAlnumAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Whether concatenated literals could spell a 40-character key: a chain of junctions whose key
 * characters add up to 40 (the run before the first closing quote, every whole literal in between,
 * the run after the last opening quote). Go imports ("crypto/tls" "fmt") and short strings do not.
 */
function splitKeyPossible(text: string): boolean {
  let chain = 0;
  let prevRightEnd = -1;
  SPLIT_JUNCTION.lastIndex = 0;
  for (let m = SPLIT_JUNCTION.exec(text); m; m = SPLIT_JUNCTION.exec(text)) {
    const close = m.index + 1;
    const rightStart = m.index + m[0].length - 1;
    let right = rightStart;
    while (right < text.length && right - rightStart < 40 && isAlnumAt(text, right)) right++;
    if (prevRightEnd === close) chain += right - rightStart;
    else {
      let left = close;
      while (left > 0 && close - left < 40 && isAlnumAt(text, left - 1)) left--;
      chain = close - left + right - rightStart;
    }
    if (chain >= 40) return true;
    prevRightEnd = right;
    // The next junction may start inside this right-hand literal ("a" + "b" + "c").
    SPLIT_JUNCTION.lastIndex = rightStart;
  }
  return false;
}
