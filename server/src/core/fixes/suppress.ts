/**
 * The suppress plan: a `misp-guard-ignore` directive in a comment form the format allows, on the finding's
 * line when a trailing comment is safe, else on the line before, else (inside multi-line strings, block
 * scalars) for the whole file. A value is never touched. JSON has no comments: see {@link jsonDirective}.
 */
import { parseTree, findNodeAtOffset, type Node } from 'jsonc-parser';
import { isCodeFormat } from '../formats/code';
import { yamlView } from '../formats/yaml';
import { lastTexts } from './memo';

const yamlScalars = lastTexts((text: string) => yamlView(text).scalars);
import { findCovering, lineEndAt, lineStartAt } from '../text';
import type { FixData, FormatId, RuleId } from '../types';
import { insertLines, nextLineStart } from './edits';
import { tokensOf } from './literal';
import type { FixPlan, OffsetEdit } from './model';

type Mode = 'line' | 'next' | 'file';

const HASH = new Set<FormatId>(['python', 'ruby', 'perl', 'r', 'powershell', 'shell', 'zeek', 'nim', 'yaml', 'toml', 'hocon', 'hcl', 'logstash', 'dotenv', 'ini', 'properties', 'dockerfile', 'makefile', 'nginx']);
const SLASH = new Set<FormatId>(['javascript', 'typescript', 'go', 'java', 'kotlin', 'groovy', 'csharp', 'c', 'rust', 'swift', 'php', 'zig']);
/** Formats whose comments must stand on their own line (a trailing `#` would become part of the value). */
const OWN_LINE = new Set<FormatId>(['dotenv', 'ini', 'properties', 'dockerfile', 'makefile', 'batch']);

function comment(format: FormatId, body: string): string | undefined {
  if (HASH.has(format)) return `# ${body}`;
  if (SLASH.has(format)) return `// ${body}`;
  if (format === 'lua' || format === 'haskell' || format === 'sql') return `-- ${body}`;
  if (format === 'matlab' || format === 'erlang') return `% ${body}`;
  if (format === 'vbscript') return `' ${body}`;
  if (format === 'clojure') return `;; ${body}`;
  if (format === 'batch') return `REM ${body}`;
  if (format === 'xml' || format === 'markdown') return `<!-- ${body} -->`;
  return undefined;
}

/** Offset the finding is reported at (the line a directive must cover). */
export function findingOffset(text: string, fix: FixData): number {
  if (fix.type === 'key') return fix.valueStart;
  return /[ \t]/.test(text[fix.start] ?? '') && fix.end > fix.start ? fix.start + 1 : fix.start;
}

/** The suppress plan for a finding, or undefined when no directive can be placed without changing a value. */
export function suppressPlan(text: string, ruleId: RuleId, fix: FixData, eol: string): FixPlan | undefined {
  const format = fix.format;
  const at = findingOffset(text, fix);
  const ls = lineStartAt(text, at);
  const le = lineEndAt(text, at);
  const plan = (mode: Mode, edits: OffsetEdit[], note?: string): FixPlan => ({
    id: 'suppress', title: mode === 'file' ? `Suppress ${ruleId} in this file (misp-guard-ignore-file)` : `Suppress ${ruleId} here (misp-guard-ignore)`,
    edits, storesSecret: false, note,
  });
  if (format === 'json') {
    const edit = jsonDirective(text, at, ruleId, eol);
    if (edit) return plan('next', [edit], 'JSON has no comments: the directive is a "//" member (the usual JSON comment convention) before the entry.');
    const file = jsonFileDirective(text, ruleId, eol);
    return file && plan('file', [file], 'JSON has no comments, and this value shares its entry with others: the directive is a "//" member of the top-level object, for the whole file.');
  }
  const body = (m: Mode) => `misp-guard-ignore${m === 'next' ? '-next-line' : m === 'file' ? '-file' : ''}: ${ruleId}`;
  if (!comment(format, '')) return undefined;
  const c = (m: Mode) => comment(format, body(m))!;
  const indent = /^[ \t]*/.exec(text.slice(ls, le))![0];
  const { mode, after } = placement(text, format, fix, at, ls, le);
  // JS/TS: a block comment right after the token is valid in code and in a JSX attribute list.
  if (mode === 'inline') return plan('line', [{ start: after!, end: after!, newText: ` /* ${body('line')} */` }]);
  if (mode === 'line') return plan('line', [{ start: le, end: le, newText: `${format === 'python' ? '  ' : ' '}${c('line')}` }]);
  if (mode === 'next') return plan('next', [insertLines(text, ls, [`${indent}${c('next')}`], eol)]);
  if (mode === 'header') {
    // YAML block scalar: the header line (`key: |`) can carry the comment for its first content line.
    const pe = ls - (text[ls - 2] === '\r' && text[ls - 1] === '\n' ? 2 : 1);
    return plan('next', [{ start: pe, end: pe, newText: `  ${c('next')}` }]);
  }
  return plan('file', [insertLines(text, fileHeaderEnd(text, format), [c('file')], eol)]);
}

