/**
 * A small lexer that finds string literals and comments in program source of many languages,
 * with offsets, so that a candidate key can be placed in a string, a comment or bare code.
 */
import { own } from '../lookup';
import type { FormatId } from '../types';

/** A string literal or comment. `start`/`end` cover the whole token, quotes included. */
export interface CodeToken {
  kind: 'string' | 'comment';
  start: number;
  end: number;
  contentStart: number;
  contentEnd: number;
  /** Opening quote (`"`, `'''`, `` ` ``, `<<EOF`, ...); empty for comments. */
  quote: string;
}

interface LexSpec {
  line: string[];
  block: Array<[string, string]>;
  /** Quotes in priority order; `raw` quotes have no escapes, `multi` ones may span lines. */
  quotes: Array<{ q: string; raw?: boolean; multi?: boolean }>;
  /** `#` starts a comment only at the start of a word (shell). */
  hashAtWordStart?: boolean;
  heredoc?: boolean;
}

const C_LIKE: LexSpec = { line: ['//'], block: [['/*', '*/']], quotes: [{ q: '"""', multi: true }, { q: '"' }, { q: "'" }] };
const SPECS: Partial<Record<FormatId, LexSpec>> = {
  python: { line: ['#'], block: [], quotes: [{ q: '"""', multi: true }, { q: "'''", multi: true }, { q: '"' }, { q: "'" }] },
  javascript: { line: ['//'], block: [['/*', '*/']], quotes: [{ q: '`', multi: true }, { q: '"' }, { q: "'" }] },
  typescript: { line: ['//'], block: [['/*', '*/']], quotes: [{ q: '`', multi: true }, { q: '"' }, { q: "'" }] },
  go: { line: ['//'], block: [['/*', '*/']], quotes: [{ q: '`', raw: true, multi: true }, { q: '"' }, { q: "'" }] },
  java: C_LIKE, kotlin: C_LIKE, groovy: { ...C_LIKE, quotes: [{ q: '"""', multi: true }, { q: "'''", multi: true }, { q: '"' }, { q: "'" }] },
  csharp: { line: ['//'], block: [['/*', '*/']], quotes: [{ q: '"""', multi: true }, { q: '"' }, { q: "'" }] },
  c: C_LIKE, rust: C_LIKE, swift: C_LIKE,
  php: { line: ['//', '#'], block: [['/*', '*/']], quotes: [{ q: '"' }, { q: "'" }], heredoc: true },
  ruby: { line: ['#'], block: [['=begin', '=end']], quotes: [{ q: '"', multi: true }, { q: "'", multi: true }], heredoc: true },
  perl: { line: ['#'], block: [], quotes: [{ q: '"', multi: true }, { q: "'", multi: true }], heredoc: true },
  clojure: { line: [';'], block: [], quotes: [{ q: '"', multi: true }] },
  haskell: { line: ['--'], block: [['{-', '-}']], quotes: [{ q: '"' }] },
  matlab: { line: ['%'], block: [['%{', '%}']], quotes: [{ q: '"' }, { q: "'", raw: true }] },
  vbscript: { line: ["'", 'REM ', 'Rem ', 'rem '], block: [], quotes: [{ q: '"', raw: true }] },
  zig: { line: ['//'], block: [], quotes: [{ q: '"' }] },
  nim: { line: ['#'], block: [['#[', ']#']], quotes: [{ q: '"""', multi: true, raw: true }, { q: '"' }] },
  erlang: { line: ['%'], block: [], quotes: [{ q: '"', multi: true }, { q: "'" }] },
  sql: { line: ['--', '#'], block: [['/*', '*/']], quotes: [{ q: "'", multi: true }, { q: '"' }, { q: '`' }] },
  lua: { line: ['--'], block: [['--[[', ']]']], quotes: [{ q: '[[', multi: true, raw: true }, { q: '"' }, { q: "'" }] },
  r: { line: ['#'], block: [], quotes: [{ q: '"', multi: true }, { q: "'", multi: true }] },
  powershell: { line: ['#'], block: [['<#', '#>']], quotes: [{ q: '@"', multi: true }, { q: "@'", multi: true, raw: true }, { q: '"', multi: true }, { q: "'", raw: true, multi: true }] },
  shell: { line: ['#'], block: [], quotes: [{ q: '"', multi: true }, { q: "'", raw: true, multi: true }], hashAtWordStart: true, heredoc: true },
  makefile: { line: ['#'], block: [], quotes: [{ q: '"' }, { q: "'", raw: true }], hashAtWordStart: true },
  dockerfile: { line: ['#'], block: [], quotes: [{ q: '"' }, { q: "'", raw: true }], hashAtWordStart: true },
  batch: { line: ['::', 'REM ', 'rem '], block: [], quotes: [{ q: '"' }] },
  zeek: { line: ['#'], block: [], quotes: [{ q: '"' }] },
};

const CLOSERS: Record<string, string> = { '@"': '"@', "@'": "'@", '[[': ']]' };

