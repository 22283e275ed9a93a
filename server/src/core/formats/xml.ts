/** XML (Wazuh ossec.conf integrations, .NET app.config, Maven settings): element text and attribute values with their element path. */
import { sortScalars, type Scalar, type StructuredView } from './scalars';

// An unterminated comment, CDATA section, processing instruction or declaration runs to the end of the
// text (as in a real parser), so each is read once instead of being retried from every later `<`.
const TOKEN = /<!--[\s\S]*?(?:-->|$(?![\s\S]))|<!\[CDATA\[([\s\S]*?)(?:\]\]>|$(?![\s\S]))|<\/\s*([\w:.-]+)\s*>|<\s*([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[\s\S]*?(?:\?>|$(?![\s\S]))|<![^>]*(?:>|$(?![\s\S]))/g;
/** Deeply nested documents keep the outermost and innermost elements of a path (linear memory). */
const PATH_HEAD = 4;
const PATH_TAIL = 28;

/** The path of the first `depth` open elements, then `tail`. */
function boundedPath(stack: readonly string[], depth: number, ...tail: string[]): string[] {
  if (depth <= PATH_HEAD + PATH_TAIL) return [...stack.slice(0, depth), ...tail];
  return [...stack.slice(0, PATH_HEAD), ...stack.slice(depth - PATH_TAIL, depth), ...tail];
}
const ATTR = /([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

/** Reads elements and attributes; unbalanced tags set `error`. */
export function xmlView(text: string): StructuredView {
  const scalars: Scalar[] = [];
  const stack: string[] = [];
  const starts: number[] = [];
  let plistKey: string | undefined;
  let error: StructuredView['error'];
  let lastEnd = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const between = text.slice(lastEnd, m.index);
    if (between.trim() && stack.length) {
      const lead = between.length - between.trimStart().length;
      const s = lastEnd + lead;
      const v = between.trim();
      const element = stack[stack.length - 1];
      // Property lists pair <key>NAME</key> with the value element that follows it.
      const key = element !== 'key' && plistKey !== undefined ? plistKey : element;
      plistKey = element === 'key' ? v : undefined;
      scalars.push({ start: s, end: s + v.length, literalStart: s, literalEnd: s + v.length, quote: '', key, path: boundedPath(stack, stack.length - 1, key), value: v, group: starts[starts.length - 2] ?? -1 });
    }
    lastEnd = m.index + m[0].length;
    if (m[2]) {
      // A closing tag matches one of the innermost open elements; looking further would be quadratic.
      const at = lastIndexWithin(stack, m[2], 64);
      if (at < 0) { if (!error) error = { message: `unexpected </${m[2]}>`, offset: m.index }; }
      else { stack.length = at; starts.length = at; }
    } else if (m[3]) {
      ATTR.lastIndex = 0;
      const attrs = m[4] ?? '';
      const attrBase = m.index + m[0].indexOf(attrs, m[3].length + 1);
      const list: Array<{ name: string; value: string; start: number; quote: string }> = [];
      for (let a = ATTR.exec(attrs); a; a = ATTR.exec(attrs)) {
        const val = a[3] ?? a[4] ?? '';
        list.push({ name: a[1], value: val, start: attrBase + a.index + a[0].length - val.length - 1, quote: a[2][0] });
      }
      // .NET appSettings and Java/Ant properties: <add key="MispAuthKey" value="…"/>, <property name="x" value="…"/>.
      const named = list.find((a) => /^(key|name)$/i.test(a.name) && a.value.trim() !== '')?.value;
      for (const a of list) {
        const key = named !== undefined && /^value$/i.test(a.name) ? named : a.name;
        scalars.push({ start: a.start, end: a.start + a.value.length, literalStart: a.start - 1, literalEnd: a.start + a.value.length + 1, quote: a.quote, key, path: boundedPath(stack, stack.length, m[3], key), value: a.value, group: m.index });
      }
      if (!m[5]) { stack.push(m[3]); starts.push(m.index); }
    }
  }
  return { scalars: sortScalars(scalars), error };
}

function lastIndexWithin(stack: readonly string[], name: string, limit: number): number {
  for (let i = stack.length - 1; i >= 0 && i >= stack.length - limit; i--) if (stack[i] === name) return i;
  return -1;
}

