/**
 * Notebooks: a cell's source is an array of JSON strings. Fixes are built on the decoded cell text, then
 * mapped back to raw offsets with the new text JSON-escaped; inserted lines become new array elements.
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { FixData, RuleId } from '../types';
import { eolOf, jsonEscape } from './edits';
import type { FixPlan, OffsetEdit } from './model';

/** A decoded JSON string (or array of strings) with the raw offset of every decoded character. */
export interface Decoded {
  text: string;
  /** raw[i] is the raw offset of decoded character i. */
  raw: number[];
  /** Raw offset of the closing quote of the last string (the decoded end). */
  end: number;
  /** Decoded offset where each array element starts, and the raw offset of its opening quote. */
  elements: Array<{ at: number; quote: number }>;
  node: Node;
}

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };

/** Decodes a source node (string or array of strings). */
export function decodeNode(text: string, node: Node): Decoded {
  let s = '';
  const raw: number[] = [];
  const elements: Decoded['elements'] = [];
  let end = node.offset + 1;
  for (const str of node.type === 'array' ? node.children ?? [] : [node]) {
    if (str.type !== 'string') continue;
    elements.push({ at: s.length, quote: str.offset });
    const stop = str.offset + str.length - 1;
    for (let i = str.offset + 1; i < stop; i++) {
      raw.push(i);
      if (text[i] !== '\\') { s += text[i]; continue; }
      const e = text[i + 1];
      if (e === 'u') { s += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16) || 63); i += 5; } else { s += ESC[e] ?? e; i += 1; }
    }
    end = stop;
  }
  return { text: s, raw, end, elements, node };
}

/** The cell holding a raw offset: its source (decoded), whether the offset is in an output, and earlier code. */
export interface CellAt {
  source?: Decoded;
  sourceNode?: Node;
  cellType: string;
  inOutput: boolean;
  priorCode: string;
}

/** Finds the cell of a raw notebook offset. */
export function cellAt(text: string, offset: number): CellAt | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const cells = root && findNodeAtLocation(root, ['cells']);
  const prior: string[] = [];
  for (const cell of cells?.children ?? []) {
    const type = findNodeAtLocation(cell, ['cell_type'])?.value;
    const src = findNodeAtLocation(cell, ['source']);
    if (offset >= cell.offset && offset < cell.offset + cell.length) {
      const inSource = !!src && offset >= src.offset && offset < src.offset + src.length;
      return { source: src ? decodeNode(text, src) : undefined, sourceNode: src, cellType: typeof type === 'string' ? type : 'code', inOutput: !inSource, priorCode: prior.join('\n') };
    }
    if (type === 'code' && src) prior.push(decodeNode(text, src).text);
  }
  return undefined;
}

/** Decoded offset of a raw offset (the character starting there); -1 when none does. */
function toDecoded(d: Decoded, rawOffset: number): number {
  let lo = 0;
  let hi = d.raw.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (d.raw[mid] === rawOffset) return mid;
    if (d.raw[mid] < rawOffset) lo = mid + 1; else hi = mid - 1;
  }
  return rawOffset >= d.end ? d.text.length : -1;
}

/** The fix data with offsets into the decoded cell source, or undefined when they do not map. */
export function decodeFix(d: Decoded, fix: FixData): FixData | undefined {
  const s = (o: number) => toDecoded(d, o);
  const e = (o: number) => { const i = toDecoded(d, o - 1); return i < 0 ? -1 : i + 1; };
  if (fix.type === 'key') {
    const out = { ...fix, valueStart: s(fix.valueStart), valueEnd: e(fix.valueEnd), literalStart: s(fix.literalStart), literalEnd: e(fix.literalEnd) };
    delete out.container;
    return [out.valueStart, out.valueEnd, out.literalStart, out.literalEnd].some((x) => x < 0) ? undefined : out;
  }
  const out = { ...fix, start: s(fix.start), end: fix.end > fix.start ? e(fix.end) : s(fix.start) };
  delete out.container;
  return out.start < 0 || out.end < 0 ? undefined : out;
}

/** Maps a plan built on the decoded source back to raw notebook offsets. */
export function encodePlan(text: string, d: Decoded, plan: FixPlan): FixPlan {
  const eol = eolOf(text);
  const rawAt = (i: number) => (i < d.text.length ? d.raw[i] : d.end);
  const edits = plan.edits.map((e): OffsetEdit => {
    const el = d.node.type === 'array' && e.start === e.end && e.newText.endsWith('\n') ? d.elements.find((x) => x.at === e.start) : undefined;
    if (el) {
      // Whole inserted lines become array elements of their own, indented like the element they precede.
      const indent = /[ \t]*$/.exec(text.slice(text.lastIndexOf('\n', el.quote) + 1, el.quote))![0];
      const lines = e.newText.match(/[^\n]*\n/g)!;
      return { start: el.quote, end: el.quote, newText: lines.map((l) => `"${jsonEscape(l)}",${eol}${indent}`).join('') };
    }
    return { start: rawAt(e.start), end: rawAt(e.end), newText: jsonEscape(e.newText) };
  });
  return { ...plan, edits };
}

/** Plans for a finding in a saved output: blank the key out, or suppress it for the file from the cell's source. */
export function outputPlans(text: string, ruleId: RuleId, fix: FixData, cell: CellAt): FixPlan[] {
  const out: FixPlan[] = [];
  if (fix.type === 'key') {
    out.push({ id: 'redact', title: 'Replace the MISP key in this saved output with [REDACTED]', edits: [{ start: fix.valueStart, end: fix.valueStart + 40, newText: '[REDACTED]' }], storesSecret: true,
      note: 'A saved output cannot read a variable. The key is stored first, then blanked out here; clearing the outputs before committing avoids this.' });
  }
  const directive = `${cell.cellType === 'markdown' ? '<!-- ' : '# '}misp-guard-ignore-file: ${ruleId}${cell.cellType === 'markdown' ? ' -->' : ''}\n`;
  const src = cell.sourceNode;
  let edit: OffsetEdit | undefined;
  if (src?.type === 'array' && src.children?.length) {
    const first = src.children[0];
    const indent = /[ \t]*$/.exec(text.slice(text.lastIndexOf('\n', first.offset) + 1, first.offset))![0];
    edit = { start: first.offset, end: first.offset, newText: `"${jsonEscape(directive)}",${eolOf(text)}${indent}` };
  } else if (src?.type === 'array') edit = { start: src.offset + 1, end: src.offset + 1, newText: `"${jsonEscape(directive)}"` };
  else if (src?.type === 'string') edit = { start: src.offset + 1, end: src.offset + 1, newText: jsonEscape(directive) };
  if (edit) out.push({ id: 'suppress', title: `Suppress ${ruleId} in this file (misp-guard-ignore-file)`, edits: [edit], storesSecret: false, note: 'Outputs cannot hold comments: the directive goes into the source of the cell that produced the output.' });
  return out;
}
