/** Env and Vault plans for program source: the literal becomes a lookup, with the imports or helper it needs. */
import { own } from '../lookup';
import { lineEndAt, lineStartAt } from '../text';
import { composeLiteral, envExpr, heredocRef, vaultExpr, VAULT_HELPER, type ComposeOpts, type Expr } from './codeExpr';
import { appendBlock, insertLines, nextLineStart } from './edits';
import { csharpUsesSystem, goImportEdits, includeEdits, pythonImportEdits, rubyRequireEdits, swiftFoundationEdits } from './imports';
import { fragmentsOf, keySpan, tokenAt, tokensOf, type KeySpan } from './literal';
import type { FixPlan, KeyCtx, OffsetEdit } from './model';
import { awaitAllowed, braceDepth, directlyInClass, enclosingClass, matchingClose } from './scopes';
import { goVaultHelper, javaVaultHelper, jsVaultHelper } from './vaultHelpers';

/** Titles shared by code and config plans. */
export const envTitle = (name: string) => `Move MISP key to environment variable ${name}`;
export const vaultTitle = (c: KeyCtx) => `Move MISP key to HashiCorp Vault (${c.settings.vault.mount}/${c.settings.vault.path}, field ${c.settings.vault.field})`;

const VAULT_NOTES: Partial<Record<string, string>> = {
  python: 'Needs the hvac package; VAULT_ADDR and VAULT_TOKEN must be set where the program runs.',
  javascript: 'Reads Vault KV v2 with fetch (Node 18+) from VAULT_ADDR with the token in VAULT_TOKEN; `await` needs an async function or an ES module.',
  shell: 'Uses the vault CLI, which reads VAULT_ADDR and VAULT_TOKEN from the environment, so the token never appears on a command line.',
};
const HTTP_NOTE = 'Reads Vault KV v2 over HTTP from VAULT_ADDR with the token in VAULT_TOKEN.';

/** Env and Vault plans for a key in program source. */
export function codeKeyPlans(c: KeyCtx): FixPlan[] {
  const { text, fix, format } = c;
  const tok = tokenAt(text, format, fix.valueStart);
  const usingSystem = csharpUsesSystem(text);
  const env = envExpr(format, c.envVar, { usingSystem, cpp: format === 'c' && isCpp(text) });
  const vault = vaultExpr(format, c.settings.vault, { usingSystem });
  const plans: FixPlan[] = [];
  const envPlan = (edits: OffsetEdit[] | undefined, note?: string): void => {
    if (edits) plans.push({ id: 'env', title: envTitle(c.envVar), edits, storesSecret: true, envVar: c.envVar, preferred: true, note });
  };
  const vaultPlan = (edits: OffsetEdit[] | undefined): void => {
    if (edits) plans.push({ id: 'vault', title: vaultTitle(c), edits, storesSecret: true, vaultRef: { ...c.settings.vault }, note: own(VAULT_NOTES, format === 'typescript' ? 'javascript' : format) ?? HTTP_NOTE });
  };
  if (tok?.kind === 'comment') {
    // Commented-out code: the reference takes the place of the quoted key; nothing to import.
    if (env) envPlan([commentEdit(c, env)], 'The key was in a comment; the comment now names the variable instead.');
    return plans;
  }
  if (!tok) {
    const magic = format === 'python' ? ipythonEnvMagic(c) : undefined;
    if (magic) { plans.push(magic); return plans; }
    if (env) envPlan(bareEdits(c, env, 'env'));
    if (vault && format === 'shell') vaultPlan(bareEdits(c, vault, 'vault'));
    return plans;
  }
  if (format === 'go' && tok.quote === '`') {
    const tag = goTagDefaultPlan(c, tok.contentStart, tok.contentEnd);
    if (tag) plans.push(tag);
    return plans;
  }
  const frags = fragmentsOf(text, format, fix);
  const span = keySpan(text, frags, fix);
  if (!span) return plans;
  if (env) envPlan(literalEdits(c, span, env, 'env'));
  if (vault) vaultPlan(literalEdits(c, span, vault, 'vault'));
  return plans;
}

