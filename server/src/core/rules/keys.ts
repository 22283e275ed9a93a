/**
 * The key rules: hardcoded-key, plaintext-config-key, key-in-command-line, key-in-url and
 * key-in-notebook-output. Each 40-character candidate is placed in its context (string, comment,
 * config value, command, URL, output), named, and judged a MISP key or not.
 */
import { afterMispPath, findCandidates, insideUrl, isHexDigest, isPlaceholder, looksRandom, ruledOutAlone, type Candidate } from '../candidates';
import { classifyName, hasMispEndpoint, mentionsMisp, pathMentionsMisp, pathOtherService } from '../context';
import { siblingFacts } from './tlsScope';
import type { Doc } from '../doc';
import { isCodeFormat, type CodeToken } from '../formats/code';
import { isConfigFormat } from '../formats/detect';
import type { Scalar } from '../formats/scalars';
import { sqlValueColumns, type SqlValue } from '../formats/sqlColumns';
import { ANSI_TAIL, goTagField, lastSegment, nameBefore, recordEntryName, wrapperNameAt, type FoundName } from '../names';
import { findCovering, lineAt, lineEndAt, lineStartAt } from '../text';
import type { KeyFixData, RuleId } from '../types';

/** A candidate judged to be a MISP key, with the rule it breaks and what a fix needs. */
export interface KeyHit {
  ruleId: RuleId;
  start: number;
  end: number;
  value: string;
  name?: string;
  fix: KeyFixData;
}

interface Site {
  cand: Candidate;
  /** The config value holding the candidate, when the format is structured. */
  scalar?: Scalar;
  where: 'string' | 'comment' | 'bare' | 'config';
  name?: FoundName;
  path: string[];
  literalStart: number;
  literalEnd: number;
  quote: string;
  embedded: boolean;
  command: boolean;
  url: boolean;
  split: boolean;
  encoding?: 'base64';
  /** The SQL dump row and column holding the value. */
  sql?: SqlValue;
}

/** A key/value table's value column (`option_value`, `setting_value`, `value`): the row names what it holds. */
const GENERIC_COLUMN = /\.(?:\w*_)?(?:value|val|data|content|text)$/i;

const GENERIC_KEYS = new Set(['default', 'value', 'val', 'data', 'text', 'content', 'string']);
const FIXTURE_COMMENT = /\b(fake|dummy|not a real|example key|test key|placeholder|mock)\b/i;

/** All key findings of a document. */
export function findKeys(doc: Doc): KeyHit[] {
  const hits: KeyHit[] = [];
  const seen = new Set<number>();
  const sites: Site[] = [];
  for (const cand of findCandidates(doc.text)) {
    // Placeholders, and hex digests with no key-like name right before them: skip the full placement.
    if (ruledOutAlone(doc.text, cand)) continue;
    sites.push(place(doc, cand));
  }
  if (doc.tokens) sites.push(...splitLiteralSites(doc, doc.tokens));
  for (const e of doc.encoded ?? []) {
    const sc = e.scalar;
    sites.push({ cand: { start: e.start, end: e.end, value: e.value }, where: 'config', name: sc.key ? { name: sc.key, source: 'assign' } : undefined, path: sc.path, literalStart: sc.literalStart, literalEnd: sc.literalEnd, quote: sc.quote, embedded: false, command: false, url: false, split: false, encoding: 'base64' });
  }
  for (const site of sites) {
    if (seen.has(site.cand.start) || !isMispKey(doc, site) || markedAsFixture(doc, site)) continue;
    seen.add(site.cand.start);
    const ruleId = ruleFor(doc, site);
    // A URL passed after a flag (`curl -sk "https://misp…/KEY"`): the flag does not name the key.
    if (site.url && site.name?.source === 'flag') site.name = undefined;
    hits.push({
      ruleId, start: site.cand.start, end: site.encoding ? site.cand.end : site.cand.start + (site.split ? splitFirstLength(doc.text, site) : 40),
      value: site.cand.value, name: site.name?.name,
      fix: {
        type: 'key', format: doc.format, flavor: doc.flavor, name: site.name?.name, keyPath: site.path.length ? site.path : undefined,
        valueStart: site.cand.start, valueEnd: site.encoding ? site.cand.end : site.cand.start + (site.split ? splitFirstLength(doc.text, site) : 40),
        literalStart: site.literalStart, literalEnd: site.literalEnd, quote: site.quote, embedded: site.embedded, split: site.split,
        encoding: site.encoding,
      },
    });
  }
  return hits;
}

