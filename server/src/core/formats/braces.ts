/**
 * Brace-structured config: HOCON (TheHive, Cortex), HCL (Terraform) and Logstash pipelines.
 * A real tokenizer and a forgiving parser that records every value with its key path.
 */
import { isCommandKey, sortScalars, type Scalar, type StructuredView } from './scalars';

type Tok = { t: 'str' | 'word' | 'punct' | 'nl'; s: number; e: number; v: string; q: string };

const PUNCT = new Set(['{', '}', '[', ']', ',', '=', ':', '(', ')']);

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '\n' || c === '\r') { out.push({ t: 'nl', s: i, e: i + 1, v: '\n', q: '' }); i++; continue; }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\ufeff') { i++; continue; }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) { while (i < n && text[i] !== '\n' && text[i] !== '\r') i++; continue; }
    if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; continue; }
    if (text.startsWith('"""', i)) {
      const e = text.indexOf('"""', i + 3);
      const end = e < 0 ? n : e + 3;
      out.push({ t: 'str', s: i, e: end, v: text.slice(i + 3, e < 0 ? n : e), q: '"""' });
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      const end = Math.min(j + 1, n);
      out.push({ t: 'str', s: i, e: end, v: text.slice(i + 1, Math.min(j, n)), q: c });
      i = end;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      // A substitution (${?VAR} in HOCON, ${var.x} in HCL) is one value token.
      let close = i + 2;
      while (close < n && text[close] !== '}' && text[close] !== '\n') close++;
      const end = text[close] === '}' ? close + 1 : i + 2;
      out.push({ t: 'word', s: i, e: end, v: text.slice(i, end), q: '' });
      i = end;
      continue;
    }
    if (c === '=' && text[i + 1] === '>') { out.push({ t: 'punct', s: i, e: i + 2, v: '=', q: '' }); i += 2; continue; }
    if (c === '+' && text[i + 1] === '=') { out.push({ t: 'punct', s: i, e: i + 2, v: '=', q: '' }); i += 2; continue; }
    if (PUNCT.has(c)) { out.push({ t: 'punct', s: i, e: i + 1, v: c, q: '' }); i++; continue; }
    let j = i;
    while (j < n && !PUNCT.has(text[j]) && !/[\s"'#]/.test(text[j]) && !(text[j] === '/' && text[j + 1] === '/')) j++;
    if (j === i) j = i + 1;
    out.push({ t: 'word', s: i, e: j, v: text.slice(i, j), q: '' });
    i = j;
  }
  return out;
}

interface Frame { key: string[]; array: boolean; start: number }

/** Parses a brace-structured config into scalars with key paths. */
export function bracesView(text: string): StructuredView {
  const toks = tokenize(text);
  const scalars: Scalar[] = [];
  const stack: Frame[] = [];
  let keyToks: Tok[] = [];
  let error: StructuredView['error'];
  // Deeply nested input keeps the outermost and innermost frames of a path (linear memory and time).
  const pathOf = (extra: string[]) => {
    const frames = stack.length <= 32 ? stack : [...stack.slice(0, 4), ...stack.slice(stack.length - 28)];
    return [...frames.flatMap((f) => f.key), ...extra];
  };
  const inArray = () => stack.length > 0 && stack[stack.length - 1].array;
  const arrayKey = () => { for (let k = stack.length - 1; k >= 0; k--) if (stack[k].key.length) return stack[k].key[stack[k].key.length - 1]; return undefined; };
  const keyParts = (ts: Tok[]) => ts.flatMap((t) => (t.t === 'word' ? t.v.split('.') : [t.v])).filter(Boolean);

  const emitValue = (start: number, key: string[], keyName: string | undefined): number => {
    // A value: one string, or words up to the end of the line / a comma / a closing bracket.
    let j = start;
    const first = toks[j];
    if (!first || first.t === 'nl') return j;
    if (first.t === 'str' && (toks[j + 1]?.t !== 'word' || toks[j + 1]?.s !== first.e)) {
      const ql = first.q.length;
      scalars.push({ start: first.s + ql, end: first.e - (text.startsWith(first.q, first.e - ql) && first.e - ql > first.s ? ql : 0), literalStart: first.s, literalEnd: first.e, quote: first.q, key: keyName, path: pathOf(key), value: first.v, command: isCommandKey(keyName), group: stack[stack.length - 1]?.start ?? -1, parentGroup: stack[stack.length - 2]?.start });
      return j + 1;
    }
    const s = first.s;
    let e = first.e;
    while (j < toks.length && toks[j].t !== 'nl' && !(toks[j].t === 'punct' && ',}])[{('.includes(toks[j].v))) { e = toks[j].e; j++; }
    scalars.push({ start: s, end: e, literalStart: s, literalEnd: e, quote: '', key: keyName, path: pathOf(key), value: text.slice(s, e), command: isCommandKey(keyName), group: stack[stack.length - 1]?.start ?? -1, parentGroup: stack[stack.length - 2]?.start });
    return j;
  };

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.t === 'nl' || (t.t === 'punct' && t.v === ',')) { if (!inArray()) keyToks = []; continue; }
    if (t.t === 'punct' && (t.v === '}' || t.v === ']' || t.v === ')')) {
      if (!stack.length && !error) error = { message: `unbalanced '${t.v}'`, offset: t.s };
      stack.pop();
      keyToks = [];
      continue;
    }
    if (t.t === 'punct' && (t.v === '{' || t.v === '[' || t.v === '(')) {
      stack.push({ key: keyParts(keyToks), array: t.v === '[', start: t.s });
      keyToks = [];
      continue;
    }
    if (t.t === 'punct' && (t.v === '=' || t.v === ':')) {
      const key = keyParts(keyToks);
      const keyName = keyToks.map((k) => k.v).join('.');
      keyToks = [];
      let j = i + 1;
      while (toks[j]?.t === 'nl') j++;
      const nx = toks[j];
      if (nx && nx.t === 'punct' && (nx.v === '{' || nx.v === '[')) { stack.push({ key, array: nx.v === '[', start: nx.s }); i = j; continue; }
      const after = emitValue(j, key, keyName || undefined);
      const opener = toks[after];
      // key = func({ ... }) / key = [ ... ]: what follows belongs under this key.
      if (opener && opener.t === 'punct' && '{[('.includes(opener.v)) { stack.push({ key, array: opener.v !== '{', start: opener.s }); i = after; continue; }
      i = after - 1;
      continue;
    }
    if (inArray() && (t.t === 'str' || t.t === 'word')) {
      const k = arrayKey();
      i = emitValue(i, [], k) - 1;
      continue;
    }
    keyToks.push(t);
  }
  if (stack.length && !error) error = { message: `${stack.length} unclosed bracket(s)` };
  return { scalars: sortScalars(scalars), error };
}
