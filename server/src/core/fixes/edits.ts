/** Text helpers shared by the fix builders: applying edits, lines, line breaks, indentation, quoting. */
import { lineEndAt, lineStartAt } from '../text';
import type { OffsetEdit } from './model';

/**
 * Applies non-overlapping edits to a text. Insertions at the same offset keep their order; an insertion
 * at the start of a replaced range goes before the replacement. Throws on overlapping or out-of-range edits.
 */
export function applyEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || (a.e.end - a.e.start) - (b.e.end - b.e.start) || a.i - b.i);
  let out = '';
  let at = 0;
  for (const { e } of sorted) {
    if (e.start < at || e.end < e.start || e.end > text.length || e.start < 0) throw new RangeError(`overlapping or invalid edit [${e.start}, ${e.end})`);
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/** The line break a file uses (its first one), `\n` when it has none. Inserted lines use it. */
export function eolOf(text: string): string {
  const i = text.search(/\r\n|\r|\n/);
  if (i < 0) return '\n';
  return text[i] === '\r' ? (text[i + 1] === '\n' ? '\r\n' : '\r') : '\n';
}

/** Offset of the start of the line after the one holding `offset` (text.length on the last line). */
export function nextLineStart(text: string, offset: number): number {
  const e = lineEndAt(text, offset);
  if (text[e] === '\r' && text[e + 1] === '\n') return e + 2;
  return e < text.length ? e + 1 : e;
}

/** Leading whitespace of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const s = lineStartAt(text, offset);
  return /^[ \t]*/.exec(text.slice(s, lineEndAt(text, offset)))![0];
}

/** Edit that inserts whole lines before the line starting at `lineStart` (which must be a line start). */
export function insertLines(text: string, lineStart: number, lines: string[], eol: string): OffsetEdit {
  const body = lines.join(eol) + eol;
  // At the end of a file without a final line break, start a new line first.
  if (lineStart >= text.length && text.length > 0 && !/[\r\n]$/.test(text)) return { start: text.length, end: text.length, newText: eol + lines.join(eol) + eol };
  return { start: lineStart, end: lineStart, newText: body };
}

/** Edit that appends lines at the end of the file, separated from what is there by one blank line. */
export function appendBlock(text: string, lines: string[], eol: string): OffsetEdit {
  let lead = '';
  if (text.length && !/[\r\n]$/.test(text)) lead = eol + eol;
  else if (text.length && !/(\r\n|\r|\n)[ \t]*(\r\n|\r|\n)$/.test(text)) lead = eol;
  return { start: text.length, end: text.length, newText: lead + lines.join(eol) + eol };
}

/** Edit that removes the whole line holding `offset` (with its line break). */
export function deleteLine(text: string, offset: number): OffsetEdit {
  const s = lineStartAt(text, offset);
  let e = nextLineStart(text, offset);
  // The last line has no break of its own: take the one before it instead.
  if (e === text.length && !/[\r\n]$/.test(text) && s > 0) return { start: s - (text[s - 2] === '\r' && text[s - 1] === '\n' ? 2 : 1), end: e, newText: '' };
  if (e === s) e = text.length;
  return { start: s, end: e, newText: '' };
}

/** Content of a JSON string for `s` (without the surrounding quotes). */
export function jsonEscape(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** A YAML double-quoted scalar's content for `s`. */
export function yamlDoubleEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** A shell word for `s`: bare when it is plain, single-quoted otherwise. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A double-quoted string literal body for C-like languages, Python, JS, PHP double quotes etc. */
export function cEscape(s: string, quote = '"'): string {
  return s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`);
}

/** Lines of the logical statement around `offset`, joined over trailing backslash continuations. */
export function continuedRange(text: string, offset: number): { start: number; end: number } {
  let s = lineStartAt(text, offset);
  while (s > 0) {
    const prevEnd = s - 1 - (text[s - 2] === '\r' && text[s - 1] === '\n' ? 1 : 0);
    if (text[prevEnd - 1] !== '\\') break;
    s = lineStartAt(text, prevEnd - 1);
  }
  let e = lineEndAt(text, offset);
  while (text[e - 1] === '\\' && e < text.length) e = lineEndAt(text, nextLineStart(text, e));
  return { start: s, end: e };
}

/** Shell quoting state at the end of `raw` (a command line up to some point). */
export function shellQuoteState(raw: string): 'none' | 'single' | 'double' {
  let state: 'none' | 'single' | 'double' = 'none';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (state === 'single') { if (c === "'") state = 'none'; continue; }
    if (c === '\\') { i++; continue; }
    if (c === '"') state = state === 'double' ? 'none' : 'double';
    else if (c === "'" && state === 'none') state = 'single';
  }
  return state;
}

/** A shell word that expands `$(...)`/`${...}` text `inner` in the given quoting state. */
export function shellExpand(inner: string, state: 'none' | 'single' | 'double'): string {
  if (state === 'double') return inner;
  if (state === 'single') return `'"${inner}"'`;
  return `"${inner}"`;
}