/**
 * A Go struct tag default (`MispKey string \`envconfig:"MISP_KEY" default:"…"\``): the field is already read
 * from the variable the tag names, so the fix drops the default.
 */
function goTagDefaultPlan(c: KeyCtx, tagStart: number, tagEnd: number): FixPlan | undefined {
  const { text, fix } = c;
  const tag = text.slice(tagStart, tagEnd);
  const at = fix.valueStart - tagStart;
  const m = /\s*\b(?:default|envDefault):"([^"]*)"/g;
  for (let d = m.exec(tag); d; d = m.exec(tag)) {
    const vs = d.index + d[0].length - d[1].length - 1;
    if (at < vs || at + 40 > vs + d[1].length || d[1] !== text.slice(fix.valueStart, fix.valueStart + 40)) continue;
    const name = /\b(?:envconfig|env):"([A-Za-z_]\w*)/.exec(tag)?.[1] ?? c.envVar;
    const prefixed = /envconfig:/.test(tag) ? ' envconfig adds the prefix given to envconfig.Process (PREFIX_' + name + ').' : '';
    return {
      id: 'env', title: envTitle(name), edits: [{ start: tagStart + d.index, end: tagStart + d.index + d[0].length, newText: '' }], storesSecret: true, envVar: name, preferred: true,
      note: `The field is read from ${name}; the default that held the key is removed.${prefixed}`,
    };
  }
  return undefined;
}

