/** Offset helpers over a text whose line breaks may be \n, \r\n or \r. */

/** Start offsets of every line (line 0 starts at 0). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Zero-based line of an offset, given {@link lineStarts}. */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Context never needs more than this many characters of a line on either side of an offset;
 * bounding every look-around keeps the engine linear on minified files with megabyte-long lines.
 */
export const MAX_LINE_CONTEXT = 2000;

/** Offset of the start of the line holding `offset` (at most {@link MAX_LINE_CONTEXT} back). */
export function lineStartAt(text: string, offset: number): number {
  let i = offset;
  const stop = Math.max(0, offset - MAX_LINE_CONTEXT);
  while (i > stop) {
    const c = text.charCodeAt(i - 1);
    if (c === 10 || c === 13) break;
    i--;
  }
  return i;
}

/** Offset of the end of the line holding `offset`, before its line break (at most {@link MAX_LINE_CONTEXT} ahead). */
export function lineEndAt(text: string, offset: number): number {
  let i = offset;
  const stop = Math.min(text.length, offset + MAX_LINE_CONTEXT);
  while (i < stop) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i++;
  }
  return i;
}

/** Text of the line holding `offset`. */
export function lineAt(text: string, offset: number): string {
  return text.slice(lineStartAt(text, offset), lineEndAt(text, offset));
}

/** Binary search over items sorted by `start` for the one whose [start, end) holds offset. */
export function findCovering<T extends { start: number; end: number }>(items: readonly T[], offset: number): T | undefined {
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const it = items[mid];
    if (offset < it.start) hi = mid - 1;
    else if (offset >= it.end) lo = mid + 1;
    else return it;
  }
  return undefined;
}
