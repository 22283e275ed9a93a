/** Where a TLS setting applies: is it a connection to MISP? And the shape of a TLS finding. */
import { classifyName, hasMispEndpoint, mentionsMisp, namesOtherService, pathMentionsMisp, pathOtherService } from '../context';
import type { Doc } from '../doc';
import type { Scalar } from '../formats/scalars';
import { lineAt, lineEndAt, lineStartAt } from '../text';
import type { TlsFixData } from '../types';

/** A place where TLS verification is switched off. */
export interface TlsHit {
  start: number;
  end: number;
  name?: string;
  /** Short description of what disables verification. */
  what: string;
  fix: TlsFixData;
}

const OTHER_HOST = /https?:\/\/([\w.-]+)/g;
/** `host=name` in a block's text (see groupText): a DNS name with a dot, not an address or a template. */
const BARE_HOST = /(?:^|\s)(?:host|hostname|server_?name)=([A-Za-z][\w-]*(?:\.[\w-]+)*\.[A-Za-z]{2,})(?=\s|$)/gi;

/** Is this place about MISP (and not about another service)? Judged by the name, the config path, then the nearest scope. */
export function mispContext(doc: Doc, at: number, name: string, path: readonly string[] = [], sc?: Scalar): boolean {
  const info = classifyName(name);
  if (info.misp || pathMentionsMisp(path)) return true;
  if (info.otherService || pathOtherService(path) || /^(git|npm|pip|yarn|docker|helm|kube|elastic|es_|opencti|thehive|cortex|splunk)/i.test(name)) return false;
  // The scope's verdict does not depend on the name: it is worked out once per scope (a wide mapping
  // or a long line holds thousands of settings).
  const grouped = sc !== undefined && sc.group !== undefined;
  const range = grouped ? undefined : callScopeRange(doc.text, at);
  const key = grouped ? `g${sc.group}:${sc.parentGroup ?? ''}` : `r${range![0]}:${range![1]}`;
  let cache = SCOPE_VERDICTS.get(doc);
  if (!cache) SCOPE_VERDICTS.set(doc, (cache = new Map()));
  let verdict = cache.get(key);
  if (verdict === undefined) {
    verdict = scopeAboutMisp(doc, grouped ? siblingsText(doc, sc!) : doc.text.slice(range![0], range![1]), sc);
    cache.set(key, verdict);
  }
  return verdict;
}

const SCOPE_VERDICTS = new WeakMap<Doc, Map<string, boolean>>();

function scopeAboutMisp(doc: Doc, scope: string, sc?: Scalar): boolean {
  // URLs in the scope decide first: a download from an artifact server is not about MISP even if its path says "misp".
  // A settings block with no URL of its own (Grafana's jsonData) belongs to the entry around it.
  let hosts = urlHosts(scope);
  const parent = !hosts.length && sc?.parentGroup !== undefined ? groupText(doc, sc.parentGroup) ?? '' : '';
  if (parent) hosts = urlHosts(parent);
  if (hosts.length) return hosts.some((h) => /misp/i.test(h.host) || hasMispEndpoint(h.url));
  if (mentionsMisp(scope)) return true;
  if (aboutOtherService(scope, sc?.group !== undefined && doc.flavor === 'fluent-bit')) return false;
  // A settings block with nothing to say (a Prometheus job's tls_config): the entry around it decides.
  if (parent && mentionsMisp(parent)) return true;
  if (parent && aboutOtherService(parent, doc.flavor === 'fluent-bit')) return false;
  return doc.fileMisp;
}

