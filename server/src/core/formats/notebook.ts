/**
 * Jupyter notebooks: the saved JSON holds cell sources and outputs as arrays of escaped strings.
 * Each cell source and each text output is decoded into a part with a map back to raw offsets.
 */
import { parseTree, findNodeAtLocation, type Node, type ParseError } from 'jsonc-parser';

/** A decoded piece of the notebook with a map from decoded offsets to raw offsets. */
export interface NotebookPart {
  kind: 'source' | 'output';
  cellType: string;
  text: string;
  /** raw[i] is the raw offset of decoded character i; raw[text.length] is the end. */
  raw: number[];
}

/** The parts of a notebook, its kernel language, and a parse error if any. */
export interface NotebookView {
  parts: NotebookPart[];
  language: string;
  error?: { message: string; offset?: number };
}

const TEXT_MIME = /^(text\/(plain|html|markdown|x-python|csv)|application\/(json|javascript|vnd\.[\w.+-]*json))$/;

function decodeString(text: string, node: Node, out: { s: string; raw: number[] }): void {
  const start = node.offset + 1;
  const end = node.offset + node.length - 1;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c !== '\\') { out.s += c; out.raw.push(i); continue; }
    const e = text[i + 1];
    const at = i;
    if (e === 'u') {
      const code = parseInt(text.slice(i + 2, i + 6), 16);
      out.s += Number.isNaN(code) ? '?' : String.fromCharCode(code);
      out.raw.push(at);
      i += 5;
      continue;
    }
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };
    out.s += map[e] ?? e;
    out.raw.push(at);
    i += 1;
  }
}

function partOf(text: string, node: Node | undefined, kind: NotebookPart['kind'], cellType: string): NotebookPart | undefined {
  if (!node) return undefined;
  if (node.type === 'object' || node.type === 'array' && node.children?.some((c) => c.type !== 'string')) {
    // A rich JSON output (`application/json`, IPython.display.JSON) is saved as JSON itself: its raw text is the output.
    const raw: number[] = [];
    for (let i = node.offset; i <= node.offset + node.length; i++) raw.push(i);
    return { kind, cellType, text: text.slice(node.offset, node.offset + node.length), raw };
  }
  const acc = { s: '', raw: [] as number[] };
  const strings = node.type === 'array' ? node.children ?? [] : [node];
  let lastEnd = node.offset;
  for (const s of strings) {
    if (s.type !== 'string') continue;
    decodeString(text, s, acc);
    lastEnd = s.offset + s.length - 1;
  }
  if (!acc.s) return undefined;
  acc.raw.push(lastEnd);
  return { kind, cellType, text: acc.s, raw: acc.raw };
}

/** Decodes a notebook's cells and text outputs. */
export function notebookView(text: string): NotebookView {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  const error = errors.length ? { message: 'notebook JSON syntax error', offset: errors[0].offset } : undefined;
  const parts: NotebookPart[] = [];
  const langNode = root && (findNodeAtLocation(root, ['metadata', 'kernelspec', 'language']) ?? findNodeAtLocation(root, ['metadata', 'language_info', 'name']));
  const language = typeof langNode?.value === 'string' ? langNode.value : 'python';
  const cells = root && findNodeAtLocation(root, ['cells']);
  for (const cell of cells?.children ?? []) {
    const typeNode = findNodeAtLocation(cell, ['cell_type']);
    const cellType = typeof typeNode?.value === 'string' ? typeNode.value : 'code';
    const src = partOf(text, findNodeAtLocation(cell, ['source']), 'source', cellType);
    if (src) parts.push(src);
    for (const out of findNodeAtLocation(cell, ['outputs'])?.children ?? []) {
      for (const field of ['text', 'traceback', 'evalue']) {
        const p = partOf(text, findNodeAtLocation(out, [field]), 'output', cellType);
        if (p) parts.push(p);
      }
      const data = findNodeAtLocation(out, ['data']);
      for (const prop of data?.children ?? []) {
        const mime = prop.children?.[0]?.value;
        if (typeof mime === 'string' && TEXT_MIME.test(mime)) {
          const p = partOf(text, prop.children?.[1], 'output', cellType);
          if (p) parts.push(p);
        }
      }
    }
  }
  return { parts, language, error: error ?? (root ? undefined : { message: 'not a notebook' }) };
}
