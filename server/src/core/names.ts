/**
 * Reading, from the text around a value, the name it is assigned to: a variable, an object key,
 * a header, a command-line flag, a function that takes it.
 */
import { lineStartAt } from './text';

/** How a name was found. */
export type NameSource = 'assign' | 'pair' | 'call' | 'header' | 'flag';

/** A name and how it relates to the value. */
export interface FoundName {
  name: string;
  source: NameSource;
}

const ASSIGN = /(["'`]?)([A-Za-z_$@][\w$@.\-]*|\$\{?[A-Za-z_]\w*\}?)\1\s*(?:\[\s*\d*\s*\])?\s*\]?\s*(?::\s*[&A-Za-z_][\w<>[\]., |?&']*?\s*)?(=>|::=|:=|\?=|\?\?=|\|\|=|\+=|<-|=|:)\s*[(\[{]*\s*(?:new\s+String\s*\(\s*|Secret\s*\(\s*|SecretStr\s*\(\s*|concat!\s*\(\s*)?(?:[rbfuRBFU]{1,2}|@|\$)?$/;
/** The end of an assignment: an operator, then at most brackets, a wrapper call and a string prefix (ASSIGN's tail). */
const ASSIGN_TAIL = /(?:=>|::=|:=|\?=|\?\?=|\|\|=|\+=|<-|=|:)\s*[(\[{]*\s*(?:new\s+String\s*\(\s*|Secret\s*\(\s*|SecretStr\s*\(\s*|concat!\s*\(\s*)?(?:[rbfuRBFU]{1,2}|@|\$)?$/;
const FALLBACK_TAIL = /(?:\|\||\?\?|\bor\b|\?:)\s*$/;
/** A pair's name is made of words (camelCase, snake_case, dotted), digits only at the end. */
const PAIR_NAME = /^[A-Za-z_][A-Za-z_.\-]*\d*$/;
const PAIR = /(["'])([A-Za-z_][\w.\-]{0,79})\1\s*,\s*(?:[rbfuRBFU]{1,2}|@|\$)?$/;
const CALL = /([A-Za-z_$][\w$.]*)\s*\(\s*(?:[^()]*?,\s*)?(?:[rbfuRBFU]{1,2}|@|\$)?$/;
const PS_SCOPED = /\$(?:env|script|global|using|local|private):([A-Za-z_]\w*)\s*=\s*$/i;
const SUBST_DEFAULT = /\$\{([A-Za-z_]\w*):?[-=]$/;
const FALLBACK = /([A-Za-z_$][\w$.]*)(?:\(\s*["']([\w.-]+)["'][^)]*\)|\[\s*["']([\w.-]+)["']\s*\])?\s*(?:\|\||\?\?|\bor\b|\?:)\s*$/;
const FLAG = /(?:^|\s)(--?[A-Za-z][\w-]*)(?:\s+|=)["']?$/;
/** An Erlang or Elixir term: `{api_key, <<"…">>}`, `{"misp_key", "…"}`. */
const TUPLE = /\{\s*(['"]?)([A-Za-z_][\w.-]*)\1\s*,\s*(?:<<)?$/;
/** Lisp definitions: `(def misp-key "…")`, `(defparameter *misp-key* "…")`, `(setq misp-key "…")`. */
const LISP_DEF = /\((?:def[\w-]*|setq|setf|define|defvar|defparameter|defconst|defcustom|defonce)\s+(?:\^\S+\s+)?\*?([A-Za-z_][\w.\-?!]*?)\*?\s+$/;
/** A keyword before its value in a Lisp map or option list: `{:misp-key "…"}`. */
const KEYWORD = /(?:^|[\s{(\[,]):([A-Za-z_][\w.\-?!]*)\s+$/;
/** A header written `Name value` with no colon: Caddy `header_up Authorization "…"`, HAProxy `set-header Authorization …`. */
const SPACED_HEADER = /(?:^|[\s"'])(Authorization|X-MISP-Auth(?:orization)?|X-MISP-Key|X-API-Key)[ \t]+["']?$/i;
const HEADER = /(?:^|[\s;,&?{(\['"])(["']?)([A-Za-z][\w.\-]*)\1\s*(?::|=)\s*(?:\[\s*)?["']?$/;

/**
 * The name a value at `valueStart` is assigned to, looking left on its line (and the line before
 * when the value starts a line). `inner` is text inside the value's literal before the key itself.
 */
/** Terminal colour codes (ESC[…m, raw or escaped) at the end of a text. */
export const ANSI_TAIL = /(?:(?:\x1b|\\u001[bB]|\\x1[bB]|\\033|\\e)\[[0-9;]*m)+$/;

export function nameBefore(text: string, valueStart: number, inner = ''): FoundName | undefined {
  // Quotes escaped inside a string (JSON holding JSON): \"Authorization\": \"KEY\".
  // Every pattern below is anchored at the value: a bounded look-back is all a name needs.
  if (inner.length > 240) inner = inner.slice(-240);
  inner = inner.replace(/\\(["'])/g, '$1').replace(ANSI_TAIL, '');
  if (inner.trim() !== '') {
    // Each pattern ends in an operator, a dash or whitespace, perhaps with a quote or `[`: anything else
    // cannot name the value (a comma-separated list of tokens), and the patterns are not worth running.
    const end = inner.replace(/["'[]$/, '').slice(-1);
    if (!/[\s=:\-[]/.test(end)) return undefined;
    const d = SUBST_DEFAULT.exec(inner);
    if (d) return { name: d[1], source: 'assign' };
    const f = FLAG.exec(inner);
    if (f) return { name: f[1], source: 'flag' };
    const h = HEADER.exec(inner);
    if (h) return { name: h[2], source: 'header' };
    const sh = SPACED_HEADER.exec(inner);
    if (sh) return { name: sh[1], source: 'header' };
    return undefined;
  }
  let ls = lineStartAt(text, valueStart);
  let left = text.slice(Math.max(ls, valueStart - 240), valueStart);
  if (/^[\s([{,]*$/.test(left) && ls > 0) {
    // The value starts its line: the assignment is on the line before (`key = (\n  "..."`).
    const prevEnd = ls - 1 - (text[ls - 2] === '\r' ? 1 : 0);
    ls = lineStartAt(text, Math.max(0, prevEnd));
    left = text.slice(Math.max(ls, valueStart - 240), valueStart).replace(/[\r\n]+/g, ' ');
  }
  // Terminal colour codes glued to a value (`key = ESC[1mKEY` in a saved log or traceback) are not part of it.
  const l = left.replace(ANSI_TAIL, '').replace(/["'`]\s*$/, (m) => (m.trim() ? '' : m));
  const f = FLAG.exec(l);
  const d = SUBST_DEFAULT.exec(l);
  if (d) return { name: d[1], source: 'assign' };
  const def = /#\s*define\s+([A-Za-z_]\w*)\s+$/.exec(l);
  if (def) return { name: def[1], source: 'assign' };
  const ps = PS_SCOPED.exec(l);
  if (ps) return { name: ps[1], source: 'assign' };
  // ASSIGN is costly where it cannot match (it backtracks over every word): its operator tail is checked first.
  const a = ASSIGN_TAIL.test(l) ? ASSIGN.exec(l) : null;
  if (a) return { name: a[2].replace(/^\$\{?|\}$/g, ''), source: 'assign' };
  // process.env.MISP_KEY || "…", os.environ.get("MISP_KEY") or "…": the literal is the fallback of that lookup.
  const fb = FALLBACK_TAIL.test(l) ? FALLBACK.exec(l) : null;
  if (fb) return { name: fb[2] ?? fb[3] ?? lastSegment(fb[1]), source: 'assign' };
  const p = PAIR.exec(l);
  // A list of ids (`["id1", "id2", …]`) is not a name and its value: a pair names with words, not a random token.
  if (p && PAIR_NAME.test(p[2])) return { name: p[2], source: 'pair' };
  if (f) return { name: f[1], source: 'flag' };
  const sh = SPACED_HEADER.exec(l);
  if (sh) return { name: sh[1], source: 'header' };
  const tu = TUPLE.exec(l);
  if (tu) return { name: tu[2], source: 'assign' };
  const ld = LISP_DEF.exec(l);
  if (ld) return { name: ld[1], source: 'assign' };
  const kw = KEYWORD.exec(l);
  if (kw) return { name: kw[1], source: 'assign' };
  const c = l.includes('(') ? CALL.exec(l) : null;
  if (c) return { name: c[1], source: 'call' };
  // An argument on its own line (`PyMISP(\n    url,\n    "KEY",`, as black formats calls): the call it is passed to.
  if (/,\s*$/.test(l) || /\(\s*$/.test(l)) {
    const callee = enclosingCallee(text, valueStart);
    if (callee) return { name: callee, source: 'call' };
  }
  return undefined;
}

/**
 * The field a Go struct tag belongs to, for a tag value that is only a default
 * (`MispKey string \`envconfig:"MISP_KEY" default:"…"\``): the field names it, not `default`.
 */
export function goTagField(text: string, at: number): string | undefined {
  const ls = lineStartAt(text, at);
  const left = text.slice(ls, at);
  const tick = left.indexOf('`');
  if (tick < 0 || left.indexOf('`', tick + 1) >= 0) return undefined;
  return /^\s*([A-Za-z_]\w*)\s+[\w.*[\]]+\s*$/.exec(left.slice(0, tick))?.[1];
}

/**
 * The function whose argument list holds an offset, looking back at most 600 characters over balanced
 * brackets and quoted strings: `PyMISP(` in `PyMISP(\n    "https://misp",\n    "KEY",`.
 */
function enclosingCallee(text: string, at: number): string | undefined {
  const open = enclosingCallOpen(text, at);
  if (open < 0) return undefined;
  return /([A-Za-z_$][\w$.]*)\s*$/.exec(text.slice(Math.max(0, open - 80), open))?.[1];
}

/** The last segment of a dotted or member name: `self.cfg.apiKey` → `apiKey`. */
export function lastSegment(name: string): string {
  const parts = name.split(/\.|->|::|\[|\]|\$/).filter(Boolean);
  return (parts[parts.length - 1] ?? name).replace(/^["']|["']$/g, '');
}

const USES: RegExp[] = [
  /(?:Expanded)?PyMISP\s*\(\s*(?:url\s*=\s*)?[^,()]{1,200}(?:\([^()]{0,200}\))?\s*,\s*(?:key\s*=\s*)?([A-Za-z_][\w.]*)/g,
  /PyMISP\s*\([^)]{0,400}?\bkey\s*=\s*([A-Za-z_][\w.]*)/g,
  /["']?(?:Authorization|X-MISP-Auth|X-MISP-Key|authkey)["']?\s*(?::|=>|=|,)\s*(?:f?["'`]\s*)?(?:\$\{|\{|#\{)?\s*\$?([A-Za-z_][\w.]*(?:->\w+)?)/gi,
  /Authorization:\s*["']\s*(?:\.|\+)\s*\$?([A-Za-z_][\w.>-]*)/gi,
  /Authorization:\s*\$\{?([A-Za-z_]\w*)/gi,
];

const USE_ANCHOR = /PyMISP|Authorization|X-MISP-Auth|X-MISP-Key|authkey/gi;

/** Names that the document uses as a MISP key (PyMISP's key argument, Authorization headers). */
export function namesUsedAsKey(text: string): Set<string> {
  const out = new Set<string>();
  // One pass finds the few places worth a closer look; the detailed patterns run only there.
  USE_ANCHOR.lastIndex = 0;
  let windowEnd = -1;
  for (let a = USE_ANCHOR.exec(text); a; a = USE_ANCHOR.exec(text)) {
    if (a.index < windowEnd) continue;
    const from = Math.max(0, a.index - 20);
    const windowText = text.slice(from, Math.min(text.length, a.index + 600));
    windowEnd = a.index + 20;
    for (const re of USES) {
      re.lastIndex = 0;
      for (let m = re.exec(windowText); m; m = re.exec(windowText)) {
        if (from + m.index > a.index + 40) break;
        const n = lastSegment(m[1]);
        if (n && !/^(true|false|none|null|self|this|os|process|env|str|json|application)$/i.test(n)) out.add(n.toLowerCase());
      }
    }
  }
  return out;
}

/**
 * The entry name of a `Value` in a name/value record: PowerShell DSC `Environment { Name = 'MISP_KEY';
 * Value = '…' }`, `{ name: "MISP_KEY", value: "…" }` in CDK/ECS code, a Registry resource's
 * `ValueName = 'VerifyServerCertificate'` beside `ValueData = '0'`. Looks back over the record only
 * (at most 400 characters, never past the brace or parenthesis that opens it).
 */
export function recordEntryName(text: string, at: number): string | undefined {
  const from = Math.max(0, at - 400);
  const left = text.slice(from, at);
  let open = -1;
  let depth = 0;
  for (let i = left.length - 1; i >= 0; i--) {
    const c = left[i];
    if (c === '}' || c === ')') depth++;
    else if (c === '{' || c === '(') { if (depth === 0) { open = i; break; } depth--; }
  }
  if (open < 0) return undefined;
  const record = left.slice(open + 1);
  // The most specific naming field wins (ValueName over Name over Key), the nearest of a kind.
  let best: { rank: number; name: string } | undefined;
  for (const m of record.matchAll(RECORD_FIELD)) {
    const rank = RECORD_RANK.findIndex((re) => re.test(m[1]));
    if (!best || rank <= best.rank) best = { rank, name: m[3] };
  }
  return best?.name;
}

const RECORD_FIELD = /(?:^|[\s;,{(])["']?(ValueName|Name|name|Key|key|ParameterKey|OptionName|Variable|variable)["']?\s*(?:=>|=|:)\s*(["'])([A-Za-z_][\w.\-/:]{0,79})\2/g;
const RECORD_RANK = [/^ValueName$/, /^(?:ParameterKey|OptionName)$/, /^(?:Name|name|Variable|variable)$/, /^(?:Key|key)$/];

/** Wrapper calls whose argument is a setting's default or value, named elsewhere (typer, click, pydantic, attrs, Prefect). */
const WRAPPER = /^(?:Option|Argument|Field|field|option|argument|Secret|SecretStr|SecretBytes|Parameter|Param|attrib|ib|Setting|Value|Default|Env)$/;

/**
 * The name of a value passed to a wrapper call, from what the call is assigned to or told:
 * `key: str = typer.Option("…", envvar="MISP_KEY")` → MISP_KEY, `verify_ssl: bool = Field(default=False)`
 * → verify_ssl, `Secret(value="…").save("misp-api-key")` → misp-api-key. `open` is the offset of the
 * call's `(`; undefined when the call is no wrapper or nothing names it.
 */
export function wrapperName(text: string, open: number): string | undefined {
  const before = text.slice(Math.max(lineStartAt(text, open), open - 200), open);
  const callee = /([A-Za-z_][\w.]*)\s*$/.exec(before);
  if (!callee || !WRAPPER.test(lastSegment(callee[1]))) return undefined;
  const close = closingParen(text, open);
  const args = text.slice(open, close < 0 ? Math.min(text.length, open + 400) : close);
  const env = /\b(?:envvar|env|env_var|env_name|alias|validation_alias)\s*=\s*["']([A-Za-z_][\w.-]*)["']/.exec(args);
  if (env) return env[1];
  const target = /(?:^|[\s,(])([A-Za-z_][\w.]*)\s*(?::\s*[\w.[\], |]+?\s*)?=\s*$/.exec(before.slice(0, callee.index));
  if (target && !/^(default|value)$/.test(lastSegment(target[1]))) return lastSegment(target[1]);
  // A decorator's option (`@click.option("--verify/--no-verify", default=False)`): its long flag.
  const flag = /["']--([A-Za-z][\w-]*)(?:\/--[\w-]+)?["']/.exec(args);
  if (flag) return flag[1];
  if (close >= 0) {
    const saved = /^\s*\.\s*(?:save|put|set|store|create)\s*\(\s*(?:name\s*=\s*)?["']([\w.\-/:]{1,80})["']/.exec(text.slice(close, close + 200));
    if (saved) return saved[1];
  }
  return undefined;
}

/** {@link wrapperName} of the call whose arguments hold `at`, with the offset of its `(`. */
export function wrapperNameAt(text: string, at: number): { name: string; open: number } | undefined {
  const open = enclosingCallOpen(text, at);
  const name = open >= 0 ? wrapperName(text, open) : undefined;
  return name ? { name, open } : undefined;
}

/** The offset just past the `)` matching the `(` at `open`, skipping quoted strings; -1 within 2,000 characters. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  const stop = Math.min(text.length, open + 2000);
  for (let i = open; i < stop; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const e = text.indexOf(c, i + 1);
      if (e < 0) return -1;
      i = e;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') { depth--; if (depth === 0) return i + 1; }
  }
  return -1;
}

/** The offset of the `(` of the call whose arguments hold `at` (same rules as enclosingCallee), or -1. */
function enclosingCallOpen(text: string, at: number): number {
  let depth = 0;
  const stop = Math.max(0, at - 600);
  for (let i = at - 1; i >= stop; i--) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const open = text.lastIndexOf(c, i - 1);
      if (open < stop) return -1;
      i = open;
      continue;
    }
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '[' || c === '{') { if (depth === 0) return -1; depth--; }
    else if (c === '(') { if (depth > 0) { depth--; continue; } return i; }
  }
  return -1;
}
