/** Shared test inputs of the server tests. Every key here is a random fake. */

/** A fake MISP key (the one of the public corpus keys.py). */
export const KEY = 'xtch9pUBCcbRXT4BhFs6ffjPlW3LcNtjGpaZNtTh';

/** A PyMISP keys.py: a hard-coded key on line 2, TLS verification off on line 3 (0-based). */
export const KEYS_PY = [
  '# MISP connection settings for the helper scripts',
  "misp_url = 'https://misp.example.org/'",
  `misp_key = '${KEY}'`,
  'misp_verifycert = False',
  '',
].join('\n');

/** 0-based line and UTF-16 column of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): { line: number; character: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, offset);
  const lineStart = Math.max(before.lastIndexOf('\n') + 1, 0);
  return { line: before.split('\n').length - 1, character: offset - lineStart };
}

/** The text covered by an LSP range in `text` (UTF-16 columns, `\n` or `\r\n` line breaks). */
export function textAt(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }): number => starts[p.line] + p.character;
  return text.slice(offset(range.start), offset(range.end));
}

/** The lines (0-based) of the hardcoded-key diagnostics of a publication. */
export function keyLines(p: { diagnostics: Array<{ code?: string | number; range: { start: { line: number } } }> }): number[] {
  return p.diagnostics.filter((d) => d.code === 'hardcoded-key').map((d) => d.range.start.line);
}
