/**
 * Enclosing blocks of an offset in C-like source (braces outside strings and comments): where a helper
 * method can go, whether `await` is allowed, whether a declaration is a class member.
 */
import type { FormatId } from '../types';
import { tokensOf } from './literal';

/** Offsets of the `{` enclosing `offset`, outermost first. */
export function enclosingBraces(text: string, format: FormatId, offset: number): number[] {
  const toks = tokensOf(text, format);
  const stack: number[] = [];
  let t = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    while (t < toks.length && toks[t].end <= i) t++;
    if (t < toks.length && toks[t].start <= i) { i = toks[t].end - 1; continue; }
    const c = text[i];
    if (c === '{') stack.push(i);
    else if (c === '}') stack.pop();
  }
  return stack;
}

/** Offset of the `}` closing the `{` at `open` (text.length when unbalanced). */
export function matchingClose(text: string, format: FormatId, open: number): number {
  const toks = tokensOf(text, format);
  let depth = 0;
  let t = 0;
  for (let i = open; i < text.length; i++) {
    while (t < toks.length && toks[t].end <= i) t++;
    if (t < toks.length && toks[t].start <= i) { i = toks[t].end - 1; continue; }
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length;
}

/** The source text just before a `{`: what opens the block (a class, a function, a control statement...). */
export function headerOf(text: string, open: number): string {
  const from = Math.max(0, open - 400);
  const before = text.slice(from, open);
  const cut = Math.max(before.lastIndexOf(';'), before.lastIndexOf('}'), before.lastIndexOf('{'));
  return before.slice(cut + 1).replace(/\s+/g, ' ').trim();
}

const CLASS_HEADER = /(?:^|\s)(?:class|interface|enum|record|struct)\s+[A-Za-z_$][\w$]*[^=()]*$|(?:^|\s)(?:class|struct)\s+[A-Za-z_$][\w$]*\s*\([^)]*\)[^=]*$/;

/** The innermost class-like block (`class X {`) enclosing an offset, if any. */
export function enclosingClass(text: string, format: FormatId, offset: number): number | undefined {
  const opens = enclosingBraces(text, format, offset);
  for (let k = opens.length - 1; k >= 0; k--) if (CLASS_HEADER.test(headerOf(text, opens[k]))) return opens[k];
  return undefined;
}

/** True when the innermost enclosing block of an offset is a class body (the offset is a member declaration). */
export function directlyInClass(text: string, format: FormatId, offset: number): boolean {
  const opens = enclosingBraces(text, format, offset);
  return opens.length > 0 && CLASS_HEADER.test(headerOf(text, opens[opens.length - 1]));
}

const CONTROL = /(?:^|[^\w$.])(?:if|for|while|switch|catch|with|foreach|using|lock|fixed)\s*$/;

/** Offset of the `(` matching the `)` at `close`, scanning back (strings are not expected in parameter lists). */
function openParen(text: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= Math.max(0, close - 2000); i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Whether `await` may stand at an offset of JavaScript/TypeScript: inside an async function, or at the top
 * level of an ES module (top-level await). Class bodies and non-async functions say no.
 */
export function awaitAllowed(text: string, format: FormatId, offset: number): boolean {
  const opens = enclosingBraces(text, format, offset);
  for (let k = opens.length - 1; k >= 0; k--) {
    const open = opens[k];
    const before = text.slice(Math.max(0, open - 400), open).replace(/\s+$/, '');
    if (/=>$/.test(before)) return /\basync\s*(?:\([^()]*\)|[A-Za-z_$][\w$]*)\s*(?::[^=]*)?=>$/.test(before.replace(/\s+/g, ' '));
    const sig = before.replace(/\)\s*:\s*[^(){};=]+$/, ')');
    if (sig.endsWith(')')) {
      const p = openParen(sig, sig.length - 1);
      if (p < 0) return false;
      const head = sig.slice(Math.max(0, p - 120), p);
      if (CONTROL.test(head)) continue;
      return /\basync\s+(?:function\s*\*?\s*)?(?:[A-Za-z_$#][\w$]*)?\s*$|\basync\s*$/.test(head.replace(/\s+/g, ' '));
    }
    if (CLASS_HEADER.test(headerOf(text, open))) return false;
  }
  return isEsModule(text);
}

/** True when the text has ES module syntax (an `import ... from`/`export` statement). */
export function isEsModule(text: string): boolean {
  return /^\s*(?:import\s+(?:[\w*{][^;]*\s+from\s+|["'])|export\s+(?:default\s+|const\s|let\s|var\s|function|class|async|\{|\*|type\s|interface\s|enum\s))/m.test(text);
}

/** Brace depth (outside strings and comments) at an offset. */
export function braceDepth(text: string, format: FormatId, offset: number): number {
  return enclosingBraces(text, format, offset).length;
}