/** Where a file-level directive goes: after a shebang, encoding line, `<?php` or XML declaration. */
function fileHeaderEnd(text: string, format: FormatId): number {
  let pos = 0;
  const first = text.slice(0, lineEndAt(text, 0));
  if (/^#!/.test(first) || (format === 'php' && /^<\?php\s*$/.test(first)) || (format === 'xml' && /^<\?xml/.test(first))) pos = nextLineStart(text, 0);
  if (format === 'python' && /^#.*coding[:=]/.test(text.slice(pos, lineEndAt(text, pos)))) pos = nextLineStart(text, pos);
  return pos;
}

type Placement = { mode: Mode | 'inline' | 'header'; after?: number };

function placement(text: string, format: FormatId, fix: FixData, at: number, ls: number, le: number): Placement {
  const m = placementMode(text, format, fix, at, ls, le);
  return typeof m === 'string' ? { mode: m } : m;
}

function placementMode(text: string, format: FormatId, fix: FixData, at: number, ls: number, le: number): Placement | Placement['mode'] {
  const line = text.slice(ls, le);
  const continued = (s: number) => s > 0 && /\\\s*$/.test(text.slice(lineStartAt(text, s - 1), lineEndAt(text, s - 1)));
  if (isCodeFormat(format) && format !== 'dockerfile' && format !== 'makefile' && format !== 'batch') {
    const toks = tokensOf(text, format);
    const atEnd = findCovering(toks, le);
    const atStart = findCovering(toks, ls);
    const endOk = (!atEnd || (atEnd.kind === 'comment' && atEnd.end === le && !text.startsWith('/*', atEnd.start))) && !/\\\s*$/.test(line);
    const startOk = (!atStart || atStart.start === ls) && !continued(ls);
    if (format === 'javascript' || format === 'typescript') {
      const t = findCovering(toks, at);
      if (t?.kind === 'string' && lineEndAt(text, t.end) === le) return { mode: 'inline', after: t.end };
      if (!t && fix.type === 'tls' && fix.end <= le) return { mode: 'inline', after: fix.end };
      if (t?.kind === 'comment' && !text.startsWith('/*', t.start)) return 'line';
      // Outside any string or comment a key can only be JSX text, where `//` would be text too.
      if (!t) return 'file';
      return startOk ? 'next' : 'file';
    }
    if (format === 'php' && /\?>/.test(text.slice(at, le))) return startOk ? 'next' : 'file';
    if (endOk) return 'line';
    return startOk ? 'next' : 'file';
  }
  if (OWN_LINE.has(format)) {
    // Docker drops comment lines inside a continued instruction; other line formats would glue them to the value.
    if (continued(ls) && format !== 'dockerfile') return 'file';
    if (format === 'ini' && /^\s/.test(line) && fix.type === 'key') return 'file';
    if (fix.type === 'key' && fix.quote && lineStartAt(text, fix.literalStart) !== ls) return 'file';
    return 'next';
  }
  if (format === 'yaml') {
    let scalars: ReturnType<typeof yamlView>['scalars'] = [];
    try { scalars = yamlScalars(text); } catch { /* a broken file: fall back to the line rule */ }
    const sc = scalars.find((s) => s.literalStart <= at && at < Math.max(s.literalEnd, s.start + 1));
    if (sc && (sc.quote === '|' || sc.quote === '>')) {
      const firstContent = nextLineStart(text, sc.literalStart);
      return firstContent === ls ? 'header' : 'file';
    }
    const spans = scalars.some((s) => s.literalStart < le && le < s.literalEnd);
    if (!spans) return 'line';
    return sc && lineStartAt(text, sc.literalStart) === ls ? 'next' : 'file';
  }
  if (format === 'toml' || format === 'hocon' || format === 'hcl' || format === 'logstash' || format === 'nginx') {
    const before = text.slice(0, le);
    const triple = (before.match(/"""|'''/g) ?? []).length % 2 === 1;
    const heredoc = format === 'hcl' && /<<-?[A-Za-z_]\w*\s*$/m.test(before.slice(before.lastIndexOf('\n', ls - 2) + 1, ls));
    return triple || heredoc ? 'file' : 'line';
  }
  if (format === 'markdown') {
    const fences = (text.slice(0, ls).match(/^\s*(```|~~~)/gm) ?? []).length;
    return fences % 2 === 1 ? 'file' : 'line';
  }
  if (format === 'xml') {
    if (/>\s*$/.test(line) && !/<!\[CDATA\[(?![\s\S]*\]\]>)/.test(text.slice(0, le))) return 'line';
    return /^\s*</.test(line) ? 'next' : 'file';
  }
  return 'file';
}

/**
 * JSON has no comment syntax. In JSON with comments (the file already has some) a `//` line is used;
 * otherwise a `"//"` member — the common JSON comment convention (npm, many config loaders) — is added
 * to the object: on its own line before the entry, or first in an object that opens on the entry's line.
 * Declined when neither fits or the object already has a `"//"` member (a duplicate key).
 */
function jsonDirective(text: string, at: number, ruleId: RuleId, eol: string): OffsetEdit | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return undefined;
  let node: Node | undefined = findNodeAtOffset(root, at);
  while (node && !(node.type === 'property' && node.parent?.type === 'object')) node = node.parent;
  if (!node) return undefined;
  const object = node.parent!;
  const ls = lineStartAt(text, node.offset);
  const findingLine = lineStartAt(text, at);
  const indent = text.slice(ls, node.offset);
  if (hasComments(text) && indent.trim() === '' && ls === findingLine) return insertLines(text, ls, [`${indent}// misp-guard-ignore-next-line: ${ruleId}`], eol);
  if (object.children!.some((p) => p.children?.[0]?.value === '//')) return undefined;
  if (indent.trim() === '' && ls === findingLine) return insertLines(text, ls, [`${indent}"//": "misp-guard-ignore-next-line: ${ruleId}",`], eol);
  // The entry shares its line with others: a first member on the same line, when the object opens there.
  if (lineStartAt(text, object.offset) === findingLine) return { start: object.offset + 1, end: object.offset + 1, newText: ` "//": "misp-guard-ignore: ${ruleId}",` };
  return undefined;
}

/** A `"//": "misp-guard-ignore-file: …"` member first in the top-level object, on a line of its own. */
function jsonFileDirective(text: string, ruleId: RuleId, eol: string): OffsetEdit | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root || root.type !== 'object' || root.children?.some((p) => p.children?.[0]?.value === '//')) return undefined;
  const first = root.children?.[0];
  const member = `"//": "misp-guard-ignore-file: ${ruleId}"`;
  if (!first) return undefined;
  const ls = lineStartAt(text, first.offset);
  const indent = text.slice(ls, first.offset);
  if (indent.trim() === '' && lineStartAt(text, root.offset) !== ls) return insertLines(text, ls, [`${indent}${member},`], eol);
  return { start: root.offset + 1, end: root.offset + 1, newText: ` ${member},` };
}

function hasComments(text: string): boolean {
  let found = false;
  // jsonc-parser reports comments through its scanner; a cheap check outside strings is enough here.
  const re = /"(?:[^"\\]|\\.)*"|(\/\/|\/\*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m[1]) { found = true; break; }
  return found;
}
