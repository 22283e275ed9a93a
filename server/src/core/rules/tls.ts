/**
 * The tls-verify-disabled rule: certificate verification switched off for a MISP connection,
 * as a setting (`verify=False`, `insecure = true`, `verification_mode: none`), a client-library
 * idiom (InsecureSkipVerify, DangerousAcceptAnyServerCertificateValidator, CURLOPT_SSL_VERIFYPEER)
 * or a command-line flag (curl -k, --insecure).
 */
import { mentionsMisp, words } from '../context';
import type { Doc } from '../doc';
import type { FormatId } from '../types';
import { goTagField, recordEntryName, wrapperName, wrapperNameAt } from '../names';
import { findCovering, lineAt, lineEndAt, lineStartAt } from '../text';
import { commandFlags, curlrc, pymispCalls } from './tlsCommands';
import { aboutOtherService, callScope, fixFor, mispContext, type TlsHit } from './tlsScope';

export type { TlsHit } from './tlsScope';

const SETTING_VALUE = /(=>|:=|=|:|,|\()[ \t]*(?:\[[ \t]*)?(["']?)(false|False|FALSE|true|True|TRUE|[01][uUlL]{0,3}|no|No|NO|yes|Yes|YES|off|Off|OFF|on|On|ON|none|None|NONE|\$false|\$true|nil|null|dword:0*[01]|:?verify_none|CVerifyNone|(?:OpenSSL::SSL::|ssl\.|SSL\.)?(?:SSL_VERIFY_NONE|VERIFY_NONE|CERT_NONE))\2(?![\w.$-])/g;
const NAME_CHAR = /[\w$@.\-]/;

/** The setting name that ends right before `end` (skipping spaces, `]` and a closing quote), scanning backwards. */
function nameEndingAt(text: string, end: number): { name: string; start: number } | undefined {
  let i = end;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  const brace = text[i - 1] === '}';
  if (text[i - 1] === ']' || brace) i--;
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
  // Perl's $ENV{PERL_LWP_SSL_VERIFY_HOSTNAME}: the hash and its bare key.
  if (brace && !quoted && text[j - 1] === '{' && j < i) {
    let k = j - 1;
    while (k > stop && NAME_CHAR.test(text[k - 1])) k--;
    if (k < j - 1) return { name: `${text.slice(k, i)}}`, start: k };
  }
  // "…\nmisp_verifycert = False" in a string: the escape letter is not part of the name.
  if (text[j - 1] === '\\' && 'nrtfbv'.includes(text[j]) && j + 1 < i) j++;
  if (j === i || !/[A-Za-z_$@]/.test(text[j])) return undefined;
  if (quoted && text[j - 1] !== q) return undefined;
  if (!quoted) {
    // `verifySsl: Boolean = false`, `verify: bool = False`: the word before `=` is a type; the name precedes the colon.
    let k = j;
    while (k > stop && (text[k - 1] === ' ' || text[k - 1] === '\t')) k--;
    if (text[k - 1] === ':' && text[k - 2] !== ':') {
      k--;
      while (k > stop && (text[k - 1] === ' ' || text[k - 1] === '\t')) k--;
      let b = k;
      while (b > stop && NAME_CHAR.test(text[b - 1])) b--;
      if (b < k && /[A-Za-z_$@]/.test(text[b])) return { name: text.slice(b, k), start: b };
    }
  }
  return { name: text.slice(j, i), start: quoted ? j - 1 : j };
}

/** A `name op value` setting whose value is a boolean-like literal. Found value-first, so linear in the text. */
interface Setting { index: number; name: string; op: string; quote: string; value: string; valueStart: number }

function* settingMatches(text: string, format?: FormatId): Generator<Setting> {
  if (format === 'clojure') yield* keywordSettings(text);
  SETTING_VALUE.lastIndex = 0;
  for (let m = SETTING_VALUE.exec(text); m; m = SETTING_VALUE.exec(text)) {
    const [, op, quote, value] = m;
    const opAt = m.index;
    if (op === '(') {
      // A wrapper's positional default: `verify: bool = typer.Option(False, "--verify/--no-verify")`.
      const w = quote ? undefined : wrappedDefault(text, opAt, value, m.index + m[0].length);
      if (w) yield w;
      continue;
    }
    if (op === '=' && (text[opAt - 1] === '!' || text[opAt - 1] === '=' || text[opAt - 1] === '<' || text[opAt - 1] === '>' || text[opAt + 1] === '=')) continue;
    if (op === ':' && (text[opAt + 1] === ':' || text[opAt - 1] === ':')) continue;
    const n = nameEndingAt(text, opAt);
    if (!n) continue;
    const e = entryName(text, n);
    yield { index: e.start, name: e.name, op, quote, value, valueStart: opAt + m[0].length - value.length - quote.length };
  }
}

/** `Option(False, …)` / `Field(True)` as a setting named by the wrapper's target, env var or flag (names.ts wrapperName). */
function wrappedDefault(text: string, open: number, value: string, end: number): Setting | undefined {
  if (!/^(?:False|True|false|true)$/.test(value)) return undefined;
  let a = end;
  while (text[a] === ' ' || text[a] === '\t' || text[a] === '\r' || text[a] === '\n') a++;
  if (text[a] !== ',' && text[a] !== ')') return undefined;
  if (!WRAPPER_CALL.test(text.slice(Math.max(0, open - 24), open))) return undefined;
  const name = wrapperName(text, open);
  return name ? { index: targetAt(text, name, open, open), name, op: '=', quote: '', value, valueStart: end - value.length } : undefined;
}

const WRAPPER_CALL = /\b(?:Option|Argument|Field|field|option|argument|attrib|Parameter)$/;

/**
 * The setting a generic name stands for: a wrapper's `default=` (`verify_ssl: bool = Field(default=False)`)
 * is its target's, a record's `ValueData = '0'` its `ValueName`'s.
 */
function entryName(text: string, n: { name: string; start: number }): { name: string; start: number } {
  const last = lastSegment(n.name);
  if (/^(default|value)$/.test(last)) {
    const w = wrapperNameAt(text, n.start);
    if (w) return { name: w.name, start: targetAt(text, w.name, w.open, n.start) };
  }
  if (/^(value|valuedata|data)$/i.test(last)) return { name: recordEntryName(text, n.start) ?? n.name, start: n.start };
  return n;
}

/** Where a wrapper's target is written (`verify_ssl` in `verify_ssl: bool = Field(…)`), so its scope is the statement's. */
function targetAt(text: string, name: string, open: number, fallback: number): number {
  const at = text.lastIndexOf(name, open);
  return at >= 0 && at >= lineStartAt(text, open) ? at : fallback;
}

const KEYWORD_SETTING = /(?<![\w?!*-]):([A-Za-z][\w.-]*[?!]?)[ \t]+(true|false|nil)(?![\w?!*-])/g;

/** Lisp option maps have no operator: `{:insecure? true}` (clj-http), `:verify-ssl false`. */
function* keywordSettings(text: string): Generator<Setting> {
  KEYWORD_SETTING.lastIndex = 0;
  for (let m = KEYWORD_SETTING.exec(text); m; m = KEYWORD_SETTING.exec(text)) {
    yield { index: m.index, name: m[1].replace(/[?!]$/, ''), op: ' ', quote: '', value: m[2], valueStart: m.index + m[0].length - m[2].length };
  }
}

const NEGATIVE = /insecure|skipverif|skiptlsverif|skipsslverif|skipcertverif|noverif|nosslverif|noverifyssl|disable(?:ssl|tls|cert)(?:verif|check|valid)|ignore(?:ssl|tls|cert)|acceptany(?:server)?cert|acceptallcert|acceptinvalid|trustall|allowselfsigned|selfsigned|allowinsecure|(?:ssl|tls)loose|looseaccept|sslnoverify|allowinvalidcert|allowunverified|allowunauthorized|acceptuntrusted|allowuntrusted|dangerous|ignorehttpserrors?|ignorecertificateerrors?/;
/** A negation before the checked thing: disableHostnameVerification, skipCertificateCheck, ignoreSslErrors. */
const NEGATED = /(disable|skip|ignore|bypass|no|without|dont|donot)\w*?(verif|check|valid|cert|sslerror|tlserror)/;
const MODE = /verificationmode|verifymode|sslverifymode|certreqs|sslcertreqs/;
const POSITIVE = /verify|verif|validatecert|validatessl|validatetls|sslvalidat|certvalidat|validatecerts|sslcheck|checkcert|certcheck|checkssl|checktls|checkhostname|rejectunauthorized|strictssl|stricttls|peerverif/;
const ENABLE = /(?:enable|use)(?:ssl|tls)|(?:ssl|tls)(?:enabled?)$/;
const FALSY = /^(false|0[ul]{0,3}|no|off|none|\$false|nil|null|dword:0+)$/i;
const TRUTHY = /^(true|1[ul]{0,3}|yes|on|\$true|dword:0*1)$/i;
const NONE = /^(none|0[ul]{0,3}|:?verify_none|cverifynone|(openssl::ssl::|ssl\.)?(ssl_verify_none|verify_none|cert_none))$/i;

/** Whether `name op value` switches verification off. */
export function disablesVerification(name: string, value: string): boolean {
  const ws = words(name);
  const joined = ws.join('');
  if (/redirect|hsts|warning|warn|log/.test(joined)) return false;
  // verify_email, verify_checksums, CheckCertificateRevocation: checks of something other than the peer's certificate.
  // Only when nothing in the name says TLS: MISP_USER_VERIFY_SSL and webhook_ssl_verify still switch TLS.
  if (ws.some((w) => REVOCATION.has(w)) || ws.some((w) => NOT_PEER_CHECK.has(w)) && !ws.some((w) => TLS_WORD.test(w))) return false;
  if (MODE.test(joined)) return NONE.test(value);
  if (NEGATIVE.test(joined) || NEGATED.test(joined)) return TRUTHY.test(value);
  // misp_enable_ssl = False (CrowdStrike's MISP import, PyMISP's ssl flag): TLS off for MISP. Only for MISP's own
  // setting: BROKER_USE_SSL and the like switch other connections.
  if (ENABLE.test(joined) && joined.includes('misp')) return FALSY.test(value);
  if (POSITIVE.test(joined)) return FALSY.test(value) || /^(verify_none|cert_none)$/i.test(value.replace(/^.*[.:]/, ''));
  return false;
}

const NOT_PEER_CHECK = new Set(['email', 'emails', 'mail', 'checksum', 'checksums', 'signature', 'signatures', 'sig', 'integrity', 'hash', 'hashes', 'password', 'phone', 'otp', 'jwt', 'gpg', 'pgp', 'sha', 'sha1', 'sha256', 'md5', 'digest', 'captcha', 'recaptcha', 'payload', 'schema', 'signup']);
/** Revocation checks (CheckCertificateRevocation, ocsp_check): the certificate is still verified. */
const REVOCATION = new Set(['revocation', 'crl', 'ocsp']);
/** A word of a setting name that is about the transport's certificate. */
const TLS_WORD = /^(?:ssl|tls|https|cert|certs|certificate|certificates|peer|host|hostname|x509|ca)$/;

const BARE_SSL = /^(ssl|tls|verifycert|sslverify)$/i;

/** The finder results for one document. */
export function findTls(doc: Doc): TlsHit[] {
  const hits = new Map<number, TlsHit>();
  const add = (h: TlsHit) => { if (!hits.has(h.start) && !inComment(doc, h.start)) hits.set(h.start, h); };
  settings(doc, add);
  idioms(doc, add);
  serverTriples(doc, add);
  proxyDirectives(doc, add);
  commandFlags(doc, add);
  curlrc(doc, add);
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


/** The opposite literal in the same spelling: False → True, "false" → "true", 0 → 1, none → full. */
/* CURLOPT_SSL_VERIFYHOST checks the host name only at 2; 1 is deprecated and treated like 2 by new curl only. */
function enabling(value: string, negative: boolean, mode: boolean): string {
  if (mode || /^(?::?verify_none|CVerifyNone)$/.test(value)) return modeEnabling(value);
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

/** The verifying mode for a mode value: none → full, VERIFY_NONE → VERIFY_PEER, CERT_NONE → CERT_REQUIRED, Nim's CVerifyNone → CVerifyPeer, Erlang's verify_none → verify_peer. */
function modeEnabling(value: string): string {
  if (/^none$/i.test(value)) return value === 'NONE' ? 'FULL' : 'full';
  return value.replace(/VERIFY_NONE/, 'VERIFY_PEER').replace(/CERT_NONE/, 'CERT_REQUIRED').replace(/CVerifyNone/, 'CVerifyPeer').replace(/verify_none/, 'verify_peer');
}

/** `os.environ['X'` as the setting matcher captures it, shown closed: `os.environ['X']`. */
function closeSubscript(name: string): string {
  const m = /\[\s*(['"])([^'"\]]*)\1?\s*$/.exec(name);
  return m ? `${name.slice(0, m.index)}[${m[1]}${m[2]}${m[1]}]` : name;
}

function lastSegment(name: string): string {
  return name.split(/[.[\]'"]/).filter(Boolean).pop() ?? name;
}

/**
 * A word every name that disablesVerification can accept holds, once separators are dropped (the
 * words of POSITIVE, NEGATIVE, NEGATED, MODE and ENABLE): most `name = value` pairs fail this at once.
 */
const TLS_NAME = /verif|valid|ssl|tls|cert|check|unauthori|insecure|accept|trust|signed|loose|danger|httpserror/i;

/** Whether a setting switches verification off by its name and value alone, wherever it applies. */
function disables(st: Setting): boolean {
  if (!TLS_NAME.test(st.name.replace(/[^A-Za-z0-9]+/g, ''))) return false;
  const last = lastSegment(st.name);
  // A bare `ssl=False` (PyMISP, aiohttp) disables verification only where the call is about MISP (judged later).
  if (/^(ssl|tls)$/i.test(last)) return FALSY.test(st.value);
  return disablesVerification(st.name, st.value) || disablesVerification(last, st.value);
}

/** A Go struct tag default (`MispInsecure bool \`env:"MISP_INSECURE" default:"true"\``) is the field's setting. */
function goTagDefault(text: string, st: Setting): Setting {
  if (!/^(default|envDefault)$/.test(st.name)) return st;
  const field = goTagField(text, st.index);
  return field ? { ...st, name: field } : st;
}

/**
 * True when the text holds a `name op value` setting that switches verification off, whatever it
 * configures: the prefilter's question, answered by the same matcher the rule uses.
 */
export function hasDisablingSetting(text: string, format?: FormatId): boolean {
  for (const st of settingMatches(text, format)) if (disables(st) || disables(goTagDefault(text, st))) return true;
  return false;
}

function settings(doc: Doc, add: (h: TlsHit) => void): void {
  const { text } = doc;
  for (const match of settingMatches(text, doc.format)) {
    const st = doc.format === 'go' ? goTagDefault(text, match) : match;
    const { name, op, value } = st;
    if (!disables(st)) continue;
    const last = lastSegment(name);
    const full = name;
    // A PyMISP settings module (keys.py, feed-generator settings.py): a top-level `ssl = False` feeds PyMISP.
    const settingsModule = doc.fileMisp && doc.tokens !== undefined && /^[ \t]*$/.test(text.slice(lineStartAt(text, st.index), st.index));
    if (BARE_SSL.test(last) && !/verify|cert/i.test(last) && !pymispNear(text, st.index) && !mentionsMisp(callScope(text, st.index)) && !settingsModule) continue;
    const vStart = st.valueStart;
    const sc = doc.scalars ? findCovering(doc.scalars, vStart) : undefined;
    if (!mispContext(doc, st.index, full, sc?.path ?? [], sc)) continue;
    const joined = words(full).join('');
    const negative = (NEGATIVE.test(joined) || NEGATED.test(joined)) && !MODE.test(joined);
    add({ start: vStart, end: vStart + value.length, name: full, what: op === ' ' ? `:${full} ${value}` : `${closeSubscript(full)}${op === ':' || op === ',' ? op : ` ${op}`} ${st.quote}${value}${st.quote}`, fix: fixFor(doc, vStart, vStart + value.length, /verifyhost/.test(joined) && !negative ? '2' : enabling(value, negative, MODE.test(joined)), full) });
  }
  // YAML/JSON entries whose name sits in a sibling `name:` field (Kubernetes env lists).
  for (const sc of doc.scalars ?? []) {
    if (!sc.key || sc.key === 'value') continue;
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
  { re: /\bbadCertificateCallback\s*=\s*\([^)]*\)\s*(?:=>\s*true|\{\s*return\s+true)/g, what: 'a badCertificateCallback that accepts every certificate' },
  { re: /\.useCredential\s*,\s*URLCredential\s*\(\s*trust\s*:/g, what: 'a server-trust challenge answered without evaluation' },
  { re: /NSURLSessionAuthChallengeUseCredential\s*,\s*\[\s*NSURLCredential\s+credentialForTrust\s*:/g, what: 'a server-trust challenge answered without evaluation' },
  { re: /\bTLSSettingsSimple\s+True\b/g, what: 'TLSSettingsSimple True (certificate validation disabled)' },
  { re: /['"]CertificateFilename['"]\s*,\s*(['"])\1/g, what: "weboptions 'CertificateFilename', '' (no certificate validation)" },
  { re: /\.setOption\s*\(?\s*2\s*,\s*13056\b/g, what: 'setOption 2, 13056 (ignore all certificate errors)' },
];

/** A word every idiom holds: the idioms are looked for only in files that have one. */
export const IDIOM_ANCHOR = /tls_insecure_skip_verify|verify[ \t]+none|badCertificateCallback|useCredential|UseCredential|danger_accept_invalid|Dangerous|ServerCertificate|_create_unverified_context|HostnameVerifier|TrustAll|TrustSelfSigned|ALLOW_ALL_HOSTNAME|InsecureTrustManager|trustAllCerts|TLSSettingsSimple|CertificateFilename|setOption/;

/**
 * `["https://misp…", "<key>", false]`: a server list entry in PyMISP's own argument order (url, key, ssl),
 * in a JSON/YAML flow list or a Python/JS tuple or array; a call's arguments (`f(url, key, False)`) are not.
 */
const SERVER_TRIPLE = /[[(][ \t]*(["'])(https?:\/\/[^"'\s]{1,200})\1[ \t]*,[ \t]*(?:(["'])[^"'\r\n]{1,200}\3|[A-Za-z_][\w.]{0,80})[ \t]*,[ \t]*(false|False|FALSE)[ \t]*[\])]/g;

function serverTriples(doc: Doc, add: (h: TlsHit) => void): void {
  const { text } = doc;
  if (!doc.fileMisp || !text.includes('://')) return;
  SERVER_TRIPLE.lastIndex = 0;
  for (let m = SERVER_TRIPLE.exec(text); m; m = SERVER_TRIPLE.exec(text)) {
    if (m[0][0] === '(' && /[\w$.]/.test(text[m.index - 1] ?? '')) continue;
    if (!mentionsMisp(m[2])) continue;
    const value = m[4];
    const start = m.index + m[0].lastIndexOf(value);
    add({ start, end: start + value.length, what: `[${m[1]}${m[2]}${m[1]}, …, ${value}] (the verify flag of a MISP server entry)`, fix: fixFor(doc, start, start + value.length, enabling(value, false, false)) });
  }
}

/**
 * Reverse-proxy directives that switch off verification of the upstream: Caddy's bare
 * `tls_insecure_skip_verify` (judged by the blocks around it, innermost first) and HAProxy's
 * `server NAME ADDR ssl verify none` (judged by the line, then by its section).
 */
function proxyDirectives(doc: Doc, add: (h: TlsHit) => void): void {
  const { text } = doc;
  if (!doc.fileMisp || doc.tokens) return;
  if (text.includes('tls_insecure_skip_verify')) {
    const blocks = braceBlocks(text);
    const re = /^[ \t]*(tls_insecure_skip_verify)[ \t]*(\r?\n|$)/gm;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const at = m.index + m[0].indexOf(m[1]);
      if (!blocks.aboutMisp(at)) continue;
      // The whole line goes, its line break included (CRLF too).
      add({ start: at, end: at + m[1].length, what: 'tls_insecure_skip_verify', fix: fixFor(doc, lineStartAt(text, at), m.index + m[0].length, '', 'tls_insecure_skip_verify') });
    }
  }
  if (/\bverify[ \t]+none\b/.test(text)) {
    const sections = haproxySections(text);
    const re = /^[ \t]*(?:server|default-server)[ \t][^\r\n]*/gm;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const line = m[0];
      if (!/[ \t]ssl(?=[ \t]|$)/.test(line)) continue;
      const v = /[ \t]verify[ \t]+(none)\b/.exec(line);
      if (!v) continue;
      const at = m.index + v.index + v[0].length - 4;
      const misp = mentionsMisp(line) || (!aboutOtherService(line) && sections.aboutMisp(at));
      if (!misp) continue;
      add({ start: at, end: at + 4, what: 'ssl verify none', fix: fixFor(doc, at, at + 4, /\bca-file\b/.test(line) ? 'required' : 'required ca-file @system-ca', 'verify') });
    }
  }
}

/**
 * The brace blocks of a text (one linear pass), and for an offset whether the blocks around it, innermost
 * first, are about MISP: the first whose text names MISP says yes, one naming another service says no.
 * Each block is judged once; at most 64 levels are looked at.
 */
function braceBlocks(text: string): { aboutMisp(at: number): boolean } {
  const starts: number[] = [];
  const ends: number[] = [];
  const parent: number[] = [];
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') { starts.push(i); ends.push(text.length); parent.push(stack.length ? stack[stack.length - 1] : -1); stack.push(starts.length - 1); }
    else if (c === '}' && stack.length) ends[stack.pop()!] = i + 1;
  }
  const verdicts = new Map<number, boolean | undefined>();
  const verdict = (b: number): boolean | undefined => {
    if (verdicts.has(b)) return verdicts.get(b);
    const block = text.slice(lineStartAt(text, starts[b]), ends[b]);
    const v = mentionsMisp(block) ? true : aboutOtherService(block) ? false : undefined;
    verdicts.set(b, v);
    return v;
  };
  return {
    aboutMisp(at: number): boolean {
      // The innermost block holding `at`: the last start before it whose end is after it.
      let lo = 0;
      let hi = starts.length - 1;
      let b = -1;
      while (lo <= hi) { const mid = (lo + hi) >> 1; if (starts[mid] < at) { b = mid; lo = mid + 1; } else hi = mid - 1; }
      while (b >= 0 && ends[b] <= at) b = parent[b];
      for (let depth = 0; b >= 0 && depth < 64; depth++, b = parent[b]) {
        const v = verdict(b);
        if (v !== undefined) return v;
      }
      return true;
    },
  };
}

/** HAProxy sections (`backend`, `listen`, …) found once; whether the one holding an offset is about MISP (judged once each). */
function haproxySections(text: string): { aboutMisp(at: number): boolean } {
  const heads: Array<{ start: number; header: string }> = [];
  const re = /^(?:backend|listen|frontend|defaults|peers|resolvers)\b[^\r\n]*/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) heads.push({ start: m.index, header: m[0] });
  const verdicts = new Map<number, boolean>();
  return {
    aboutMisp(at: number): boolean {
      let k = -1;
      for (let lo = 0, hi = heads.length - 1; lo <= hi;) { const mid = (lo + hi) >> 1; if (heads[mid].start <= at) { k = mid; lo = mid + 1; } else hi = mid - 1; }
      if (verdicts.has(k)) return verdicts.get(k)!;
      const header = k >= 0 ? heads[k].header : '';
      const body = text.slice(k >= 0 ? heads[k].start : 0, k + 1 < heads.length ? heads[k + 1].start : text.length);
      const v = mentionsMisp(header) || (!aboutOtherService(header) && mentionsMisp(body));
      verdicts.set(k, v);
      return v;
    },
  };
}

function idioms(doc: Doc, add: (h: TlsHit) => void): void {
  if (!doc.fileMisp || !IDIOM_ANCHOR.test(doc.text)) return;
  for (const { re, what } of IDIOMS) {
    re.lastIndex = 0;
    for (let m = re.exec(doc.text); m; m = re.exec(doc.text)) {
      if (/^\s*(import|using|from\s+\S+\s+import|require|use)\b/.test(lineAt(doc.text, m.index))) continue;
      if (m[0].startsWith('.useCredential') && /SecTrustEvaluate/.test(doc.text)) continue;
      add({ start: m.index, end: m.index + m[0].length, what, fix: fixFor(doc, m.index, m.index + m[0].length, '') });
    }
  }
}
