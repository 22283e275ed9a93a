/**
 * String literals in program source as the fixes see them: the fragments of a (possibly split) literal,
 * their prefix letters (`r`, `f`, `@`, `$`) and where the key starts and ends across them.
 */
import { lexCode, type CodeToken } from '../formats/code';
import { lastTexts } from './memo';
import { base64Decode } from '../formats/yaml';
import { findCovering } from '../text';
import type { FormatId, KeyFixData } from '../types';

/** One string literal token with its prefix letters. */
export interface Fragment {
  /** Start including prefix letters (`f"..."` starts at `f`). */
  start: number;
  quoteStart: number;
  contentStart: number;
  contentEnd: number;
  end: number;
  /** Opening quote (`"`, `'''`, `` ` ``, `<<EOF`). */
  quote: string;
  /** Closing quote as written (empty for an unterminated literal). */
  closer: string;
  /** Prefix letters: Python `rb`/`f`, C# `@`/`$`, shell `$` (ANSI-C quoting). */
  letters: string;
}

/** A part of a literal's content kept around an inserted reference, in the fragment's own quoting. */
export interface Part {
  frag: Fragment;
  /** Raw source text of the content (escapes as written). */
  content: string;
}

/** Where the key sits in a literal: the fragments it covers and the content kept before and after it. */
export interface KeySpan {
  /** Range to replace: from the first key fragment's prefix letters to the end of the last key fragment. */
  start: number;
  end: number;
  first: Fragment;
  last: Fragment;
  before: Part;
  after: Part;
  /** All fragments of the literal, key fragments included. */
  fragments: Fragment[];
}

const LETTERS: Partial<Record<FormatId, RegExp>> = {
  python: /(?<![\w$])[rRbBuUfF]{1,2}$/,
  csharp: /(?<![\w$])[$@]{1,4}$/,
  php: /(?<![\w$])[bB]$/,
};

// Builders ask for the tokens of the same text several times: keep the last lexed text.
const TOKENS = new Map<FormatId, (text: string) => CodeToken[]>();

/** Lexes program source (memoised per format for the last few texts, as builders ask many times). */
export function tokensOf(text: string, format: FormatId): CodeToken[] {
  let lex = TOKENS.get(format);
  if (!lex) TOKENS.set(format, (lex = lastTexts((t) => lexCode(t, format))));
  return lex(text);
}

/** The string or comment token holding `offset`, if any. */
export function tokenAt(text: string, format: FormatId, offset: number): CodeToken | undefined {
  return findCovering(tokensOf(text, format), offset);
}

function fragmentOf(text: string, format: FormatId, t: CodeToken): Fragment {
  let letters = '';
  const re = LETTERS[format];
  if (re) letters = re.exec(text.slice(Math.max(0, t.start - 4), t.start))?.[0] ?? '';
  if (format === 'shell' && t.quote === "'" && text[t.start - 1] === '$' && text[t.start - 2] !== '\\') letters = '$';
  return { start: t.start - letters.length, quoteStart: t.start, contentStart: t.contentStart, contentEnd: t.contentEnd, end: t.end, quote: t.quote, closer: text.slice(t.contentEnd, t.end), letters };
}

/** The string fragments making up the literal of a key finding (one unless the literal is split). */
export function fragmentsOf(text: string, format: FormatId, fix: KeyFixData): Fragment[] {
  const toks = tokensOf(text, format).filter((t) => t.kind === 'string' && t.start >= fix.literalStart && t.end <= fix.literalEnd);
  if (!toks.length) {
    const t = tokenAt(text, format, fix.valueStart);
    return t && t.kind === 'string' ? [fragmentOf(text, format, t)] : [];
  }
  return toks.map((t) => fragmentOf(text, format, t));
}

/** Locates the 40 key characters across the fragments. Undefined when the fragments do not hold them. */
export function keySpan(text: string, frags: Fragment[], fix: KeyFixData): KeySpan | undefined {
  const i = frags.findIndex((f) => fix.valueStart >= f.contentStart && fix.valueStart < f.contentEnd);
  if (i < 0) return undefined;
  let need = 40;
  let j = i;
  let pos = fix.valueStart;
  for (;;) {
    const take = Math.min(need, frags[j].contentEnd - pos);
    need -= take;
    pos += take;
    if (need === 0) break;
    if (++j >= frags.length) return undefined;
    pos = frags[j].contentStart;
  }
  const first = frags[i];
  const last = frags[j];
  return {
    start: first.start, end: last.end, first, last, fragments: frags,
    before: { frag: first, content: text.slice(first.contentStart, fix.valueStart) },
    after: { frag: last, content: text.slice(pos, last.contentEnd) },
  };
}

/**
 * The key a fix moves, for storing it before the edit is applied: joins the fragments of a split
 * literal and decodes base64 Secret data. Offsets of `fix` are into `text` (for notebooks, see index.ts).
 */
export function plainSecretValue(text: string, fix: KeyFixData): string {
  if (fix.encoding === 'base64') return base64Decode(text.slice(fix.valueStart, fix.valueEnd).replace(/\s+/g, '')).replace(/\r?\n$/, '');
  if (!fix.split) return text.slice(fix.valueStart, fix.valueStart + 40);
  const frags = fragmentsOf(text, fix.format, fix);
  const span = keySpan(text, frags, fix);
  if (!span) return text.slice(fix.valueStart, fix.valueEnd);
  let out = '';
  for (let k = frags.indexOf(span.first); k <= frags.indexOf(span.last) && out.length < 40; k++) {
    const f = frags[k];
    out += text.slice(k === frags.indexOf(span.first) ? fix.valueStart : f.contentStart, f.contentEnd);
  }
  return out.slice(0, 40);
}