/** True when the format is lexed as program source. */
export function isCodeFormat(format: FormatId): boolean {
  return own(SPECS, format) !== undefined;
}

const EOL = /[\r\n]/g;
const STOPS = new Map<string, RegExp>();

/** A regex finding the next closer character, backslash (with escapes) or line end (single-line literals). */
function stopsFor(closer: string, escapes: boolean, singleLine: boolean): RegExp {
  const key = `${closer}${escapes ? 1 : 0}${singleLine ? 1 : 0}`;
  let re = STOPS.get(key);
  if (!re) {
    const chars = [closer.replace(/[\]\\^-]/g, '\\$&'), escapes ? '\\\\' : '', singleLine ? '\\r\\n' : ''].join('');
    re = new RegExp(`[${chars}]`, 'g');
    STOPS.set(key, re);
  }
  return re;
}

/** Lexes string literals and comments. Linear in the text length. */
export function lexCode(text: string, format: FormatId): CodeToken[] {
  const spec = own(SPECS, format) ?? C_LIKE;
  const out: CodeToken[] = [];
  const n = text.length;
  const openers = new Set<string>([...spec.line, ...spec.block.map((b) => b[0]), ...spec.quotes.map((q) => q.q)].map((s) => s[0]));
  if (spec.heredoc) openers.add('<');
  // Jump from one possible token start to the next with a regex: far faster than a per-character loop.
  const jump = new RegExp(`[${[...openers].map((c) => c.replace(/[\]\\^-]/g, '\\$&')).join('')}]`, 'g');
  const stops = spec.quotes.map(({ q, raw, multi }) => stopsFor((own(CLOSERS, q) ?? q)[0], !raw, !multi));
  let i = 0;
  outer: while (i < n) {
    // test() instead of exec(): a one-character class needs no match object (this runs per token).
    jump.lastIndex = i;
    if (!jump.test(text)) break;
    i = jump.lastIndex - 1;
    const c = text[i];
    for (const lc of spec.line) {
      if (text.startsWith(lc, i) && (!spec.hashAtWordStart || lc !== '#' || i === 0 || /[\s;|&(]/.test(text[i - 1]))) {
        if (lc === '--' && text.startsWith('--[[', i)) break;
        EOL.lastIndex = i;
        const e = EOL.test(text) ? EOL.lastIndex - 1 : n;
        out.push({ kind: 'comment', start: i, end: e, contentStart: i + lc.length, contentEnd: e, quote: '' });
        i = e;
        continue outer;
      }
    }
    for (const [open, close] of spec.block) {
      if (text.startsWith(open, i)) {
        const e0 = text.indexOf(close, i + open.length);
        const e = e0 < 0 ? n : e0 + close.length;
        out.push({ kind: 'comment', start: i, end: e, contentStart: i + open.length, contentEnd: e0 < 0 ? n : e0, quote: '' });
        i = e;
        continue outer;
      }
    }
    if (spec.heredoc && c === '<' && text[i + 1] === '<') {
      const m = /^<<<?[-~]?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(text.slice(i, i + 80));
      if (m) {
        const tag = m[2];
        const bodyStart = text.indexOf('\n', i);
        if (bodyStart > 0) {
          const endRe = new RegExp(`^[ \\t]*${tag};?[ \\t]*$`, 'gm');
          endRe.lastIndex = bodyStart + 1;
          const em = endRe.exec(text);
          const contentEnd = em ? em.index : n;
          const end = em ? contentEnd + em[0].length : n;
          out.push({ kind: 'string', start: i, end, contentStart: bodyStart + 1, contentEnd, quote: `<<${tag}` });
          i = end;
          continue outer;
        }
      }
    }
    for (let qi = 0; qi < spec.quotes.length; qi++) {
      const { q, raw, multi } = spec.quotes[qi];
      if (!text.startsWith(q, i)) continue;
      // Apostrophes inside words are not quotes (Rust lifetimes, English in plain code comments).
      if (q === "'" && (format === 'rust' || format === 'swift') && /\w/.test(text[i - 1] ?? '')) continue;
      const close = own(CLOSERS, q) ?? q;
      let j = i + q.length;
      let closedAt = -1;
      // Jump between the characters that matter inside the literal: its closer, escapes, line ends.
      const stop = stops[qi];
      while (j < n) {
        stop.lastIndex = j;
        if (!stop.test(text)) { j = n; break; }
        j = stop.lastIndex - 1;
        const d = text[j];
        if (!raw && d === '\\') { j += 2; continue; }
        if (!multi && (d === '\n' || d === '\r')) break;
        if (text.startsWith(close, j)) { closedAt = j; break; }
        j++;
      }
      const contentEnd = closedAt < 0 ? Math.min(j, n) : closedAt;
      const end = closedAt < 0 ? contentEnd : closedAt + close.length;
      out.push({ kind: 'string', start: i, end, contentStart: i + q.length, contentEnd, quote: q });
      i = end;
      continue outer;
    }
    i++;
  }
  return out;
}
