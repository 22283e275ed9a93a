/**
 * Line-oriented key/value files: .env, ini/cfg, .properties, systemd units, and the line scan
 * every structured format falls back to when its parser rejects a document.
 */
import { isCommandKey, sortScalars, type Scalar, type StructuredView } from './scalars';

/** Which dialect to read. */
export type LineDialect = 'dotenv' | 'ini' | 'properties' | 'fallback';

const LINE = /[^\r\n]*(?:\r\n|\r|\n|$)/g;

/** Reads `key = value` lines, `[section]` headers and comments; values keep their source offsets. */
export function lineView(text: string, dialect: LineDialect): StructuredView {
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
    const sec = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:[#;].*)?$/.exec(line);
    if (sec && dialect !== 'dotenv' && dialect !== 'properties') { section = [sec[1]]; sectionStart = lineStart; indentKeys.length = 0; continue; }
    const sepRe = dialect === 'properties' ? /^(\s*)((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*/
      : dialect === 'dotenv' ? /^(\s*)(?:export\s+)?([A-Za-z_][\w.-]*)\s*=\s*/
        : /^(\s*)(?:-\s+)?(?:export\s+)?(['"]?)([^=:#;'"]*?[^=:#;'"\s])\2\s*(?:=>|:=|=|:)\s*/;
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
    const kv = sepRe.exec(line);
    if (!kv) continue;
    const indent = kv[1].length;
    const key = (dialect === 'properties' || dialect === 'dotenv' ? kv[2] : kv[3]).trim();
    let vStart = lineStart + kv[0].length;
    let vEnd = lineStart + line.length;
    if (dialect === 'fallback') {
      while (indentKeys.length && indentKeys[indentKeys.length - 1].indent >= indent) indentKeys.pop();
      indentKeys.push({ indent, key });
    }
    // Strip a trailing comment that follows whitespace (not inside quotes).
    let raw = text.slice(vStart, vEnd);
    let quote = '';
    const q = raw[0];
    if (q === '"' || q === "'" || q === '`') {
      const close = raw.indexOf(q, 1);
      if (close > 0) { quote = q; raw = raw.slice(1, close); vStart += 1; vEnd = vStart + raw.length; }
    } else {
      const c = /\s+[#;]/.exec(raw);
      if (c && dialect !== 'properties') { raw = raw.slice(0, c.index); vEnd = vStart + raw.length; }
      raw = raw.replace(/\s+$/, '');
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