/** Literal URLs of a scope with their hosts (templated hosts like ${MISP_URL} or {{ url }} are left out). */
export function urlHosts(scope: string): Array<{ host: string; url: string }> {
  const out: Array<{ host: string; url: string }> = [];
  const re = /(?:https?|wss?|rediss?|amqps?|postgres(?:ql)?|mongodb(?:\+srv)?|mysql|ldaps?|nats|kafka):\/\/(?:[^\s@/"']*@)?([\w.-]+)[^\s"'<>)]*/g;
  for (let m = re.exec(scope); m; m = re.exec(scope)) if (!/^(localhost|127\.0\.0\.1)$/.test(m[1])) out.push({ host: m[1], url: m[0] });
  return out;
}

/**
 * True when a scope names another host or service (a URL to a non-MISP host, VT_KEY, virustotal ...).
 * `bareHosts`: a bare `host=name` counts too, where a block is one destination (a Fluent Bit output);
 * elsewhere a MISP connector's `host = ti.example.com` is MISP's own host.
 */
export function aboutOtherService(scope: string, bareHosts = false): boolean {
  OTHER_HOST.lastIndex = 0;
  // An address says nothing about the service behind it (a proxy to https://10.0.0.5 may well be MISP).
  for (let m = OTHER_HOST.exec(scope); m; m = OTHER_HOST.exec(scope)) if (!/misp/i.test(m[1]) && !/^\$|\{|localhost|127\.0\.0\.1/.test(m[1]) && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(m[1])) return true;
  // A bare host setting of a Fluent Bit output (`Host logs.example.com`); in code `host=args.host` is an expression.
  BARE_HOST.lastIndex = 0;
  if (bareHosts) for (let m = BARE_HOST.exec(scope); m; m = BARE_HOST.exec(scope)) if (!/misp/i.test(m[1])) return true;
  const idents = new Set(scope.match(/[A-Za-z_][\w]*/g) ?? []);
  for (const id of idents) if (namesOtherService(id)) return true;
  return false;
}

const SIBLINGS = new WeakMap<Doc, Map<number, string>>();

/** Keys and values of the mapping, object, block or section that holds a value. */
export function siblingsText(doc: Doc, sc: Scalar): string {
  return groupText(doc, sc.group as number) ?? lineAt(doc.text, sc.start);
}

/** What the siblings of a config value say, worked out once per group. */
export interface SiblingFacts { mentionsMisp: boolean; aboutOther: boolean; mispHost: boolean }

const FACTS = new WeakMap<Doc, Map<number, SiblingFacts>>();

/** {@link SiblingFacts} of the group holding a value. */
export function siblingFacts(doc: Doc, sc: Scalar): SiblingFacts {
  let byGroup = FACTS.get(doc);
  if (!byGroup) FACTS.set(doc, (byGroup = new Map()));
  const g = sc.group as number;
  let f = byGroup.get(g);
  if (!f) {
    const text = siblingsText(doc, sc);
    f = { mentionsMisp: mentionsMisp(text), aboutOther: aboutOtherService(text, doc.flavor === 'fluent-bit'), mispHost: urlHosts(text).some((h) => /misp/i.test(h.host)) };
    byGroup.set(g, f);
  }
  return f;
}

/** Keys and values of the scalars directly in one group. */
function groupText(doc: Doc, group: number): string | undefined {
  let byGroup = SIBLINGS.get(doc);
  if (!byGroup) {
    byGroup = new Map();
    for (const s of doc.scalars ?? []) {
      if (s.group === undefined) continue;
      byGroup.set(s.group, `${byGroup.get(s.group) ?? ''} ${s.key ?? ''}=${s.value.slice(0, 300)}`);
    }
    SIBLINGS.set(doc, byGroup);
  }
  return byGroup.get(group);
}

/** The call expression around an offset (`requests.get(..., verify=False)` over several lines), else its line. */
export function callScope(text: string, at: number): string {
  const [s, e] = callScopeRange(text, at);
  return text.slice(s, e);
}

/** Offsets of {@link callScope}: from the start of the line that opens the call to its closing bracket. */
export function callScopeRange(text: string, at: number): [number, number] {
  let depth = 0;
  let open = -1;
  const stop = Math.max(0, at - 1500);
  for (let i = at - 1; i >= stop; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth > 0) { depth--; continue; }
      // `new Redis({ tls: { rejectUnauthorized: false } })`: walk out of object literals to the call.
      if (c === '(') { open = i; break; }
    }
  }
  if (open < 0) return functionScopeRange(text, at);
  depth = 0;
  let close = Math.min(text.length, at + 1500);
  for (let i = at; i < close; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') { if (depth === 0) { close = i + 1; break; } depth--; }
  }
  return [lineStartAt(text, open), close];
}

const FUNCTION_HEADER = /^[ \t]*(?:(?:export|public|private|protected|static|async|pub|func|def|function|fn|sub|class|struct|object|module)\s+)+(?:\([^)]*\)\s*)?[A-Za-z_]\w*/gm;

/** Outside any call: from the header of the enclosing function (`func newES()`) down to the offset's line end, else the line. */
function functionScopeRange(text: string, at: number): [number, number] {
  const from = Math.max(0, at - 1500);
  const before = text.slice(from, at);
  let last: RegExpExecArray | undefined;
  FUNCTION_HEADER.lastIndex = 0;
  for (let m = FUNCTION_HEADER.exec(before); m; m = FUNCTION_HEADER.exec(before)) last = m;
  if (last) return [from + last.index, lineEndAt(text, at)];
  // No function around: the line, or on a very long line (minified, generated) the stretch around the offset.
  return [Math.max(lineStartAt(text, at), at - 300), Math.min(lineEndAt(text, at), at + 300)];
}

/** Fix data for a TLS finding. */
export function fixFor(doc: Doc, start: number, end: number, replacement: string, name?: string): TlsFixData {
  return { type: 'tls', format: doc.format, flavor: doc.flavor, start, end, replacement, name };
}
