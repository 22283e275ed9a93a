/** TLS switched off on command lines (curl -k, --insecure) and in PyMISP calls (ssl=False, a False variable). */
import { hasMispEndpoint, mentionsMisp } from '../context';
import type { Doc } from '../doc';
import { findCovering, lineEndAt, lineStartAt } from '../text';
import { fixFor, siblingsText, urlHosts, type TlsHit } from './tlsScope';

const FLAG_CANDIDATE = /-{1,2}[A-Za-z][\w-]*(?:=[^\s"',\]<>;]*)?/g;
/** Long and PowerShell switches that switch verification off whatever their value. */
const OFF_SWITCH = /^(--insecure|--no-check-certificate|--[\w-]*-insecure|--insecure-[\w-]+|--(?:[\w-]*-)?(?:no|disable|skip|ignore|unsafely-ignore|trust-all|accept-any|allow-insecure)-[\w-]*(?:verif|check|cert|ssl-errors|tls-errors)[\w-]*|-SkipCertificateCheck)$/;
/** `--verify=false`, `--ssl-verify=no`: off by their value. */
const VERIFY_SWITCH = /^--(?:ssl-|tls-)?verify(?:-ssl|-tls|-certs?)?$/;
const CURL_SHORT = /^-[A-Za-z]*k[A-Za-z]*$/;
const FLAG_BEFORE = /[\s"'[,>]/;
const FLAG_AFTER = /[\s"',\]\\<;]/;

/** Whether a command-line switch turns verification off (short `-k` counts only after curl; the caller checks). */
export function isOffFlag(flag: string): boolean {
  const eq = flag.indexOf('=');
  const name = eq < 0 ? flag : flag.slice(0, eq);
  const value = eq < 0 ? '' : flag.slice(eq + 1);
  if (OFF_SWITCH.test(name)) return !/^(false|no|0|off)$/i.test(value);
  if (VERIFY_SWITCH.test(name)) return /^(false|no|0|off)$/i.test(value);
  return eq < 0 && CURL_SHORT.test(flag);
}

/** curl -k / --insecure and other command-line switches, in commands that talk to MISP. */
export function commandFlags(doc: Doc, add: (h: TlsHit) => void): void {
  const { text } = doc;
  FLAG_CANDIDATE.lastIndex = 0;
  for (let m = FLAG_CANDIDATE.exec(text); m; m = FLAG_CANDIDATE.exec(text)) {
    const flag = m[0];
    if (!isOffFlag(flag)) continue;
    if (m.index > 0 && !FLAG_BEFORE.test(text[m.index - 1])) continue;
    const after = text[m.index + flag.length];
    if (after !== undefined && !FLAG_AFTER.test(after)) continue;
    const stmt = statementAround(doc, m.index);
    if (flag.startsWith('-') && !flag.startsWith('--') && flag !== '-SkipCertificateCheck') {
      // Short -k only means "insecure" to curl; look for curl earlier in the same command.
      if (!/curl/i.test(stmt.slice(0, Math.max(0, m.index - stmtStart(doc, m.index))))) continue;
      if (flag.length > 6) continue;
    }
    const target = commandTarget(doc, stmt);
    if (target === false) continue;
    if (target === undefined && !mentionsMisp(stmt) && !(doc.fileMisp && /authorization|misp/i.test(stmt)) && !siblingsAboutMisp(doc, m.index)) continue;
    let start = m.index;
    let end = m.index + flag.length;
    let replacement = '';
    if (/^-[A-Za-z]*k[A-Za-z]*$/.test(flag) && flag !== '-k') {
      replacement = flag.replace('k', '');
    } else {
      // Remove the flag with one neighbouring space so the command stays well formed.
      if (text[end] === ' ') end++;
      else if (text[start - 1] === ' ') start--;
    }
    add({ start: m.index, end: m.index + flag.length, what: flag, fix: fixFor(doc, start, end, replacement, flag) });
  }
}

/** curl's request-body and form arguments, with their values. */
const DATA_ARG = /(?<=^|\s)(?:-d|--data(?:-raw|-binary|-urlencode|-ascii)?|--json|-F|--form(?:-string)?)(?:\s+|=)(?:'[^']*'|"(?:[^"\\]|\\.)*"|\S+)/g;

/**
 * Whether a command talks to MISP, judged by where it sends its request: literal URLs, and `$VAR` /
 * `${VAR}` resolved from assignments in the file (`ES=https://es.internal:9200`). True: a MISP host or
 * REST endpoint, or a variable named like a MISP URL; false: only other hosts; undefined: no target seen.
 */
function commandTarget(doc: Doc, command: string): boolean | undefined {
  const isMisp = (h: { host: string; url: string }) => /misp/i.test(h.host) || hasMispEndpoint(h.url);
  // A request body is data, not where the request goes (a Cortex analyzer configured with a MISP URL).
  const stmt = command.replace(DATA_ARG, ' ');
  const hosts = urlHosts(stmt);
  if (hosts.some(isMisp)) return true;
  let seen = hosts.length > 0;
  for (const m of stmt.matchAll(/\$\{?([A-Za-z_]\w*)\}?([^\s"']*)/g)) {
    const [, name, rest] = m;
    if (/misp/i.test(name) && /url|host|server|base|endpoint|api|addr/i.test(name)) return true;
    const def = new RegExp(`^[ \\t]*(?:export\\s+|ENV\\s+|ARG\\s+|set\\s+|local\\s+|readonly\\s+)?${name}\\s*[=:]\\s*["']?([^\\s"']+)`, 'm').exec(doc.text);
    const resolved = def ? urlHosts(def[1] + rest) : [];
    if (!resolved.length) continue;
    seen = true;
    if (resolved.some(isMisp)) return true;
  }
  return seen ? false : undefined;
}

/** A flag inside a config list (a plist ProgramArguments array, a compose `command:` list): judged with its siblings. */
function siblingsAboutMisp(doc: Doc, at: number): boolean {
  const sc = doc.scalars ? findCovering(doc.scalars, at) : undefined;
  return sc !== undefined && sc.group !== undefined && mentionsMisp(siblingsText(doc, sc));
}

/** A curl config file (.curlrc): `insecure` or `-k` on its own line, in a file that talks to MISP. */
export function curlrc(doc: Doc, add: (h: TlsHit) => void): void {
  if (/(^|[\/])[._]?curlrc$/.test(doc.path)) {
    if (doc.fileMisp) curlConfigOff(doc, 0, doc.text.length, add);
    return;
  }
  // `curl --config - <<EOF` … `EOF`: a curl config fed on stdin (keeps the key out of `ps`).
  if (!doc.text.includes('<<')) return;
  const heredoc = /\bcurl\b[^\n]*?(?:--config|-K)[ \t]*-(?=\s)[^\n]*?<<(-?)[ \t]*(['"]?)([A-Za-z_]\w*)\2[^\n]*\n/g;
  for (let m = heredoc.exec(doc.text); m; m = heredoc.exec(doc.text)) {
    const start = m.index + m[0].length;
    const close = new RegExp(`^${m[1] ? '\\t*' : ''}${m[3]}[ \\t]*\\r?$`, 'm');
    const rest = doc.text.slice(start);
    const c = close.exec(rest);
    const end = c ? start + c.index : doc.text.length;
    const body = doc.text.slice(start, end);
    // Judged by the request it configures; a body with no URL at all by the file.
    const aboutMisp = mentionsMisp(body) || hasMispEndpoint(body) || (!/\burl\b/i.test(body) && doc.fileMisp);
    if (aboutMisp) curlConfigOff(doc, start, end, add);
    heredoc.lastIndex = end;
  }
}

/** `insecure` or `-k` on its own line of a curl config in text[from, to). */
function curlConfigOff(doc: Doc, from: number, to: number, add: (h: TlsHit) => void): void {
  const re = /^[ \t]*(--insecure|insecure|-k|k)[ \t]*\r?$/gm;
  re.lastIndex = from;
  for (let m = re.exec(doc.text); m && m.index < to; m = re.exec(doc.text)) {
    const s = m.index + m[0].indexOf(m[1]);
    add({ start: s, end: s + m[1].length, what: m[1], fix: fixFor(doc, lineStartAt(doc.text, s), Math.min(doc.text.length, lineEndAt(doc.text, s) + 1), '', m[1]) });
  }
}

/** Line continuations: `\` (shell, Dockerfile), `^` (cmd.exe), a backtick (PowerShell). */
function continues(text: string, lineEnd: number): boolean {
  let e = lineEnd;
  while (e > 0 && (text[e - 1] === ' ' || text[e - 1] === '\t')) e--;
  const c = text[e - 1];
  return c === '\\' || c === '^' || c === '`';
}

/** Start of the command holding an offset: the whole config value when it is one (YAML block scalars), else the logical line. */
function stmtStart(doc: Doc, at: number): number {
  const sc = doc.scalars ? findCovering(doc.scalars, at) : undefined;
  if (sc) return Math.max(sc.start, lineStartAt(doc.text, at) - 4000);
  const { text } = doc;
  let s = lineStartAt(text, at);
  for (let n = 0; n < 50 && s > 1; n++) {
    const prevEnd = s - 1 - (text[s - 2] === '\r' && text[s - 1] === '\n' ? 1 : 0);
    if (!continues(text, prevEnd)) break;
    s = lineStartAt(text, prevEnd);
  }
  return s;
}

function statementAround(doc: Doc, at: number): string {
  const { text } = doc;
  const sc = doc.scalars ? findCovering(doc.scalars, at) : undefined;
  if (sc) return text.slice(stmtStart(doc, at), Math.min(sc.end, at + 4000));
  const s = stmtStart(doc, at);
  let e = lineEndAt(text, at);
  for (let n = 0; n < 50 && continues(text, e) && e < text.length; n++) e = lineEndAt(text, e + 1 + (text[e] === '\r' && text[e + 1] === '\n' ? 1 : 0));
  return text.slice(s, e);
}

/** An argument or definition that switches PyMISP's ssl off. */
interface PymispOff { start: number; end: number; name: string; what: string }

/** PyMISP(url, key, False) / PyMISP(url, key, ssl=False) / PyMISP(url, key, verify_var) with verify_var = False. */
export function* pymispSslOff(text: string): Generator<PymispOff> {
  const re = /\b(?:Expanded)?PyMISP\s*\(/g;
  // A variable passed as ssl is looked up once, however many calls pass it.
  const defs = new Map<string, RegExpExecArray | null>();
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const args = splitArgs(text, m.index + m[0].length);
    const third = args.find((a) => a.index === 2 && !a.kw);
    const ssl = args.find((a) => a.kw === 'ssl');
    const arg = ssl ?? third;
    if (!arg) continue;
    const v = arg.value;
    if (/^(False|0)$/.test(v)) {
      yield { start: arg.start, end: arg.end, name: 'ssl', what: `PyMISP(..., ssl=${v})` };
    } else if (/^[A-Za-z_]\w*$/.test(v) && v !== 'True') {
      if (!defs.has(v)) defs.set(v, new RegExp(`^[ \\t]*${v}[ \\t]*=[ \\t]*(False|0)\\b`, 'm').exec(text));
      const def = defs.get(v);
      if (def) {
        const s = def.index + def[0].length - def[1].length;
        yield { start: s, end: s + def[1].length, name: v, what: `${v} = ${def[1]}` };
      }
    }
  }
}

/** The PyMISP calls of a document that switch ssl off, as findings. */
export function pymispCalls(doc: Doc, add: (h: TlsHit) => void): void {
  for (const h of pymispSslOff(doc.text)) add({ ...h, fix: fixFor(doc, h.start, h.end, 'True', h.name) });
}

interface Arg { index: number; kw?: string; value: string; start: number; end: number }

/** Splits call arguments at top-level commas, from just after `(` to the matching `)`. */
function splitArgs(text: string, from: number): Arg[] {
  const out: Arg[] = [];
  let depth = 0;
  let i = from;
  let argStart = from;
  let quote = '';
  const limit = Math.min(text.length, from + 2000);
  const push = (end: number) => {
    // Comment lines before the argument (`"KEY",  # note` puts the note ahead of the next one) are not part of it.
    let s = argStart;
    for (;;) {
      while (s < end && /\s/.test(text[s])) s++;
      if (text[s] !== '#') break;
      while (s < end && text[s] !== '\n') s++;
    }
    // …and a comment after it (`False  # self-signed` before the closing parenthesis).
    const trimmed = text.slice(s, end).replace(/[ \t]+#[^\n]*$/gm, '').trim();
    const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*/.exec(trimmed);
    const valueText = kw ? trimmed.slice(kw[0].length) : trimmed;
    const vs = s + (kw ? kw[0].length : 0);
    out.push({ index: out.length, kw: kw?.[1], value: valueText, start: vs, end: vs + valueText.length });
  };
  for (; i < limit; i++) {
    const c = text[i];
    if (quote) { if (c === '\\') i++; else if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") { quote = c; continue; }
    if (c === '#') { while (i < limit && text[i] !== '\n') i++; continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) { if (text.slice(argStart, i).trim()) push(i); return out; }
      depth--;
    } else if (c === ',' && depth === 0) { push(i); argStart = i + 1; }
  }
  return out;
}

