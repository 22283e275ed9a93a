/**
 * The cheap test run before any parsing: most files of a workspace can hold no finding at all, and
 * telling so costs a few linear passes instead of a parse. It must never rule out a file in which
 * a rule would report something.
 */
import { findCandidates, isHexDigest, ruledOutAlone } from './candidates';
import { mentionsMisp } from './context';
import type { FormatId } from './types';

/** Every word a TLS finding needs (setting names, values, idioms, flags, PyMISP, curl). */
const TLS_TRIGGER = /verif|ssl|tls|cert|insecure|trust|danger|signed|unauthori|pymisp|curl|_none|usecredential|hostname/i;

/** Two literals joined next to key characters ("…abc" + "def…"): a key may be split across them. */
const SPLIT_LITERAL = /[A-Za-z0-9]["'`][ \t]*(?:\+|\.\.?|&|<<)?[ \t]*(?:\\?\r?\n[ \t]*)?["'`][A-Za-z0-9]/;

/** An escape or entity that could spell "misp" in a decoded name (\u006d, \x6d, a folded line, &#109;). */
const NAME_ESCAPE = /\\(?:[uUx]|\r?\n)|&#/;

/**
 * False only when no rule could report anything in the text: no TLS word, no split literal, no
 * base64 Secret, and no key-shaped token that could be a key. Notebooks and documentation are
 * analysed in parts (decoded cells, code blocks), so any token counts there.
 */
export function mayHaveFindings(text: string, path: string, format: FormatId, extraKeyNames: number): boolean {
  if (TLS_TRIGGER.test(text) || SPLIT_LITERAL.test(text)) return true;
  const parts = format === 'ipynb' || format === 'markdown' || format === 'rst';
  let hexPossible: boolean | undefined;
  for (const c of findCandidates(text)) {
    if (parts) return true;
    // Whether hex digests can be keys here is asked once, and only for a file that has one.
    if (isHexDigest(c.value) && !(hexPossible ??= hexKeysPossible(text, path, extraKeyNames))) continue;
    if (!ruledOutAlone(text, c)) return true;
  }
  return (text.includes('Secret') && /^kind:\s*Secret\b/m.test(text)) || /curlrc$/.test(path);
}

/**
 * A hex digest is judged a key only when MISP is named: in its name or structured path, in the text
 * or the file path, or by a user key-name pattern (see isMispKey in rules/keys.ts, and keep the two
 * in step). Names and paths come from the text, decoded: an escape could spell MISP there.
 */
function hexKeysPossible(text: string, path: string, extraKeyNames: number): boolean {
  return extraKeyNames > 0 || /misp/i.test(text) || mentionsMisp(text) || mentionsMisp(path) || NAME_ESCAPE.test(text);
}
