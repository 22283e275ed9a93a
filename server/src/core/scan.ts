/**
 * The one public entry of the engine: text in, findings out. Pure: no I/O, no editor types.
 */
import { compilePatterns, mentionsMisp } from './context';
import type { Doc } from './doc';
import { bracesView } from './formats/braces';
import { isCodeFormat, lexCode } from './formats/code';
import { detectFlavor, detectFormat } from './formats/detect';
import { codeBlocks } from './formats/docs';
import { jsonView } from './formats/json';
import { lineView } from './formats/lines';
import { notebookView, type NotebookPart } from './formats/notebook';
import type { StructuredView } from './formats/scalars';
import { nginxView } from './formats/nginx';
import { xmlView } from './formats/xml';
import { encodedValues, yamlView } from './formats/yaml';
import { redact, mask } from './mask';
import { namesUsedAsKey } from './names';
import { mayHaveFindings } from './prefilter';
import { findKeys } from './rules/keys';
import { RULES } from './rules/metadata';
import { findTls } from './rules/tls';
import { isSuppressed, readSuppressions } from './suppress';
import { lineStarts, lineOf } from './text';
import type { Finding, FixData, Flavor, FormatId, Notice, RuleId, ScanInput, ScanOptions, ScanReport, Severity } from './types';

const FORMAT_NAMES: Partial<Record<FormatId, string>> = { nginx: 'nginx config', yaml: 'YAML', json: 'JSON', toml: 'TOML', hocon: 'HOCON', hcl: 'HCL', logstash: 'Logstash config', xml: 'XML', ipynb: 'notebook' };

/** Analyses one document and reports findings and notices. Pure: no I/O. Linear in the text length. */
export function analyzeText(text: string, input: ScanInput = {}, options: ScanOptions = {}): ScanReport {
  try {
    return analyzeUnsafe(text, input, options);
  } catch (e) {
    // A bug or a pathological input must not cost the user the findings: fall back to a line scan.
    const format = detectFormat(text, input.path ?? '', input.languageId ?? '');
    const report: ScanReport = { format, flavor: 'generic', findings: [], notices: [] };
    report.notices.push({ level: 'warning', message: `Analysis failed (${redact(String((e as Error)?.message ?? e)).slice(0, 200)}); analysed line by line.` });
    try {
      const doc: Doc = { text, format: 'plaintext', flavor: 'generic', path: input.path ?? '', fileMisp: mentionsMisp(text), usedAsKey: () => new Set<string>(), extraNames: compilePatterns(options.extraKeyNames), scalars: lineView(text, 'fallback').scalars };
      report.findings = toFindings(text, analyse(doc).map((hit) => ({ hit })), options, format);
    } catch { /* the notice above already tells the user */ }
    return report;
  }
}

/**
 * A UTF-8 byte-order mark becomes a space, and a lone CR (classic Mac line ends) a LF: parsers accept
 * both, and every offset stays the same.
 */