/** IPython's `%env MISP_KEY=…` in a notebook cell: the variable comes from the environment Jupyter starts in instead. */
function ipythonEnvMagic(c: KeyCtx): FixPlan | undefined {
  const { text, fix } = c;
  const ls = lineStartAt(text, fix.valueStart);
  const le = lineEndAt(text, fix.valueStart);
  const m = /^(\s*)%env\s+([A-Za-z_]\w*)(?:\s*=\s*|\s+)["']?$/.exec(text.slice(ls, fix.valueStart));
  if (!m || !/^["']?\s*$/.test(text.slice(fix.valueStart + 40, le))) return undefined;
  const name = m[2];
  return {
    id: 'env', title: envTitle(name), storesSecret: true, envVar: name, preferred: true,
    edits: [{ start: ls + m[1].length, end: le, newText: `# ${name} is read from the environment (set it before starting Jupyter)` }],
    note: `Start Jupyter with ${name} in its environment; the %env line that set it is now a comment.`,
  };
}

function commentEdit(c: KeyCtx, expr: Expr): OffsetEdit {
  const { text, fix } = c;
  const s = fix.valueStart;
  const e = fix.valueStart + 40;
  const q = text[s - 1];
  if ((q === '"' || q === "'" || q === '`') && text[e] === q) return { start: s - 1, end: e + 1, newText: expr(q === "'" ? "'" : '"') };
  return { start: s, end: e, newText: expr('"') };
}

/** A key outside any string: a shell word, a batch or make line. */
function bareEdits(c: KeyCtx, expr: Expr, kind: 'env' | 'vault'): OffsetEdit[] | undefined {
  const { text, fix, format } = c;
  if (format === 'batch' || format === 'makefile') return [{ start: fix.valueStart, end: fix.valueStart + 40, newText: expr('"') }];
  if (format !== 'shell') return undefined;
  const pre = text.slice(fix.literalStart, fix.valueStart);
  const suf = text.slice(fix.valueStart + 40, fix.literalEnd);
  if (!pre && !suf) return [{ start: fix.literalStart, end: fix.literalEnd, newText: expr('"') }];
  const ref = kind === 'env' ? `"\${${c.envVar}}"` : expr('"');
  return [{ start: fix.valueStart, end: fix.valueStart + 40, newText: ref }];
}

function literalEdits(c: KeyCtx, span: KeySpan, expr: Expr, kind: 'env' | 'vault'): OffsetEdit[] | undefined {
  const { text, fix, format } = c;
  let replace: OffsetEdit;
  if (span.first.quote.startsWith('<<')) {
    if (span.first !== span.last) return undefined;
    const opener = text.slice(span.first.quoteStart, lineEndAt(text, span.first.quoteStart));
    const ref = heredocRef(format, span.first.quote, opener, expr, kind, c.envVar);
    if (!ref) return undefined;
    replace = { start: fix.valueStart, end: fix.valueStart + 40, newText: ref };
  } else {
    const out = composeLiteral(span, expr, composeOpts(c, span, kind));
    if (out === undefined) return undefined;
    replace = { start: span.start, end: span.end, newText: out };
  }
  const decl = declarationFix(c, span, replace);
  if (decl === null) return undefined;
  const edits = decl ?? [replace];
  const extra = supportEdits(c, kind, span.start);
  return extra && [...edits, ...extra];
}

function composeOpts(c: KeyCtx, span: KeySpan, kind: 'env' | 'vault'): ComposeOpts {
  const { text, format } = c;
  const o: ComposeOpts = { format, kind, envName: c.envVar };
  // A concatenation needs no parentheses where it is a whole assignment value or argument. PowerShell
  // parses command arguments differently, so there only a whole assignment value counts.
  const prev = /\S?\s*$/.exec(text.slice(Math.max(0, span.start - 40), span.start))![0].trim();
  const rest = text.slice(span.end, lineEndAt(text, span.end)).trim();
  const comparison = /(?:[=!<>]=|=>)\s*$/.test(text.slice(Math.max(0, span.start - 4), span.start));
  o.standalone = format === 'powershell'
    ? prev === '=' && (rest === '' || rest.startsWith('#') || rest.startsWith(';'))
    : /^[=(,[{:]$/.test(prev) && !comparison && /^[),;\]}]?/.test(rest) && /^(?:[),;\]}]|$|\/\/|#)/.test(rest);
  if (format === 'python') {
    const toks = tokensOf(text, format).filter((t) => t.kind === 'string');
    const gapOk = (s: string) => /^(?:\s|\\\r?\n)*$/.test(s);
    const prev = toks.filter((t) => t.end <= span.start).pop();
    const next = toks.find((t) => t.start >= span.end);
    // Adjacent literals concatenate implicitly: a bare expression between them would be a syntax error.
    o.mustStayLiteral = (!!prev && gapOk(text.slice(prev.end, span.start)))
      || (!!next && gapOk(text.slice(span.end, next.start).replace(/[rRbBuUfF]{1,2}$/, '')));
  }
  if (format === 'javascript' || format === 'typescript') {
    const line = text.slice(lineStartAt(text, span.start), span.start);
    o.jsx = span.first.quote !== '`' && /<[A-Za-z][\w.:-]*(?:\s[^<>]*)?\s[\w:-]+\s*=\s*$/.test(line);
    o.tagged = span.first.quote === '`' && /[\w$)\]]/.test(text[span.start - 1] ?? '');
    o.tsNonNull = format === 'typescript' && !(/<script\b/i.test(text) && !/<script[^>]*\blang=["']ts["']/i.test(text));
  }
  return o;
}

/**
 * Declarations that a lookup cannot initialise: Go `const`, Kotlin `const val`, C# `const`, PHP `const`,
 * and other places that take only constant expressions (PHP property and parameter defaults, C#
 * optional parameters and attribute arguments, Go struct tags, C arrays and file-scope initialisers).
 * Returns replacement edits, undefined when nothing needs to change, or null when there is no safe rewrite.
 */
function declarationFix(c: KeyCtx, span: KeySpan, replace: OffsetEdit): OffsetEdit[] | undefined | null {
  const { text, format } = c;
  const ls = lineStartAt(text, span.start);
  const before = text.slice(ls, span.start);
  if (constantOnly(c, span, before)) return null;
  if (format === 'go') {
    const single = /^(\s*)const(\s+\w+(?:\s+[\w.*[\]]+)?\s*=\s*)$/.exec(before);
    if (single) return [{ start: ls + single[1].length, end: ls + single[1].length + 5, newText: 'var' }, replace];
    const inBlock = /^(\s*)(\w+(?:\s+[\w.*[\]]+)?)\s*=\s*$/.exec(before);
    const head = [...text.slice(0, ls).matchAll(/^(const|var|import|type)\s*\(\s*$/gm)].pop();
    if (inBlock && head && head[1] === 'const' && !/^\)/m.test(text.slice(head.index!, ls))) {
      const close = /^\)[ \t]*$/m.exec(text.slice(span.end));
      if (!close) return null;
      const after = text.slice(span.end, lineEndAt(text, span.end)).trim();
      if (after && !after.startsWith('//')) return null;
      const closeLine = span.end + close.index;
      return [
        { start: ls, end: nextLineStart(text, span.end), newText: '' },
        insertLines(text, nextLineStart(text, closeLine), [`var ${inBlock[2]} = ${replace.newText}`], c.eol),
      ];
    }
  }
  if (format === 'kotlin') {
    const m = /\bconst\s+(?=val\b)/.exec(before);
    if (m) return [{ start: ls + m.index, end: ls + m.index + m[0].length, newText: '' }, replace];
  }
  if (format === 'csharp') {
    const m = /\bconst\s+/.exec(before);
    if (m) return [{ start: ls + m.index, end: ls + m.index + m[0].length, newText: directlyInClass(text, format, span.start) ? 'static readonly ' : '' }, replace];
  }
  if (format === 'c') {
    // C++ `constexpr` needs a constant; the lookup initialises the variable when the program starts.
    const head = /(?:^|[;{}])([^;{}]*)$/.exec(text.slice(Math.max(0, span.start - 400), span.start))!;
    const ce = /\bconstexpr\s+/.exec(head[1]);
    if (ce) {
      const at = span.start - head[1].length + ce.index;
      return [{ start: at, end: at + ce[0].length, newText: '' }, replace];
    }
  }
  if (format === 'rust') {
    // const/static need a compile-time value: env!() reads the variable when the crate is built.
    const stmt = /(?:^|[;{}])([^;{}]*)$/.exec(text.slice(Math.max(0, span.start - 400), span.start))![1].replace(/\/\/[^\n]*\n/g, '');
    if (/^\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?(?:const|static)\s/.test(stmt)) return [replace];
    return null;
  }
  if (format === 'php') {
    const m = /^(\s*)const\s+([A-Za-z_]\w*)\s*=\s*$/.exec(before);
    if (m) {
      if (braceDepth(text, format, span.start) > 0) return null;
      return [{ start: ls + m[1].length, end: span.end, newText: `define('${m[2]}', ${replace.newText})` }];
    }
  }
  return undefined;
}

