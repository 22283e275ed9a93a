/**
 * Line-oriented key/value files: .env, ini/cfg, .properties, systemd units, and the line scan
 * every structured format falls back to when its parser rejects a document.
 */
import { isCommandKey, sortScalars, type Scalar, type StructuredView } from './scalars';

/** Which dialect to read. */
export type LineDialect = 'dotenv' | 'ini' | 'toml' | 'properties' | 'fallback';

const LINE = /[^\r\n]*(?:\r\n|\r|\n|$)/g;

/** Reads `key = value` lines, `[section]` headers and comments; values keep their source offsets. */
export function lineView(text: string, dialect: LineDialect, opts: { spaced?: boolean } = {}): StructuredView {
  const scalars: Scalar[] = [];
  let section: string[] = [];
  let pendingKey: { key: string; path: string[] } | undefined;
  let sectionStart = -1;
  const indentKeys: Array<{ indent: number; key: string }> = [];
  LINE.lastIndex = 0;
  for (let m = LINE.exec(text); m && m[0] !== ''; m = LINE.exec(text)) {
    const lineStart = m.index;
    const line = m[0].replace(/[\r\n]+$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || /^[#;!]/.test(trimmed) || trimmed.startsWith('//')) continue;
    // Every pattern below is anchored and unambiguous, so a line is read in linear time (no backtracking
    // over runs of spaces).
    const sec = trimmed.startsWith('[') ? /^\[\[?([^\]]*)\]\]?[ \t]*(?:[#;].*)?$/.exec(trimmed) : null;
    if (sec && sec[1].trim() && dialect !== 'dotenv' && dialect !== 'properties') { section = [sec[1].trim()]; sectionStart = lineStart; indentKeys.length = 0; continue; }
    if (pendingKey !== undefined) {
      // A continuation line of a .properties value (`key = \` then the value on the next line).
      const lead = line.length - line.trimStart().length;
      let v = line.trim();
      const cont = v.endsWith('\\');
      if (cont) v = v.slice(0, -1).trimEnd();
      const s0 = lineStart + lead;
      if (v) scalars.push({ start: s0, end: s0 + v.length, literalStart: s0, literalEnd: s0 + v.length, quote: '', key: pendingKey.key, path: pendingKey.path, value: v, group: sectionStart });
      if (!cont) pendingKey = undefined;
      continue;
    }
    const kv = keyValue(line, dialect, opts.spaced === true);
    if (!kv) continue;
    const { indent, key } = kv;
    let vStart = lineStart + kv.valueAt;
    let vEnd = lineStart + line.length;
    if (dialect === 'fallback') {
      while (indentKeys.length && indentKeys[indentKeys.length - 1].indent >= indent) indentKeys.pop();
      indentKeys.push({ indent, key });
    }
    // Strip a trailing comment that follows whitespace (not inside quotes).
    let raw = text.slice(vStart, vEnd);
    let quote = '';
    const q = raw[0];
    const triple = dialect === 'toml' && (raw.startsWith('"""') || raw.startsWith("'''")) ? raw.slice(0, 3) : '';
    const tripleClose = triple ? text.indexOf(triple, vStart + 3) : -1;
    if (triple && tripleClose >= 0) {
      // A TOML multi-line string: one value up to its closing delimiter (a newline right after the opening one is not part of it).
      let s = vStart + 3;
      if (text[s] === '\r' && text[s + 1] === '\n') s += 2;
      else if (text[s] === '\n') s += 1;
      scalars.push({ start: s, end: tripleClose, literalStart: vStart, literalEnd: tripleClose + 3, quote: triple, key, path: [...section, key], value: text.slice(s, tripleClose), command: isCommandKey(key), group: sectionStart });
      const after = text.indexOf('\n', tripleClose);
      LINE.lastIndex = after < 0 ? text.length : after + 1;
      continue;
    }
    if (q === '"' || q === "'" || q === '`') {
      const close = raw.indexOf(q, 1);
      if (close > 0) { quote = q; raw = raw.slice(1, close); vStart += 1; vEnd = vStart + raw.length; }
    } else {
      const c = dialect === 'properties' ? -1 : trailingComment(raw);
      if (c >= 0) raw = raw.slice(0, c);
      raw = raw.trimEnd();
      vEnd = vStart + raw.length;
    }
    const path = dialect === 'fallback' ? indentKeys.map((k) => k.key) : [...section, ...(dialect === 'properties' ? key.split('.') : [key])];
    if (dialect === 'properties' && raw.endsWith('\\')) { pendingKey = { key, path }; raw = raw.slice(0, -1).trimEnd(); vEnd = vStart + raw.length; if (!raw) continue; }
    scalars.push({
      start: vStart, end: vEnd, literalStart: quote ? vStart - 1 : vStart, literalEnd: quote ? vEnd + 1 : vEnd, quote,
      key, path, value: raw, command: isCommandKey(key), group: dialect === 'fallback' ? undefined : sectionStart,
    });
  }
  return { scalars: sortScalars(scalars) };
}

const DOTENV_KEY = /^(\s*)(?:export\s+)?([A-Za-z_][\w.-]*)[ \t]*=[ \t]*/;
const PROPERTIES_KEY = /^(\s*)((?:\\.|[^=:\s\\])+)[ \t]*[=:\s][ \t]*/;

/** The key of a `key = value` line and where its value starts, or undefined. Linear in the line. */
function keyValue(line: string, dialect: LineDialect, spaced: boolean): { indent: number; key: string; valueAt: number } | undefined {
  if (dialect === 'dotenv' || dialect === 'properties') {
    const m = (dialect === 'dotenv' ? DOTENV_KEY : PROPERTIES_KEY).exec(line);
    return m ? { indent: m[1].length, key: m[2].trim(), valueAt: m[0].length } : undefined;
  }
  // ini and the fallback line scan: `key = v`, `key: v`, `key => v`, `- key: v`, `export KEY=v`, `"key" = v`.
  const lead = /^[ \t]*(?:-[ \t]+)?(?:export[ \t]+)?/.exec(line)![0];
  const indent = line.length - line.trimStart().length;
  let i = lead.length;
  let key: string;
  const q = line[i];
  if (q === '"' || q === "'") {
    const close = line.indexOf(q, i + 1);
    if (close < 0) return undefined;
    key = line.slice(i + 1, close);
    if (/[=:#;'"]/.test(key)) return undefined;
    i = close + 1;
    while (line[i] === ' ' || line[i] === '\t') i++;
  } else {
    const start = i;
    while (i < line.length && !'=:#;\'"'.includes(line[i])) i++;
    key = line.slice(start, i);
  }
  key = key.trim();
  if (!key) return undefined;
  const sep = line.startsWith('=>', i) || line.startsWith(':=', i) ? 2 : line[i] === '=' || line[i] === ':' ? 1 : 0;
  if (!sep) return spaced ? spacedKeyValue(line, indent) : undefined;
  i += sep;
  while (line[i] === ' ' || line[i] === '\t') i++;
  return { indent, key, valueAt: i };
}

/**
 * A `Key value` line with no operator, as Fluent Bit writes its settings (`Host misp.example.com`,
 * `tls.verify Off`); `Header Authorization KEY` names the value by its header. Only for files known to
 * be written so (`spaced`): elsewhere (redis.conf `masterauth …`) a line without an operator is no
 * setting the rules know.
 */
function spacedKeyValue(line: string, indent: number): { indent: number; key: string; valueAt: number } | undefined {
  const m = /^[ \t]*([A-Za-z_][\w.\-]*)[ \t]+(?=\S)/.exec(line);
  if (!m) return undefined;
  if (/^(?:header|add_header)$/i.test(m[1])) {
    const h = /^([A-Za-z][\w-]*)[ \t]+(?=\S)/.exec(line.slice(m[0].length));
    if (h) return { indent, key: h[1], valueAt: m[0].length + h[0].length };
  }
  return { indent, key: m[1], valueAt: m[0].length };
}

/** Where a trailing comment starts in an unquoted value: a `#` or `;` after whitespace, or -1. */
function trailingComment(raw: string): number {
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i];
    if ((c === '#' || c === ';') && (raw[i - 1] === ' ' || raw[i - 1] === '\t')) {
      let s = i - 1;
      while (s > 0 && (raw[s - 1] === ' ' || raw[s - 1] === '\t')) s--;
      return s;
    }
  }
  return -1;
}