function normalized(original: string): string {
  const text = original.charCodeAt(0) === 0xfeff ? ` ${original.slice(1)}` : original;
  return text.includes('\r') && /\r(?!\n)/.test(text) ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/**
 * False when {@link analyzeText} would report nothing at all (no finding, no notice) without parsing
 * the text: the cheap screen that scans of many files run first. Never false for a text that holds
 * a finding.
 */
export function worthAnalysing(original: string, input: ScanInput = {}, options: ScanOptions = {}): boolean {
  try {
    const text = normalized(original);
    if (text.length === 0) return false;
    if (looksBinary(text) || options.prefilter === false) return true;
    const path = input.path ?? '';
    return mayHaveFindings(text, path, detectFormat(text, path, input.languageId ?? ''), options.extraKeyNames?.length ?? 0);
  } catch {
    return true;
  }
}

/**
 * Which parsers a text needs: `config` formats (YAML, JSON, notebooks, TOML, XML ...) or program source
 * and prose (`code`). Scans split the analysis by family so that each worker thread compiles and warms
 * only one set of parsers.
 */
export function formatFamily(text: string, input: ScanInput = {}): 'code' | 'config' {
  const format = detectFormat(text, input.path ?? '', input.languageId ?? '');
  return isCodeFormat(format) || format === 'markdown' || format === 'rst' || format === 'plaintext' ? 'code' : 'config';
}

function analyzeUnsafe(original: string, input: ScanInput, options: ScanOptions): ScanReport {
  const text = normalized(original);
  const path = input.path ?? '';
  const format = detectFormat(text, path, input.languageId ?? '');
  const flavor = detectFlavor(format, text, path);
  const notices: Notice[] = [];
  const report: ScanReport = { format, flavor, findings: [], notices };
  if (text.length === 0) return report;
  if (looksBinary(text)) {
    notices.push({ level: 'warning', message: 'Binary content (NUL bytes): the document was not analysed.' });
    return report;
  }
  // Most files hold neither a 40-character token nor any TLS vocabulary: nothing can be found in them,
  // so they are not parsed at all (this is most of a workspace scan's time saved).
  if (options.prefilter !== false && !mayHaveFindings(text, path, format, options.extraKeyNames?.length ?? 0)) return report;
  const fileMisp = mentionsMisp(text) || mentionsMisp(path);
  let used: Set<string> | undefined;
  const usedAsKey = () => (used ??= namesUsedAsKey(text));
  const base: Omit<Doc, 'text'> = { format, flavor, path, fileMisp, usedAsKey, extraNames: compilePatterns(options.extraKeyNames) };
  const raw: Array<{ hit: RawHit; map?: (o: number) => number }> = [];
  if (format === 'ipynb') {
    let nb: ReturnType<typeof notebookView>;
    try { nb = notebookView(text); } catch (e) { nb = { parts: [], language: 'python', error: { message: `parser failed: ${String((e as Error)?.message ?? e)}` } }; }
    if (nb.error) {
      notices.push({ level: 'warning', message: `Malformed notebook JSON (${nb.error.message}); analysed line by line.`, offset: nb.error.offset });
      for (const hit of analyse({ ...base, format: 'json', text, scalars: lineView(text, 'fallback').scalars })) raw.push({ hit });
    } else {
      const lang = detectFormat('', '', nb.language);
      for (const part of nb.parts) {
        const partFormat: FormatId = part.kind === 'output' ? 'plaintext' : part.cellType === 'code' ? (isCodeFormat(lang) ? lang : 'python') : 'markdown';
        const doc: Doc = { ...base, format: partFormat, text: part.text, output: part.kind === 'output' };
        if (isCodeFormat(partFormat)) doc.tokens = lexCode(part.text, partFormat);
        for (const hit of analyse(doc)) raw.push({ hit: { ...hit, container: 'ipynb', partFormat }, map: mapper(part) });
      }
    }
  } else if (format === 'markdown' || format === 'rst') {
    // Code blocks as the language they declare; the prose (code blanked out, offsets kept) for keys only.
    const proseParts: string[] = [];
    let proseAt = 0;
    for (const block of codeBlocks(text, format)) {
      const sub = text.slice(block.start, block.end);
      proseParts.push(text.slice(proseAt, block.start), sub.replace(/[^\r\n]/g, ' '));
      proseAt = block.end;
      const doc: Doc = { ...base, format: block.format, text: sub };
      if (isCodeFormat(block.format)) doc.tokens = lexCode(sub, block.format);
      else if (block.format !== 'ipynb') {
        const view = structured(sub, block.format, []);
        if (view) { doc.scalars = view.scalars; doc.encoded = encodedValues(view.scalars, (view as { encoded?: Doc['encoded'] }).encoded); }
      }
      const shift = (o: number) => o + block.start;
      for (const hit of analyse(doc)) raw.push({ hit: { ...hit, fix: shiftFix(hit.fix, block.start) }, map: shift });
    }
    proseParts.push(text.slice(proseAt));
    const prose = proseParts.join('');
    const doc: Doc = { ...base, text: prose, prose: true, scalars: lineView(prose, 'fallback').scalars };
    for (const hit of analyse(doc)) raw.push({ hit });
  } else {
    const doc: Doc = { ...base, text };
    if (isCodeFormat(format)) doc.tokens = lexCode(text, format);
    else {
      const view = structured(text, format, notices, flavor);
      if (view) { doc.scalars = view.scalars; doc.encoded = encodedValues(view.scalars, (view as { encoded?: Doc['encoded'] }).encoded); }
    }
    for (const hit of analyse(doc)) raw.push({ hit });
  }
  report.findings = toFindings(text, raw, options, format);
  return report;
}

/** Findings for one document (see {@link analyzeText} for notices too). */
export function scanText(text: string, input: ScanInput = {}, options: ScanOptions = {}): Finding[] {
  return analyzeText(text, input, options).findings;
}

function parseStructured(text: string, format: FormatId, flavor?: Flavor): StructuredView | undefined {
  switch (format) {
    case 'yaml': return yamlView(text);
    case 'json': return jsonView(text);
    case 'toml': return { ...lineView(text, 'toml'), error: tomlError(text) };
    case 'ini': return lineView(text, 'ini', { spaced: flavor === 'fluent-bit' });
    case 'properties': return lineView(text, 'properties');
    case 'dotenv': return lineView(text, 'dotenv');
    case 'hocon': case 'hcl': case 'logstash': return bracesView(text);
    case 'xml': return xmlView(text);
    case 'nginx': return nginxView(text);
    default: return undefined;
  }
}

function structured(text: string, format: FormatId, notices: Notice[], flavor?: Flavor): StructuredView | undefined {
  if (format === 'dockerfile') return undefined;
  let view: StructuredView | undefined;
  try {
    view = parseStructured(text, format, flavor);
  } catch (e) {
    // Parsers can throw on pathological input (deep nesting overflows the stack); keep going line by line.
    view = { scalars: [], error: { message: `parser failed: ${String((e as Error)?.message ?? e)}` } };
  }
  if (!view) return lineView(text, 'fallback');
  if (view.error) {
    const where = view.error.offset !== undefined ? ` at line ${lineOf(lineStarts(text), view.error.offset) + 1}` : '';
    notices.push({ level: 'warning', message: `Malformed ${FORMAT_NAMES[format] ?? format}${where} (${redact(view.error.message)}); analysed line by line.`, offset: view.error.offset });
    const fallback = lineView(text, 'fallback');
    if (format === 'yaml' || format === 'json') return { scalars: mergeScalars(view.scalars, fallback.scalars) };
    return fallback.scalars.length >= view.scalars.length ? fallback : view;
  }
  return view;
}

/** Both lists sorted by start: keeps all of `a`, and those of `b` that overlap none of `a`. Linear. */
function mergeScalars(a: StructuredView['scalars'], b: StructuredView['scalars']): StructuredView['scalars'] {
  const out = [...a];
  let i = 0;
  for (const s of b) {
    while (i < a.length && a[i].end <= s.start) i++;
    let overlaps = false;
    for (let j = i; j < a.length && a[j].start < s.end; j++) if (a[j].end > s.start) { overlaps = true; break; }
    if (!overlaps) out.push(s);
  }
  return out.sort((x, y) => x.start - y.start);
}

import { parse as parseToml } from 'smol-toml';

function tomlError(text: string): StructuredView['error'] {
  try { parseToml(text); return undefined; } catch (e) {
    const err = e as { message?: string; line?: number; column?: number };
    const first = String(err.message ?? 'syntax error').split('\n')[0];
    return { message: first, offset: err.line !== undefined ? lineStarts(text)[err.line - 1] : undefined };
  }
}

interface RawHit {
  ruleId: RuleId;
  start: number;
  end: number;
  message: string;
  preview?: string;
  fix: FixData;
  container?: 'ipynb';
  partFormat?: FormatId;
}

function analyse(doc: Doc): RawHit[] {
  const out: RawHit[] = [];
  for (const k of findKeys(doc)) {
    const preview = mask(k.value);
    const where = k.name ? `${redact(k.name)} = ${preview}` : preview;
    out.push({ ruleId: k.ruleId, start: k.start, end: k.end, preview, fix: k.fix, message: `${RULES[k.ruleId].title}: ${where}` });
  }
  if (!doc.output && !doc.prose) {
    for (const t of findTls(doc)) {
      out.push({ ruleId: 'tls-verify-disabled', start: t.start, end: t.end, fix: t.fix, message: `${RULES['tls-verify-disabled'].title}: ${redact(t.what)}.` });
    }
  }
  return out;
}

function mapper(part: NotebookPart): (o: number) => number {
  return (o) => part.raw[Math.min(o, part.raw.length - 1)];
}

function severityOf(rule: RuleId, options: ScanOptions): Severity {
  return options.severities?.[rule] ?? RULES[rule].defaultSeverity;
}

function toFindings(text: string, raw: Array<{ hit: RawHit; map?: (o: number) => number }>, options: ScanOptions, format: FormatId): Finding[] {
  if (raw.length === 0) return [];
  const starts = lineStarts(text);
  const sup = options.honourSuppressions === false ? undefined : readSuppressions(text, starts, format);
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const { hit, map } of raw) {
    const severity = severityOf(hit.ruleId, options);
    if (severity === 'off') continue;
    const m = map ?? ((o: number) => o);
    const start = m(hit.start);
    const end = map ? m(hit.end - 1) + 1 : hit.end;
    const key = `${hit.ruleId}:${start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (sup && isSuppressed(sup, hit.ruleId, lineOf(starts, start))) continue;
    out.push({ ruleId: hit.ruleId, severity, start, end, message: redact(hit.message), preview: hit.preview, fix: mapFix(hit, m, format) });
  }
  return out.sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId));
}

/** Fix data of a documentation code block, moved to file offsets; fixes treat the file as documentation. */
function shiftFix(f: FixData, by: number): FixData {
  if (f.type === 'key') return { ...f, format: 'markdown', valueStart: f.valueStart + by, valueEnd: f.valueEnd + by, literalStart: f.literalStart + by, literalEnd: f.literalEnd + by };
  return { ...f, format: 'markdown', start: f.start + by, end: f.end + by };
}

function mapFix(hit: RawHit, m: (o: number) => number, format: FormatId): FixData {
  const f = hit.fix;
  if (!hit.container) return f;
  const end = (o: number) => m(o - 1) + 1;
  const partFormat = hit.partFormat ?? format;
  if (f.type === 'key') return { ...f, format: partFormat, container: hit.container, valueStart: m(f.valueStart), valueEnd: end(f.valueEnd), literalStart: m(f.literalStart), literalEnd: end(f.literalEnd) };
  return { ...f, format: partFormat, container: hit.container, start: m(f.start), end: f.end > f.start ? end(f.end) : m(f.start) };
}

/**
 * Binary content: several NUL characters near the start. A single stray NUL in a config file does not
 * make it binary (that would hide a key in a .env from the scan).
 */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  let nuls = 0;
  for (let i = head.indexOf('\u0000'); i >= 0 && nuls < 4; i = head.indexOf('\u0000', i + 1)) nuls++;
  return nuls >= 4;
}
