/** nginx configuration: `directive args;` statements in `block { }` contexts (reverse proxies in front of MISP). */
import { sortScalars, type Scalar, type StructuredView } from './scalars';

/** Directives whose first argument names the value that follows (headers, parameters, variables). */
const NAMED = /^(proxy_set_header|add_header|more_set_headers|more_set_input_headers|fastcgi_param|uwsgi_param|scgi_param|grpc_set_header|set|env)$/;
const WORD = /"((?:\\.|[^"\\])*)"|'([^']*)'|([^\s'"]+)/g;

/** Reads nginx statements; values keep their source offsets. */
export function nginxView(text: string): StructuredView {
  const scalars: Scalar[] = [];
  const stack: Array<{ name: string; start: number }> = [];
  let error: StructuredView['error'];
  for (const m of statements(text)) {
    const stmt = m.text;
    const end = stmt[stmt.length - 1];
    if (end === '}') { if (!stack.pop() && !error) error = { message: "unbalanced '}'", offset: m.index + stmt.length - 1 }; continue; }
    const words: Array<{ v: string; s: number; e: number; q: string }> = [];
    WORD.lastIndex = 0;
    const body = stmt.slice(0, -1);
    for (let w = WORD.exec(body); w; w = WORD.exec(body)) {
      const q = w[1] !== undefined ? '"' : w[2] !== undefined ? "'" : '';
      const v = w[1] ?? w[2] ?? w[3];
      const s = m.index + w.index + (q ? 1 : 0);
      words.push({ v, s, e: s + v.length, q });
    }
    if (!words.length) continue;
    if (end === '{') { stack.push({ name: words.map((w) => w.v).join(' '), start: m.index }); continue; }
    const directive = words[0].v;
    const named = NAMED.test(directive) && words.length >= 3;
    const key = named ? words[1].v : directive;
    const path = [...stack.map((b) => b.name), ...(named ? [directive] : []), key];
    for (const w of words.slice(named ? 2 : 1)) {
      scalars.push({ start: w.s, end: w.e, literalStart: w.q ? w.s - 1 : w.s, literalEnd: w.q ? w.e + 1 : w.e, quote: w.q, key, path, value: w.v, group: stack[stack.length - 1]?.start ?? -1 });
    }
  }
  if (stack.length && !error) error = { message: `${stack.length} unclosed block(s)` };
  return { scalars: sortScalars(scalars), error };
}

/**
 * Statements up to `;`, `{` or `}` with their start offsets, quotes respected, `#` comments skipped.
 * One pass: an unterminated quote counts as a plain character, a statement with no end is dropped,
 * and a comment inside a statement reads as spaces.
 */
function* statements(text: string): Generator<{ index: number; text: string }> {
  const n = text.length;
  let start = -1;
  let parts = '';
  let partStart = 0;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (start < 0) {
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
      start = i;
      parts = '';
      partStart = i;
    }
    if (c === '#') {
      // The comment becomes spaces of the same length: offsets into the statement stay offsets into the text.
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? n : nl;
      parts += text.slice(partStart, i) + ' '.repeat(end - i);
      i = end;
      partStart = end;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c) j += c === '"' && text[j] === '\\' ? 2 : 1;
      if (j < n) i = j;
      continue;
    }
    if (c === ';' || c === '{' || c === '}') {
      yield { index: start, text: parts + text.slice(partStart, i + 1) };
      start = -1;
    }
  }
}