function splitFirstLength(text: string, site: Site): number {
  let n = 0;
  while (n < 40 && /[A-Za-z0-9]/.test(text[site.cand.start + n] ?? '')) n++;
  return n;
}

function place(doc: Doc, cand: Candidate): Site {
  const { text } = doc;
  const base = { cand, path: [] as string[], command: false, split: false, url: insideUrl(text, cand.start) || afterMispPath(text, cand.start) };
  if (doc.scalars) {
    const sc = findCovering(doc.scalars, cand.start);
    if (sc) return configSite(doc, cand, sc, base.url);
  }
  const copied = doc.format === 'sql' ? sqlValueColumns(text).get(cand.start) : undefined;
  if (copied && !GENERIC_COLUMN.test(copied.column)) {
    // A field of a PostgreSQL `COPY users (…) FROM stdin;` row: raw data, whatever quotes it holds.
    const bare = bareLiteral(text, cand);
    return { ...base, sql: copied, where: 'bare', name: { name: copied.column, source: 'assign' }, literalStart: bare.start, literalEnd: bare.end, quote: bare.quote, embedded: bare.embedded, command: false };
  }
  if (doc.tokens) {
    const tok = findCovering(doc.tokens, cand.start);
    if (tok && tok.kind === 'string') {
      // Names sit right before the key: a bounded look-back keeps one huge string with many keys linear.
      const inner = text.slice(Math.max(tok.contentStart, cand.start - 300), cand.start);
      let name = nameBefore(text, tok.start, inner) ?? (inner.trim() === '' ? undefined : nameBefore(text, tok.start));
      if (name && /^(default|value|envvar)$/i.test(name.name)) name = optionFlag(text, tok.start) ?? name;
      if (name && (name.source === 'call' || /^(default|value)$/i.test(name.name))) {
        // typer.Option("…", envvar="MISP_KEY"), Field(default="…"), Secret(value="…").save("misp-api-key").
        const w = wrapperNameAt(text, tok.start);
        if (w) name = { name: w.name, source: 'assign' };
      }
      const sql = doc.format === 'sql' ? sqlValueColumns(text).get(tok.start) : undefined;
      // A row of a dump: the column names a whole value (`users.authkey`); a key inside a value (JSON in a
      // column) keeps the name written before it, and a key/value table's value column (`wp_options.option_value`)
      // the name in the row before it.
      if (sql && inner.trim() === '' && !GENERIC_COLUMN.test(sql.column)) name = { name: sql.column, source: 'assign' };
      if (name && /^(value|valuedata|data)$/i.test(name.name)) {
        // A name/value record: DSC `Environment { Name = 'MISP_KEY'; Value = '…' }`, `{ name: "MISP_KEY", value: "…" }`.
        const r = recordEntryName(text, tok.start);
        if (r) name = { name: r, source: 'assign' };
      }
      if (name && doc.format === 'go' && tok.quote === '`' && /^(default|envDefault)$/.test(name.name)) {
        const field = goTagField(text, cand.start);
        if (field) name = { name: field, source: 'assign' };
      }
      return { ...base, sql, where: 'string', name, literalStart: tok.start, literalEnd: tok.end, quote: tok.quote, embedded: !onlySpace(text, tok.contentStart, cand.start) || !onlySpace(text, cand.end, tok.contentEnd), command: isCommandContext(doc, cand.start, tok) };
    }
    if (tok && tok.kind === 'comment') {
      return { ...base, where: 'comment', name: bareName(text, cand.start), literalStart: cand.start, literalEnd: cand.end, quote: '', embedded: true, command: false };
    }
  }
  const bare = bareLiteral(text, cand);
  if (doc.format === 'dockerfile') {
    // Legacy `ENV NAME value` / `ARG NAME value` without `=`.
    const legacy = /^\s*(?:ENV|ARG|LABEL)\s+([A-Za-z_][\w.-]*)\s+["']?$/i.exec(text.slice(lineStartAt(text, cand.start), cand.start));
    if (legacy) return { ...base, where: 'bare', name: { name: legacy[1], source: 'assign' }, literalStart: bare.start, literalEnd: bare.end, quote: bare.quote, embedded: bare.embedded, command: false };
  }
  const name = bareName(text, cand.start) ?? (BARE_VALUES.has(doc.format) ? commandWordName(text, cand.start) : respFieldName(text, cand.start))
    ?? (doc.prose || PROSE_FORMATS.has(doc.format) ? proseName(text, cand.start) : undefined);
  return { ...base, where: doc.scalars ? 'config' : 'bare', name, literalStart: bare.start, literalEnd: bare.end, quote: bare.quote, embedded: bare.embedded, command: isCommandContext(doc, cand.start) };
}

function configSite(doc: Doc, cand: Candidate, sc: Scalar, url: boolean): Site {
  const inner = doc.text.slice(sc.start, cand.start).replace(ANSI_TAIL, '');
  let name: FoundName | undefined;
  if (inner.trim() !== '') {
    name = nameBefore(doc.text, sc.start, inner);
    // Fluent Bit's YAML config: `header: Authorization KEY` (a header and its value in one setting).
    const h = name || sc.key === undefined || !/^(?:header|headers|add_header|http_header)$/i.test(lastSegment(sc.key)) ? undefined : /^\s*([A-Za-z][\w-]*)[ \t]+$/.exec(inner);
    if (h) name = { name: h[1], source: 'header' };
  } else if (sc.key !== undefined) {
    let k = sc.key;
    if (GENERIC_KEYS.has(k.toLowerCase()) && sc.path.length >= 2) k = sc.path[sc.path.length - 2];
    name = { name: k, source: 'assign' };
  }
  if (name) name = pairedHeaderName(doc.text, name);
  const embedded = sc.value.trim() !== cand.value;
  return { cand, scalar: sc, where: 'config', name, path: sc.path, literalStart: sc.literalStart, literalEnd: sc.literalEnd, quote: sc.quote, embedded, command: !!sc.command || /^\s*(curl|wget|http|https)\s/.test(sc.value), url, split: false };
}

/**
 * A header value whose header is named in a paired setting: Grafana's `httpHeaderName1: Authorization`
 * with `httpHeaderValue1: …`, `header_name`/`header_value`. The header names the value.
 */
function pairedHeaderName(text: string, name: FoundName): FoundName {
  const m = /^(.*?)([-_]?)(value|Value|VALUE)(\d*)$/.exec(name.name);
  if (!m || !/header/i.test(m[1])) return name;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pair = new RegExp(`${esc(m[1])}${esc(m[2])}name${m[4]}["']?\\s*[:=]\\s*["']?([A-Za-z][\\w-]*)`, 'i').exec(text);
  return pair ? { name: pair[1], source: 'header' } : name;
}

/** `add_argument("-k", "--misp-key", default="…")` / `click.option(...)`: the option's long flag names the default. */
function optionFlag(text: string, at: number): FoundName | undefined {
  const left = text.slice(Math.max(0, at - 400), at);
  const call = /(?:add_argument|add_option|option|Option|flag|Flag)\s*\(([^()]*)$/.exec(left);
  if (!call) return undefined;
  const flags = [...call[1].matchAll(/["'](--?[A-Za-z][\w-]*)["']/g)].map((m) => m[1]).sort((a, b) => b.length - a.length);
  return flags.length ? { name: flags[0], source: 'flag' } : undefined;
}

/** Formats whose text is prose (a notebook's markdown cells are analysed as markdown, without code blocks split off). */
const PROSE_FORMATS = new Set(['markdown', 'rst', 'plaintext']);
/** "Use key `…`", "the MISP API key is …", "auth key: …": a key word shortly before the value, in prose. */
const PROSE_KEY = /\b((?:misp[ _-]?)?(?:api[ _-]?|auth[ _-]?|access[ _-]?)?(?:key|token))\b(?:[ \t]+(?:is|was|=|:)|[ \t]*[:=])?[ \t]*[`'"*]{0,3}$/i;

function proseName(text: string, at: number): FoundName | undefined {
  const m = PROSE_KEY.exec(text.slice(Math.max(lineStartAt(text, at), at - 80), at));
  return m ? { name: m[1], source: 'assign' } : undefined;
}

/**
 * A value in Redis protocol (an append-only file, a MONITOR capture): `$7`, `api_key`, `$40`, then the
 * value; the bulk string before it is its field (HSET, SET key value).
 */
function respFieldName(text: string, at: number): FoundName | undefined {
  if (!text.startsWith('$40', lineStartAt(text, Math.max(0, at - 2)))) return undefined;
  const m = /\$(\d+)\r?\n([^\r\n]+)\r?\n\$40\r?\n$/.exec(text.slice(Math.max(0, at - 120), at));
  if (!m || Number(m[1]) !== m[2].length || !/^[A-Za-z_][\w.:-]*$/.test(m[2])) return undefined;
  return { name: m[2], source: 'assign' };
}

/** The name of a bare (unquoted) value: a flag or header right before it, else an assignment. */
function bareName(text: string, at: number): FoundName | undefined {
  const ls = lineStartAt(text, at);
  const left = text.slice(Math.max(ls, at - 400), at);
  // What follows the last quote on the line, leading spaces dropped (a value inside a quoted command).
  const q = Math.max(left.lastIndexOf('"'), left.lastIndexOf("'"), left.lastIndexOf('`'));
  const afterQuote = q < 0 ? left : left.slice(q + 1).trimStart();
  const viaInner = nameBefore(text, at, afterQuote || left);
  return viaInner ?? nameBefore(text, at);
}

/**
 * A positional argument named by the subcommand before it: `cake User change_authkey admin@x KEY`,
 * `misp-cli set-apikey KEY`. The nearest three words of the command are asked; flags are not words.
 */
function commandWordName(text: string, at: number): FoundName | undefined {
  const left = text.slice(Math.max(lineStartAt(text, at), at - 300), at);
  const words = left.split(/\s+/).filter((w) => w && !w.startsWith('-')).slice(-4, -1);
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i].replace(/^["']|["']$/g, '');
    if (/^[A-Za-z][\w.-]*$/.test(w) && classifyName(w).keyish) return { name: w, source: 'flag' };
  }
  return undefined;
}

/** The extent of an unquoted value: up to whitespace or a quote on each side. */
function bareLiteral(text: string, cand: Candidate): { start: number; end: number; quote: string; embedded: boolean } {
  let s = cand.start;
  let e = cand.end;
  while (s > 0 && !/[\s"'`=:,;(){}[\]]/.test(text[s - 1])) s--;
  while (e < text.length && !/[\s"'`,;(){}[\]]/.test(text[e])) e++;
  const q = text[s - 1];
  if ((q === '"' || q === "'") && text[e] === q) return { start: s - 1, end: e + 1, quote: q, embedded: s !== cand.start || e !== cand.end };
  return { start: s, end: e, quote: '', embedded: s !== cand.start || e !== cand.end };
}

const SHELL_ASSIGN = /^\s*(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)*|set\s+|\$env:|\$(?:script:|global:)?)?[A-Za-z_][\w]*\s*(?:::|[:?+!])?=/i;
const DOCKER_COMMAND = /^\s*(RUN|CMD|ENTRYPOINT|HEALTHCHECK|ONBUILD)\b/i;

/** True when the offset is inside a command line: a shell command, Dockerfile RUN, or a command string in code. */
function isCommandContext(doc: Doc, at: number, tok?: CodeToken): boolean {
  const { text, format } = doc;
  const stmt = logicalLine(text, at);
  if (format === 'dockerfile') return DOCKER_COMMAND.test(stmt.text);
  if (format === 'shell' || format === 'batch' || format === 'makefile' || format === 'powershell') {
    // An assignment (also `VAR=value cmd`, an environment prefix) stores the key; anything else passes it as an argument.
    if (SHELL_ASSIGN.test(stmt.text)) return false;
    // A later assignment on the line: `cd /opt; MISP_KEY=…`, a PowerShell hashtable or DSC block
    // `Environment MispKey { Name = 'MISP_KEY'; Value = '…' }`.
    // Only a `;` or `{` outside quotes separates statements: not the one in `-b "a=1; b=2"` before `-H "Authorization: …"`.
    const cut = lastStatementBreak(stmt.text, at - stmt.start, format === 'powershell');
    return cut < 0 || !SHELL_ASSIGN.test(stmt.text.slice(cut + 1));
  }
  if (tok) {
    const content = text.slice(tok.contentStart, Math.min(tok.contentEnd, tok.contentStart + 200));
    if (/^\s*(curl|wget|http|https)\s/.test(content)) return true;
    if (/(["'])(curl|wget)\1\s*,/.test(text.slice(Math.max(0, tok.start - 300), tok.start))) return true;
  }
  return false;
}

/** The offset of the last `;` (and, in PowerShell, `{`) before `end` that is outside quotes, or -1. */
function lastStatementBreak(line: string, end: number, powershell: boolean): number {
  const esc = powershell ? '`' : '\\';
  let quote = '';
  let cut = -1;
  for (let i = 0; i < end; i++) {
    const c = line[i];
    if (quote) {
      if (c === esc && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === esc) i++;
    else if (c === ';' || (powershell && c === '{')) cut = i;
  }
  return cut;
}

/** The logical line (joined over backslash continuations) holding an offset. */
function logicalLine(text: string, at: number): { start: number; text: string } {
  let s = lineStartAt(text, at);
  while (s > 1) {
    const prevEnd = s - 1 - (text[s - 2] === '\r' && text[s - 1] === '\n' ? 1 : 0);
    if (text[prevEnd - 1] !== '\\') break;
    s = lineStartAt(text, prevEnd - 1);
  }
  return { start: s, text: text.slice(s, lineEndAt(text, at)) };
}

const CAMEL_IDENTIFIER = /^[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]+)*[A-Z]?[0-9]*$/;

/** Languages where an unquoted word can be a value (shell arguments, Makefile and Dockerfile lines). */
const BARE_VALUES = new Set(['shell', 'batch', 'makefile', 'dockerfile', 'powershell', 'zeek']);

function isMispKey(doc: Doc, site: Site): boolean {
  const value = site.cand.value;
  // In other program source an unquoted camelCase word is an identifier (a TypeScript type name), not a
  // key; random keys have runs of capitals. (JSX text and IPython `%env`/`!curl` lines still count.)
  // (A SQL dump's COPY rows hold bare values, not identifiers.)
  if (site.where === 'bare' && isCodeFormat(doc.format) && !BARE_VALUES.has(doc.format) && doc.format !== 'sql' && CAMEL_IDENTIFIER.test(value)) return false;
  if (isPlaceholder(value)) return false;
  const nm = site.name?.name;
  const info = classifyName(nm, doc.extraNames);
  if (info.fixture) return false;
  const auth = nm !== undefined && /^(authorization|x-misp-auth|x-misp-key|authkey|x-api-key)$/i.test(nm);
  const used = nm !== undefined && doc.usedAsKey().has(lastSegment(nm).toLowerCase());
  const calleeMisp = site.name?.source === 'call' && /misp/i.test(nm ?? '');
  const pathMisp = pathMentionsMisp(site.path);
  // A dump's row is judged by itself: a file about MISP (a MISP database) makes MISP's own `authkey`
  // columns keys, not every token column of every table (sessions, password resets, other services).
  const ctxMisp = site.sql ? pathMisp || sqlRowMisp(doc, site.sql) || (doc.fileMisp && /\.authkey$/i.test(site.sql.column)) : doc.fileMisp || pathMisp;
  if (site.url) return urlIsKey(doc, site, info.keyish);
  // Only where MISP is named: prefilter.ts skips files with hex digests and no MISP (keep in step).
  if (isHexDigest(value)) return (info.misp && info.keyish) || (auth && ctxMisp) || (pathMisp && info.keyish && !info.notKey);
  if (info.notKey && !auth) return false;
  if ((info.otherService || pathOtherService(site.path)) && !info.misp && !auth) return false;
  if (info.misp && (info.keyish || calleeMisp)) return true;
  const siblings = site.scalar && site.scalar.group !== undefined ? siblingFacts(doc, site.scalar) : undefined;
  // A password in <server><id>nexus</id>: the block is about another service even if the file mentions MISP.
  // A Fluent Bit output section is one destination: its Authorization header goes to its own Host.
  if (siblings !== undefined && (!auth || doc.flavor === 'fluent-bit') && !used && !pathMisp && !siblings.mentionsMisp && siblings.aboutOther) return false;
  if ((info.keyish || auth || used || calleeMisp) && ctxMisp) return true;
  // ["https://misp…", "<key>", false]: a random value next to a MISP URL, under a name that says nothing else.
  if (siblings !== undefined && looksRandom(value) && siblings.mispHost) return true;
  // A random value in an output of a MISP notebook, unless the output is a structure (rich JSON, a printed
  // dict) whose name for the value says something else (`"value"` of an attribute, `"vhash"`).
  if (doc.output && doc.fileMisp && looksRandom(value) && (nm === undefined || !/^\s*[{[]/.test(doc.text))) return true;
  return false;
}

/** The table or the row of a SQL dump's value names MISP (`misp_settings`, `('misp', 'https://misp…', '…')`). */
function sqlRowMisp(doc: Doc, sql: SqlValue): boolean {
  return mentionsMisp(sql.column) || mentionsMisp(doc.text.slice(sql.row.start, Math.min(sql.row.end, sql.row.start + 4000)));
}

/** A comment on the key's line says it is not real (`# fake key for the tests`). */
function markedAsFixture(doc: Doc, site: Site): boolean {
  const { text } = doc;
  const { start, end } = site.cand;
  const around = text.slice(Math.max(lineStartAt(text, start), start - 300), start) + ' ' + text.slice(end, Math.min(lineEndAt(text, end), end + 300));
  return FIXTURE_COMMENT.test(around);
}

/** True when text[from, to) is only whitespace (stops at the first other character). */
function onlySpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

function urlIsKey(doc: Doc, site: Site, keyishQuery: boolean): boolean {
  const { text } = doc;
  const value = site.cand.value;
  if (isHexDigest(value)) return false;
  const ls = lineStartAt(text, site.cand.start);
  const left = text.slice(ls, site.cand.start);
  const scheme = left.lastIndexOf('://');
  // The whole URL: user-info keys (https://:KEY@misp…) name their host after the key.
  let e = site.cand.end;
  while (e < text.length && e - site.cand.end < 300 && !/[\s"'<>`)]/.test(text[e])) e++;
  const url = left.slice(Math.max(0, scheme - 10)) + text.slice(site.cand.start, e);
  const query = /[?&]([\w-]+)=$/.exec(left);
  const queryKeyish = query ? classifyName(query[1]).keyish : keyishQuery;
  const urlMisp = mentionsMisp(url) || hasMispEndpoint(url);
  if (urlMisp && (queryKeyish || looksRandom(value))) return true;
  return doc.fileMisp && queryKeyish;
}

function ruleFor(doc: Doc, site: Site): RuleId {
  if (doc.output) return 'key-in-notebook-output';
  if (site.url) return 'key-in-url';
  if (site.command) return 'key-in-command-line';
  // A crontab's NAME=value lines configure the jobs' environment.
  if (doc.format === 'shell' && /(^|[\\/])(crontab|[^\\/]*\.crontab|cron\.d[\\/][^\\/]+)$/i.test(doc.path)) return 'plaintext-config-key';
  if (doc.format === 'markdown') return 'hardcoded-key';
  if (isConfigFormat(doc.format) || doc.format === 'plaintext') return 'plaintext-config-key';
  return isCodeFormat(doc.format) ? 'hardcoded-key' : 'plaintext-config-key';
}


function isKeyChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Past spaces and folded lines (`\` then a line break) from i, up to `to`. */
function skipGapSpace(text: string, i: number, to: number): number {
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) i++;
    else if (c === 92 && text.charCodeAt(i + 1) === 10) i += 2;
    else if (c === 92 && text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10) i += 3;
    else break;
  }
  return i;
}

/** The gap between two joined literals, text[from, to), without copying it: spaces and folded lines around at most one operator (+ . .. & << ++). */
function concatGap(text: string, from: number, to: number): boolean {
  let i = skipGapSpace(text, from, to);
  if (i < to) {
    if (text.startsWith('..', i) || text.startsWith('<<', i) || text.startsWith('++', i)) i += 2;
    else if (text[i] === '+' || text[i] === '.' || text[i] === '&') i += 1;
    i = skipGapSpace(text, i, to);
  }
  return i === to;
}

/** Rust's `concat!("…", "…")`: literals separated by commas inside the macro call. */
function inConcatMacro(text: string, a: CodeToken, b: CodeToken): boolean {
  return /^\s*,\s*$/.test(text.slice(a.end, b.start)) && /\bconcat!\s*\(\s*(?:"[^"]*"\s*,\s*)*$/.test(text.slice(Math.max(0, a.start - 400), a.start));
}

/** Keys split over concatenated literals (`"abc" + "def"`, implicit concatenation, PHP `.`). */
function splitLiteralSites(doc: Doc, tokens: CodeToken[]): Site[] {
  const { text } = doc;
  const out: Site[] = [];
  const strings = tokens.filter((t) => t.kind === 'string');
  // Only a literal that ends in a key character, followed by one that starts with one, can split a key.
  const joins = (a: CodeToken, b: CodeToken) => b.start - a.end < 200 && isKeyChar(text, a.contentEnd - 1) && isKeyChar(text, b.contentStart)
    && (concatGap(text, a.end, b.start) || doc.format === 'rust' && inConcatMacro(text, a, b));
  for (let i = 0; i < strings.length - 1; i++) {
    if (!joins(strings[i], strings[i + 1])) continue;
    const group = [strings[i], strings[++i]];
    while (i + 1 < strings.length && joins(group[group.length - 1], strings[i + 1])) group.push(strings[++i]);
    let joined = '';
    const origin: Array<{ at: number; tok: CodeToken }> = [];
    for (const t of group) { origin.push({ at: joined.length, tok: t }); joined += text.slice(t.contentStart, t.contentEnd); }
    for (const c of findCandidates(joined)) {
      const first = [...origin].reverse().find((o) => o.at <= c.start)!;
      const last = [...origin].reverse().find((o) => o.at < c.end)!;
      if (first === last) continue;
      const start = first.tok.contentStart + (c.start - first.at);
      out.push({
        cand: { start, end: start + 40, value: c.value }, where: 'string', name: nameBefore(text, group[0].start, text.slice(group[0].contentStart, start)),
        path: [], literalStart: group[0].start, literalEnd: group[group.length - 1].end, quote: group[0].quote,
        embedded: joined.trim() !== c.value, command: false, url: false, split: true,
      });
    }
  }
  return out;
}
