/** YAML through the `yaml` parser: every scalar value with its key path, multi-document aware. */
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, visit, type Scalar as YScalar } from 'yaml';
import { isCommandKey, RECORD_NAMES, RECORD_VALUE, sortScalars, type Scalar, type StructuredView } from './scalars';

/** Candidates found by decoding values (Kubernetes Secret `data:` is base64). */
export interface EncodedCandidate {
  start: number;
  end: number;
  value: string;
  scalar: Scalar;
}

/** The YAML view plus values decoded from base64. */
export interface YamlView extends StructuredView {
  encoded: EncodedCandidate[];
  /** `kind:` of the Kubernetes objects in the file. */
  kinds: string[];
}

const QUOTES: Record<string, string> = { QUOTE_DOUBLE: '"', QUOTE_SINGLE: "'", BLOCK_LITERAL: '|', BLOCK_FOLDED: '>', PLAIN: '' };

function keyText(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  return undefined;
}

/** Parses YAML; on a syntax error, `error` is set and the caller falls back to a line scan. */
export function yamlView(text: string): YamlView {
  const view = parseYaml(text);
  if (!view.error || !text.includes('{{')) return view;
  // Helm and Ansible templates: blank out {{ … }} and {% … %} (same length, offsets kept) and try again.
  const blanked = text.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (m) => m.replace(/[^\r\n]/g, ' '));
  const retry = parseYaml(blanked);
  return retry.error ? view : retry;
}

function parseYaml(text: string): YamlView {
  const scalars: Scalar[] = [];
  const encoded: EncodedCandidate[] = [];
  const kinds: string[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false, strict: false });
  const list = Array.isArray(docs) ? docs : [docs];
  let error: YamlView['error'];
  for (const doc of list) {
    if (doc.errors.length && !error) {
      const e = doc.errors[0];
      error = { message: e.message.split('\n')[0], offset: e.pos?.[0] };
    }
    const kind = isMap(doc.contents) ? keyText(doc.contents.get('kind', true)) : undefined;
    if (kind) kinds.push(kind);
    visit(doc, {
      Scalar(key, node, ancestry) {
        if (key === 'key') return;
        const range = node.range;
        if (!range || typeof node.value !== 'string' && typeof node.value !== 'boolean' && typeof node.value !== 'number' && node.value !== null) return;
        const path: string[] = [];
        for (const a of ancestry) if (isPair(a)) { const k = keyText(a.key); if (k !== undefined) path.push(k); }
        let k = path[path.length - 1];
        const parent = ancestry[ancestry.length - 1];
        const holder = ancestry[ancestry.length - 2];
        // Kubernetes/ECS env entries: {name: MISP_KEY, value: ...} name the value.
        if (k !== undefined && RECORD_VALUE.test(k) && isPair(parent) && isMap(holder)) {
          // … Elastic Agent transforms {target: header.Authorization, value: …}, CloudFormation
          // {ParameterKey: MispApiKey, ParameterValue: …}, AWS tags {Key: …, Value: …}.
          const n = RECORD_NAMES.map((f) => holder.get(f, true)).find((x) => isScalar(x) && typeof x.value === 'string');
          if (isScalar(n) && typeof n.value === 'string') { k = n.value; path[path.length - 1] = n.value; }
        }
        let group: number | undefined;
        let parentGroup: number | undefined;
        for (let a = ancestry.length - 1; a >= 0; a--) {
          const anc = ancestry[a];
          if (!isMap(anc)) continue;
          if (group === undefined) group = anc.range?.[0];
          else { parentGroup = anc.range?.[0]; break; }
        }
        const inSeq = isSeq(parent);
        const quote = QUOTES[(node as YScalar).type ?? 'PLAIN'] ?? '';
        const src = (node as YScalar).source;
        const [s, valueEnd] = range;
        let start = s;
        let end = valueEnd;
        if (quote === '"' || quote === "'") { start = s + 1; end = valueEnd - 1; }
        else if (quote === '|' || quote === '>') { const nl = text.indexOf('\n', s); start = nl < 0 ? valueEnd : nl + 1; }
        const value = typeof node.value === 'string' ? node.value : String(src ?? node.value);
        const sc: Scalar = { start, end, literalStart: s, literalEnd: valueEnd, quote, key: k, path, value, command: isCommandKey(k) || (inSeq && path.some((p) => isCommandKey(p))), group, parentGroup };
        scalars.push(sc);
        if (kind === 'Secret' && path[0] === 'data' && typeof node.value === 'string') decodeSecret(sc, node.value, encoded);
      },
    });
  }
  return { scalars: sortScalars(scalars), encoded, kinds, error };
}

/**
 * Values stored base64-encoded outside a Kubernetes Secret (`consul kv export`, Vault and SOPS dumps,
 * Helm `b64enc` results): a value that is wholly the base64 of 40 letters and digits. `known` are the
 * encoded values already found; the result holds them and the new ones.
 */
export function encodedValues(scalars: Scalar[], known: EncodedCandidate[] = []): EncodedCandidate[] {
  const out = [...known];
  const seen = new Set(known.map((e) => e.start));
  for (const sc of scalars) {
    const n = sc.value.length;
    // Padded only (what base64 of 40 or 41 bytes always is): the prefilter finds these by their `=`.
    if (n < 52 || n > 64 || seen.has(sc.start) || !sc.value.trimEnd().endsWith('=')) continue;
    decodeSecret(sc, sc.value, out);
  }
  return out;
}

function decodeSecret(sc: Scalar, b64: string, out: EncodedCandidate[]): void {
  const clean = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length < 52 || clean.length > 64) return;
  const decoded = base64Decode(clean).replace(/\r?\n$/, '');
  if (/^[A-Za-z0-9]{40}$/.test(decoded)) out.push({ start: sc.start, end: sc.end, value: decoded, scalar: sc });
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 to a latin-1 string, without Node's Buffer (the core has no Node types). */
export function base64Decode(s: string): string {
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const ch of s) {
    if (ch === '=') break;
    const v = ALPHABET.indexOf(ch);
    if (v < 0) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) { bits -= 8; out += String.fromCharCode((acc >> bits) & 0xff); }
  }
  return out;
}