/** A place where the language accepts only a constant expression, so no lookup can stand in for the literal. */
function constantOnly(c: KeyCtx, span: KeySpan, before: string): boolean {
  const { text, format } = c;
  switch (format) {
    case 'go':
      // A struct tag (`default:"…"`) is a string the program parses, not code.
      return span.first.quote === '`';
    case 'php':
      if (/^\s*(?:(?:public|private|protected|final)\s+)+const\s/.test(before)) return true;
      if (braceDepth(text, format, span.start) > 0 && /^\s*(?:(?:public|private|protected|static|readonly|var)\s+)+(?:\??[\w\\]+\s+)?\$\w+\s*=\s*$/.test(before)) return true;
      return /(?:\bfunction\b[^{;]*|\bfn\b[^{;]*)[(,]\s*(?:\??[\w\\]+\s+)?&?\$\w+\s*=\s*$/.test(text.slice(Math.max(0, span.start - 400), span.start));
    case 'csharp':
      // Optional parameters and attribute arguments must be compile-time constants.
      return /\[\s*\w+(?:\.\w+)*\s*\([^\]]*$/.test(before) || /\(\s*(?:[^()]*,\s*)?(?:this\s+)?[\w.<>?[\]]+\s+\w+\s*=\s*$/.test(text.slice(Math.max(0, span.start - 400), span.start)) && !/=>|=\s*new\b/.test(before);
    case 'c':
      // A char array takes a literal; outside any function an initialiser must be constant (C, not C++).
      if (/\[\s*\w*\s*\]\s*=\s*$/.test(before)) return true;
      return /^\s*(?:static\s+|const\s+|extern\s+)*(?:const\s+)?(?:char|wchar_t)\s*\*?\s*(?:const\s+)?\w+\s*=\s*$/.test(before) && braceDepth(text, format, span.start) === 0 && !isCpp(text);
    default:
      return false;
  }
}

/** C++ rather than C: the lexer treats both as 'c'; namespaces, classes, std:: and iostream tell. */
function isCpp(text: string): boolean {
  return /\bstd::|\bnamespace\s+\w+|#include\s*<(?:iostream|string|cstdlib|vector|memory)>|\bclass\s+\w+\s*[:{]/.test(text);
}

/** Imports and helpers a lookup needs; undefined when the lookup cannot stand there. */
function supportEdits(c: KeyCtx, kind: 'env' | 'vault', at: number): OffsetEdit[] | undefined {
  const { text, format, eol } = c;
  switch (format) {
    case 'python': return pythonImportEdits(text, kind === 'env' ? ['os'] : ['hvac', 'os'], eol, c.priorCode);
    case 'go': {
      if (kind === 'env') return goImportEdits(text, ['os'], eol);
      const helper = new RegExp(`^func ${VAULT_HELPER}\\(`, 'm').test(text) ? [] : [appendBlock(text, goVaultHelper(c.settings.vault), eol)];
      return [...goImportEdits(text, ['encoding/json', 'net/http', 'os'], eol), ...helper];
    }
    case 'ruby': return kind === 'vault' ? rubyRequireEdits(text, ['json', 'net/http'], eol) : [];
    case 'c': return includeEdits(text, isCpp(text) ? 'cstdlib' : 'stdlib.h', eol);
    case 'swift': return swiftFoundationEdits(text, eol);
    case 'javascript': case 'typescript': {
      if (kind === 'env') return [];
      if (!awaitAllowed(text, format, at)) return undefined;
      return new RegExp(`\\bfunction\\s+${VAULT_HELPER}\\s*\\(`).test(text) ? [] : [appendBlock(text, jsVaultHelper(c.settings.vault, format === 'typescript'), eol)];
    }
    case 'java': {
      if (kind === 'env') return [];
      if (!/\bclass\s+\w+/.test(text) || /^\s*(?:object|def)\s/m.test(text) || /^import\s+['"](?:package|dart):/m.test(text)) return undefined;
      if (new RegExp(`\\bString\\s+${VAULT_HELPER}\\s*\\(`).test(text)) return [];
      const open = enclosingClass(text, format, at);
      if (open === undefined) return undefined;
      const close = matchingClose(text, format, open);
      if (close >= text.length) return undefined;
      const indent = /^[ \t]*/.exec(text.slice(lineStartAt(text, open), open))![0];
      const unit = /^\t/m.test(text) && !/^ {2,}\S/m.test(text) ? '\t' : '    ';
      const lines = javaVaultHelper(c.settings.vault).map((l) => (l ? indent + unit + l.replace(/\t/g, unit) : ''));
      const ls = lineStartAt(text, close);
      const closeOnOwnLine = text.slice(ls, close).trim() === '';
      return [closeOnOwnLine ? insertLines(text, ls, ['', ...lines], eol) : { start: close, end: close, newText: eol + ['', ...lines].join(eol) + eol + indent }];
    }
    default: return [];
  }
}
