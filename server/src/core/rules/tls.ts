/**
 * The tls-verify-disabled rule: certificate verification switched off for a MISP connection,
 * as a setting (`verify=False`, `insecure = true`, `verification_mode: none`), a client-library
 * idiom (InsecureSkipVerify, DangerousAcceptAnyServerCertificateValidator, CURLOPT_SSL_VERIFYPEER)
 * or a command-line flag (curl -k, --insecure).
 */
import { classifyName, mentionsMisp, pathMentionsMisp, pathOtherService, words } from '../context';
import type { Doc } from '../doc';
import { findCovering, lineAt, lineEndAt, lineStartAt } from '../text';
import type { TlsFixData } from '../types';
import type { Scalar } from '../formats/scalars';

/** A place where TLS verification is switched off. */
export interface TlsHit {
  start: number;
  end: number;
  name?: string;
  /** Short description of what disables verification. */
  what: string;
  fix: TlsFixData;
}

const SETTING_VALUE = /(=>|:=|=|:|,)[ \t]*(["']?)(false|False|FALSE|true|True|TRUE|0|1|no|No|NO|yes|Yes|YES|off|Off|OFF|on|On|ON|none|None|NONE|\$false|\$true|nil|null|(?:OpenSSL::SSL::|ssl\.|SSL\.)?(?:VERIFY_NONE|CERT_NONE))\2(?![\w.$-])/g;
const NAME_CHAR = /[\w$@.\-]/;

/** The setting name that ends right before `end` (skipping spaces, `]` and a closing quote), scanning backwards. */
function nameEndingAt(text: string, end: number): { name: string; start: number } | undefined {
  let i = end;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  if (text[i - 1] === ']') i--;
  const q = text[i - 1];
  const quoted = q === '"' || q === "'" || q === '`';
  if (quoted) i--;
  const stop = Math.max(0, i - 160);
  let j = i;
  while (j > stop && NAME_CHAR.test(text[j - 1])) j--;
  // A bracketed key: headers['verify'] → take the whole member expression.
  if (quoted && text[j - 1] === q && text[j - 2] === '[') {
    let k = j - 2;
    while (k > stop && NAME_CHAR.test(text[k - 1])) k--;
    if (k < j - 2) return { name: text.slice(k, i + 1).replace(/\]$/, ''), start: k };
  }
  if (j === i || !/[A-Za-z_$@]/.test(text[j])) return undefined;
  if (quoted && text[j - 1] !== q) return undefined;
  return { name: text.slice(j, i), start: quoted ? j - 1 : j };
}

/** A `name op value` setting whose value is a boolean-like literal. Found value-first, so linear in the text. */
interface Setting { index: number; name: string; op: string; quote: string; value: string; valueStart: number }

function* settingMatches(text: string): Generator<Setting> {
  SETTING_VALUE.lastIndex = 0;
  for (let m = SETTING_VALUE.exec(text); m; m = SETTING_VALUE.exec(text)) {
    const [, op, quote, value] = m;
    const opAt = m.index;
    if (op === '=' && (text[opAt - 1] === '!' || text[opAt - 1] === '=' || text[opAt - 1] === '<' || text[opAt - 1] === '>' || text[opAt + 1] === '=')) continue;
    if (op === ':' && (text[opAt + 1] === ':' || text[opAt - 1] === ':')) continue;
    const n = nameEndingAt(text, opAt);
    if (!n) continue;
    yield { index: n.start, name: n.name, op, quote, value, valueStart: opAt + m[0].length - value.length - quote.length };
  }
}

const NEGATIVE = /insecure|skipverif|skiptlsverif|skipsslverif|skipcertverif|noverif|nosslverif|noverifyssl|disable(?:ssl|tls|cert)(?:verif|check|valid)|ignore(?:ssl|tls|cert)|acceptany(?:server)?cert|acceptallcert|acceptinvalid|trustall|allowselfsigned|selfsigned|allowinsecure|loose|sslnoverify|allowinvalidcert|allowunverified|dangerous/;
/** A negation before the checked thing: disableHostnameVerification, skipCertificateCheck, ignoreSslErrors. */
const NEGATED = /(disable|skip|ignore|bypass|no|without|dont|donot)\w*?(verif|check|valid|cert|sslerror|tlserror)/;
const MODE = /verificationmode|verifymode|sslverifymode|certreqs|sslcertreqs/;
const POSITIVE = /verify|verif|validatecert|validatessl|validatetls|sslvalidat|certvalidat|validatecerts|sslcheck|checkcert|certcheck|checkssl|checktls|checkhostname|rejectunauthorized|strictssl|stricttls|peerverif/;
const FALSY = /^(false|0|no|off|none|\$false|nil|null)$/i;
const TRUTHY = /^(true|1|yes|on|\$true)$/i;
const NONE = /^(none|0|(openssl::ssl::|ssl\.)?(verify_none|cert_none))$/i;

/** Whether `name op value` switches verification off. */
export function disablesVerification(name: string, value: string): boolean {
  const joined = words(name).join('');
  if (/redirect|hsts|warning|warn|log/.test(joined)) return false;
  if (MODE.test(joined)) return NONE.test(value);
  if (NEGATIVE.test(joined) || NEGATED.test(joined)) return TRUTHY.test(value);
  if (POSITIVE.test(joined)) return FALSY.test(value) || /^(verify_none|cert_none)$/i.test(value.replace(/^.*[.:]/, ''));
  return false;
}

const BARE_SSL = /^(ssl|tls|verifycert|sslverify)$/i;
const OTHER_HOST = /https?:\/\/([\w.-]+)/g;

/** The finder results for one document. */
export function findTls(doc: Doc): TlsHit[] {
  const hits = new Map<number, TlsHit>();
  const add = (h: TlsHit) => { if (!hits.has(h.start) && !inComment(doc, h.start)) hits.set(h.start, h); };
  settings(doc, add);
  idioms(doc, add);
  commandFlags(doc, add);
  pymispCalls(doc, add);
  return [...hits.values()].sort((a, b) => a.start - b.start);
}

function inComment(doc: Doc, at: number): boolean {
  if (doc.tokens) {
    const t = findCovering(doc.tokens, at);
    return t?.kind === 'comment';
  }
  if (doc.scalars && findCovering(doc.scalars, at)) return false;
  const line = lineAt(doc.text, at);
  const col = at - lineStartAt(doc.text, at);
  const before = line.slice(0, col);
  return /^\s*(#|;|\/\/|!|<!--)/.test(before) || /\s#/.test(before) && doc.format !== 'ipynb';
}

/** Is this place about MISP (and not about another service)? Judged by the name, the config path, then the nearest scope. */
function mispContext(doc: Doc, at: number, name: string, path: readonly string[] = [], sc?: Scalar): boolean {
  const info = classifyName(name);
  if (info.misp || pathMentionsMisp(path)) return true;
  if (info.otherService || pathOtherService(path) || /^(git|npm|pip|yarn|docker|helm|kube|elastic|es_|opencti|thehive|cortex|splunk)/i.test(name)) return false;
  const scope = sc && sc.group !== undefined ? siblingsText(doc, sc) : callScope(doc.text, at);
  if (mentionsMisp(scope)) return true;
  if (aboutOtherService(scope)) return false;
  return doc.fileMisp;
}

/** True when a scope names another host or service (a URL to a non-MISP host, VT_KEY, virustotal ...). */
function aboutOtherService(scope: string): boolean {
  OTHER_HOST.lastIndex = 0;
  for (let m = OTHER_HOST.exec(scope); m; m = OTHER_HOST.exec(scope)) if (!/misp/i.test(m[1]) && !/^\$|\{|localhost|127\.0\.0\.1/.test(m[1])) return true;
  const idents = scope.match(/[A-Za-z_][\w]*/g) ?? [];
  return idents.some((id) => classifyName(id).otherService);
}

const SIBLINGS = new WeakMap<Doc, Map<number, string>>();

/** Keys and values of the mapping, object, block or section that holds a value. */
function siblingsText(doc: Doc, sc: Scalar): string {
  let byGroup = SIBLINGS.get(doc);
  if (!byGroup) {
    byGroup = new Map();
    for (const s of doc.scalars ?? []) {
      if (s.group === undefined) continue;
      byGroup.set(s.group, `${byGroup.get(s.group) ?? ''} ${s.key ?? ''}=${s.value.slice(0, 300)}`);
    }
    SIBLINGS.set(doc, byGroup);
  }
  return byGroup.get(sc.group as number) ?? lineAt(doc.text, sc.start);
}

/** The call expression around an offset (`requests.get(..., verify=False)` over several lines), else its line. */
function callScope(text: string, at: number): string {
  let depth = 0;
  let open = -1;
  const stop = Math.max(0, at - 1500);
  for (let i = at - 1; i >= stop; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') { if (depth === 0) { open = i; break; } depth--; }
  }
  if (open < 0 || text[open] !== '(') return lineAt(text, at);
  depth = 0;
  let close = Math.min(text.length, at + 1500);
  for (let i = at; i < close; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') { if (depth === 0) { close = i + 1; break; } depth--; }
  }
  return text.slice(lineStartAt(text, open), close);
}

function fixFor(doc: Doc, start: number, end: number, replacement: string, name?: string): TlsFixData {
  return { type: 'tls', format: doc.format, flavor: doc.flavor, start, end, replacement, name };
}

/** The opposite literal in the same spelling: False → True, "false" → "true", 0 → 1, none → full. */
function enabling(value: string, negative: boolean, mode: boolean): string {
  if (mode) return /^(none)$/i.test(value) ? (value === 'NONE' ? 'FULL' : 'full') : value.replace(/VERIFY_NONE/, 'VERIFY_PEER').replace(/CERT_NONE/, 'CERT_REQUIRED');
  const want = !negative;
  const map: Record<string, [string, string]> = {
    false: ['false', 'true'], False: ['False', 'True'], FALSE: ['FALSE', 'TRUE'], true: ['false', 'true'], True: ['False', 'True'], TRUE: ['FALSE', 'TRUE'],
    '0': ['0', '1'], '1': ['0', '1'], no: ['no', 'yes'], yes: ['no', 'yes'], No: ['No', 'Yes'], Yes: ['No', 'Yes'], NO: ['NO', 'YES'], YES: ['NO', 'YES'],
    off: ['off', 'on'], on: ['off', 'on'], Off: ['Off', 'On'], On: ['Off', 'On'], OFF: ['OFF', 'ON'], ON: ['OFF', 'ON'], $false: ['$false', '$true'], $true: ['$false', '$true'],
    nil: ['false', 'true'], null: ['false', 'true'],
  };
  const pair = map[value] ?? ['false', 'true'];
  return want ? pair[1] : pair[0];
}

function settings(doc: Doc, add: (h: TlsHit) => void): void {
  const { text } = doc;
  for (const st of settingMatches(text)) {
    const { name, op, value } = st;
    const last = name.split(/[.[\]'"]/).filter(Boolean).pop() ?? name;
    const full = name;
    // A bare `ssl=False` (PyMISP, aiohttp) disables verification only where the call is about MISP.
    const bare = /^(ssl|tls)$/i.test(last);
    if (bare ? !FALSY.test(value) : !disablesVerification(full, value) && !disablesVerification(last, value)) continue;
    if (BARE_SSL.test(last) && !/verify|cert/i.test(last) && !pymispNear(text, st.index) && !mentionsMisp(callScope(text, st.index))) continue;
    const vStart = st.valueStart;
    const sc = doc.scalars ? findCovering(doc.scalars, vStart) : undefined;
    if (!mispContext(doc, st.index, full, sc?.path ?? [], sc)) continue;
    const joined = words(full).join('');
    const negative = (NEGATIVE.test(joined) || NEGATED.test(joined)) && !MODE.test(joined);
    add({ start: vStart, end: vStart + value.length, name: full, what: `${full}${op === ':' || op === ',' ? op : ` ${op}`} ${st.quote}${value}${st.quote}`, fix: fixFor(doc, vStart, vStart + value.length, enabling(value, negative, MODE.test(joined)), full) });
  }
  // YAML/JSON entries whose name sits in a sibling `name:` field (Kubernetes env lists).
  for (const sc of doc.scalars ?? []) {
    if (!sc.key || sc.path[sc.path.length - 1] !== sc.key || sc.key === 'value') continue;
    const v = sc.value.trim();
    if (!/^\w+$/.test(v) || !disablesVerification(sc.key, v)) continue;
    if (!mispContext(doc, sc.start, sc.key, sc.path, sc)) continue;
    const joined = words(sc.key).join('');
    add({ start: sc.start, end: sc.end, name: sc.key, what: `${sc.key} = ${v}`, fix: fixFor(doc, sc.start, sc.end, enabling(v, (NEGATIVE.test(joined) || NEGATED.test(joined)) && !MODE.test(joined), MODE.test(joined)), sc.key) });
  }
}

function pymispNear(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 300), at);
  const open = before.lastIndexOf('PyMISP(');
  return open >= 0 && !before.slice(open).includes(')');
}

const IDIOMS: Array<{ re: RegExp; what: string; replacement?: string }> = [
  { re: /\bDangerousAcceptAnyServerCertificateValidator\b/g, what: 'DangerousAcceptAnyServerCertificateValidator' },
  { re: /ServerCertificate(?:Custom)?ValidationCallback\s*\+?=\s*(?:\([^)]*\)|\w+|delegate\s*\([^)]*\))\s*(?:=>\s*(?:\{\s*return\s+)?true|\{\s*return\s+true)/g, what: 'a certificate validation callback that accepts everything' },
  { re: /\bssl\._create_unverified_context\b|\b_create_unverified_context\s*\(/g, what: 'ssl._create_unverified_context' },
  { re: /\b(?:NoopHostnameVerifier|TrustAllStrategy|TrustSelfSignedStrategy|ALLOW_ALL_HOSTNAME_VERIFIER|InsecureTrustManagerFactory|trustAllCerts|TrustAllCertificates)\b/g, what: 'a trust-all certificate strategy' },
  { re: /setHostnameVerifier\s*\(\s*\(?\s*\w*\s*,?\s*\w*\s*\)?\s*->\s*true/g, what: 'a host-name verifier that accepts everything' },
  { re: /ServerCertificateValidationCallback\s*=\s*\{\s*\$true\s*\}/g, what: 'a certificate validation callback that accepts everything' },
  { re: /\bdanger_accept_invalid_(?:certs|hostnames)\s*\(\s*true\s*\)/g, what: 'danger_accept_invalid_certs(true)' },
];

const IDIOM_ANCHOR = /danger_accept_invalid|Dangerous|ServerCertificate|_create_unverified_context|NoopHostnameVerifier|TrustAll|TrustSelfSigned|ALLOW_ALL_HOSTNAME|InsecureTrustManager|trustAllCerts|setHostnameVerifier/;

function idioms(doc: Doc, add: (h: TlsHit) => void): void {
  if (!doc.fileMisp || !IDIOM_ANCHOR.test(doc.text)) return;
  for (const { re, what } of IDIOMS) {
    re.lastIndex = 0;
    for (let m = re.exec(doc.text); m; m = re.exec(doc.text)) {
      if (/^\s*(import|using|from\s+\S+\s+import|require|use)\b/.test(lineAt(doc.text, m.index))) continue;
      add({ start: m.index, end: m.index + m[0].length, what, fix: fixFor(doc, m.index, m.index + m[0].length, '') });
    }
  }
}

const FLAG_CANDIDATE = /-{1,2}[A-Za-z][\w-]*(?:=false)?/g;
const FLAG = /^(--insecure|--no-check-certificate|--no-verify(?:-ssl)?|--no-ssl-verify|--ssl-no-verify|--skip-tls-verify|--insecure-skip-tls-verify|--tls-verify=false|--[\w-]*-insecure|-SkipCertificateCheck|-[A-Za-z]*k[A-Za-z]*)$/;
const FLAG_BEFORE = /[\s"'[,]/;
const FLAG_AFTER = /[\s"',\]\\]/;

/** curl -k / --insecure and other command-line switches, in commands that talk to MISP. */
function commandFlags(doc: Doc, add: (h: TlsHit) => void): void {
  const { text } = doc;
  FLAG_CANDIDATE.lastIndex = 0;
  for (let m = FLAG_CANDIDATE.exec(text); m; m = FLAG_CANDIDATE.exec(text)) {
    const flag = m[0];
    if (!FLAG.test(flag)) continue;
    if (m.index > 0 && !FLAG_BEFORE.test(text[m.index - 1])) continue;
    const after = text[m.index + flag.length];
    if (after !== undefined && !FLAG_AFTER.test(after)) continue;
    const stmt = statementAround(text, m.index);
    if (flag.startsWith('-') && !flag.startsWith('--') && flag !== '-SkipCertificateCheck') {
      // Short -k only means "insecure" to curl; look for curl earlier in the same command.
      if (!/\bcurl\b/.test(stmt.slice(0, m.index - stmtStart(text, m.index)))) continue;
      if (flag.length > 6) continue;
    }
    if (!mentionsMisp(stmt) && !(doc.fileMisp && /authorization|misp/i.test(stmt))) continue;
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

function stmtStart(text: string, at: number): number {
  let s = lineStartAt(text, at);
  while (s > 1 && text[s - 2] === '\\') s = lineStartAt(text, s - 2);
  return s;
}

function statementAround(text: string, at: number): string {
  const s = stmtStart(text, at);
  let e = lineEndAt(text, at);
  while (text[e - 1] === '\\' && e < text.length) e = lineEndAt(text, e + 1 + (text[e] === '\r' && text[e + 1] === '\n' ? 1 : 0));
  return text.slice(s, e);
}

/** PyMISP(url, key, False) / PyMISP(url, key, ssl=False) / PyMISP(url, key, verify_var) with verify_var = False. */
function pymispCalls(doc: Doc, add: (h: TlsHit) => void): void {
  const { text } = doc;
  const re = /\b(?:Expanded)?PyMISP\s*\(/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const args = splitArgs(text, m.index + m[0].length);
    const third = args.find((a) => a.index === 2 && !a.kw);
    const ssl = args.find((a) => a.kw === 'ssl');
    const arg = ssl ?? third;
    if (!arg) continue;
    const v = arg.value;
    if (/^(False|0)$/.test(v)) {
      add({ start: arg.start, end: arg.end, name: 'ssl', what: `PyMISP(..., ssl=${v})`, fix: fixFor(doc, arg.start, arg.end, 'True', 'ssl') });
    } else if (/^[A-Za-z_]\w*$/.test(v) && v !== 'True') {
      const def = new RegExp(`^[ \\t]*${v}[ \\t]*=[ \\t]*(False|0)\\b`, 'm').exec(text);
      if (def) {
        const s = def.index + def[0].length - def[1].length;
        add({ start: s, end: s + def[1].length, name: v, what: `${v} = ${def[1]}`, fix: fixFor(doc, s, s + def[1].length, 'True', v) });
      }
    }
  }
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
    const raw = text.slice(argStart, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*/.exec(trimmed);
    const valueText = kw ? trimmed.slice(kw[0].length) : trimmed;
    const vs = argStart + lead + (kw ? kw[0].length : 0);
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
