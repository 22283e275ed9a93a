/**
 * Offset → line/column conversion for reports (CLI text, JSON, SARIF).
 * The core reports UTF-16 string offsets; reports want 1-based lines and 1-based UTF-16 columns.
 * Line breaks are `\r\n`, `\n` and a lone `\r`, the same set editors and the LSP use.
 */

import { lineOf, lineStarts } from '../core/text';

/** A 1-based line and a 1-based column counted in UTF-16 code units. */
export interface LineColumn {
  line: number;
  column: number;
}

/** Line starts of one text, computed once; lookups are a binary search. */
export class LineIndex {
  private readonly starts: number[];

  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
  }

  /** Number of lines (a text ending in a line break has an empty last line). */
  get lineCount(): number {
    return this.starts.length;
  }

  /** 1-based line and UTF-16 column of an offset, clamped to the text. */
  position(offset: number): LineColumn {
    const off = Math.max(0, Math.min(offset, this.text.length));
    const lo = lineOf(this.starts, off);
    return { line: lo + 1, column: off - this.starts[lo] + 1 };
  }

  /** Start and end offsets of a 1-based line, its line break excluded. */
  lineRange(line: number): [number, number] {
    const i = Math.max(0, Math.min(line - 1, this.starts.length - 1));
    const start = this.starts[i];
    let end = i + 1 < this.starts.length ? this.starts[i + 1] : this.text.length;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return [start, end];
  }

  /** Text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const [start, end] = this.lineRange(line);
    return this.text.slice(start, end);
  }
}
