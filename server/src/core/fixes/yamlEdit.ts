/** YAML editing for the fixes: a reference in place of a key that keeps the scalar valid, and entry removal. */
import { isMap, isPair, isScalar, isSeq, visit, type Document, type Pair, type YAMLMap } from 'yaml';
import { yamlDocuments } from './memo';
import { lineEndAt, lineStartAt } from '../text';
import type { KeyFixData } from '../types';
import { nextLineStart, shellExpand, shellQuoteState, yamlDoubleEscape } from './edits';
import type { OffsetEdit } from './model';

/** True when a plain (unquoted) scalar with this text reads back as the same string. */
function plainSafe(s: string, flow: boolean): boolean {
  if (s === '' || s !== s.trim()) return false;
  if (/^[-?:]/.test(s) && (/^.\s/.test(s) || s.length === 1 || flow)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/:\s|:$|\s#/.test(s)) return false;
  if (flow && /[,[\]{}]/.test(s)) return false;
  return !/^(?:true|false|yes|no|on|off|null|~|[-+.\d].*)$/i.test(s);
}

/** Whether an offset is inside a flow collection (`[...]`, `{...}`) started on its line. */
function inFlow(text: string, at: number): boolean {
  let depth = 0;
  let q = '';
  for (const c of text.slice(lineStartAt(text, at), at)) {
    if (q) { if (c === q) q = ''; continue; }
    if (c === '"' || c === "'") q = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth > 0;
}

/** A quoted YAML scalar for `s`: single quotes unless the text has single quotes and nothing double quotes mind. */
export function yamlQuote(s: string): string {
  if (s.includes("'") && !/["\\]/.test(s) && !/[\r\n]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * Edit that puts `ref` where the key characters are, escaped for the scalar's quoting. A plain scalar
 * that would stop being a plain string (a reference starting with `{`, say) is quoted whole.
 */
export function yamlValueEdit(text: string, fix: KeyFixData, ref: string, range?: { start: number; end: number }): OffsetEdit {
  const ks = range?.start ?? fix.valueStart;
  const ke = range?.end ?? (fix.encoding ? fix.valueEnd : fix.valueStart + 40);
  if (fix.quote === '"') return { start: ks, end: ke, newText: yamlDoubleEscape(ref) };
  if (fix.quote === "'") return { start: ks, end: ke, newText: ref.replace(/'/g, "''") };
  if (fix.quote === '|' || fix.quote === '>') return { start: ks, end: ke, newText: ref };
  const whole = text.slice(fix.literalStart, ks) + ref + text.slice(ke, fix.literalEnd);
  if (plainSafe(whole, inFlow(text, fix.literalStart))) return { start: ks, end: ke, newText: ref };
  return { start: fix.literalStart, end: fix.literalEnd, newText: yamlQuote(whole) };
}

/** Shell quoting state at the key inside a command held by a YAML scalar (CI `script:` lines). */
export function shellStateInScalar(text: string, fix: KeyFixData): 'none' | 'single' | 'double' {
  const from = fix.quote === '|' || fix.quote === '>' ? lineStartAt(text, fix.valueStart) : fix.literalStart + (fix.quote === '"' || fix.quote === "'" ? 1 : 0);
  let raw = text.slice(from, fix.valueStart);
  if (fix.quote === '"') raw = raw.replace(/\\(.)/g, '$1');
  if (fix.quote === "'") raw = raw.replace(/''/g, "'");
  return shellQuoteState(raw);
}

/**
 * Edit putting a shell reference to `$name` in place of the key of a command held by a YAML scalar. Inside
 * single quotes the quotes are closed and reopened around it, without leaving empty `''` pairs behind.
 */
export function yamlShellEdit(text: string, fix: KeyFixData, name: string): OffsetEdit {
  const state = shellStateInScalar(text, fix);
  let start = fix.valueStart;
  let end = fix.valueStart + 40;
  if (state !== 'single' || fix.quote === "'") return yamlValueEdit(text, fix, shellRef(name, state));
  let ref = shellRef(name, state);
  if (text[start - 1] === "'") { start--; ref = ref.slice(1); }
  if (text[end] === "'") { end++; ref = ref.slice(0, -1); }
  return yamlValueEdit(text, fix, ref, { start, end });
}

/** A shell reference to `$name` that is valid in the given quoting state. */
export function shellRef(name: string, state: 'none' | 'single' | 'double'): string {
  return shellExpand(`\${${name}}`, state);
}

/** The pair holding a value that starts at `literalStart`, with its map and the pair holding that map. */
export interface Located {
  doc: Document;
  pair: Pair;
  map: YAMLMap;
  /** The pair whose value is `map` (undefined for a top-level map or a sequence item). */
  parentPair?: Pair;
  /** The map holding `parentPair`. */
  grandMap?: YAMLMap;
}

/** Finds, by parsing, the mapping entry whose value starts at `literalStart`. */
export function locatePair(text: string, literalStart: number): Located | undefined {
  let found: Located | undefined;
  for (const doc of yamlDocuments(text)) {
    if (doc.errors.length) continue;
    visit(doc, {
      Pair(_k, pair, path) {
        const v = pair.value;
        if (!isScalar(v) || v.range?.[0] !== literalStart) return undefined;
        const map = path[path.length - 1];
        if (!isMap(map)) return undefined;
        const parentPair = path[path.length - 2];
        const grandMap = path[path.length - 3];
        found = { doc: doc as Document, pair, map, parentPair: isPair(parentPair) ? parentPair : undefined, grandMap: isMap(grandMap) ? grandMap : undefined };
        return visit.BREAK;
      },
    });
    if (found) break;
  }
  return found;
}

/** Range of the lines of one block-mapping entry (key line to the end of its value's last line). */
export function pairLines(text: string, pair: Pair): { start: number; end: number } | undefined {
  const k = (pair.key as { range?: number[] } | null)?.range;
  const v = (pair.value as { range?: number[] } | null)?.range;
  if (!k || !v) return undefined;
  return { start: lineStartAt(text, k[0]), end: nextLineStart(text, Math.max(k[0], v[1] - 1)) };
}

/**
 * Edits that remove a block-mapping entry. When it was the map's only entry the map becomes `{}`, so the
 * parent key keeps a mapping. Undefined for flow mappings or entries sharing lines with others.
 */
export function removePairEdits(text: string, loc: Located): OffsetEdit[] | undefined {
  if (loc.map.flow) return undefined;
  const lines = pairLines(text, loc.pair);
  if (!lines) return undefined;
  const keyStart = (loc.pair.key as { range: number[] }).range[0];
  if (text.slice(lines.start, keyStart).trim() !== '') return undefined;
  const edits: OffsetEdit[] = [{ start: lines.start, end: lines.end, newText: '' }];
  if (loc.map.items.length === 1) {
    const pk = (loc.parentPair?.key as { range?: number[] } | null)?.range;
    if (!pk) return undefined;
    const colon = text.indexOf(':', pk[1]);
    if (colon < 0 || colon >= lines.start) return undefined;
    edits.push({ start: colon + 1, end: colon + 1, newText: ' {}' });
  }
  return edits;
}

/** Column and line end of a pair's key, for inserting siblings or children. */
export function keyColumn(text: string, pair: Pair): number {
  const k = (pair.key as { range: number[] }).range[0];
  return k - lineStartAt(text, k);
}

/** Offset just after the last line of a block map (where a new entry goes). */
export function mapEnd(text: string, map: YAMLMap): number {
  const last = map.items[map.items.length - 1];
  const v = (last?.value as { range?: number[] } | null)?.range ?? (last?.key as { range?: number[] } | null)?.range;
  return v ? nextLineStart(text, Math.max(0, v[1] - 1)) : lineEndAt(text, map.range?.[1] ?? 0);
}

/** The Helm `--set` path of the value starting at `literalStart` (`connectors[0].env.MISP_KEY`), dots in keys escaped. */
export function helmSetPath(text: string, literalStart: number): string | undefined {
  let out: string | undefined;
  for (const doc of yamlDocuments(text)) {
    if (doc.errors.length) continue;
    visit(doc, {
      Scalar(_k, node, path) {
        if (node.range?.[0] !== literalStart) return undefined;
        let s = '';
        path.forEach((a, i) => {
          if (isPair(a) && isScalar(a.key)) s += `${s ? '.' : ''}${String(a.key.value).replace(/([.,=\\])/g, '\\$1')}`;
          else if (isSeq(a)) s += `[${a.items.indexOf(path[i + 1] as never)}]`;
        });
        out = s;
        return visit.BREAK;
      },
    });
    if (out) break;
  }
  return out;
}
