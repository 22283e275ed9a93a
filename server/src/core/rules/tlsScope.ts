/** Where a TLS setting applies: is it a connection to MISP? And the shape of a TLS finding. */
import { classifyName, hasMispEndpoint, mentionsMisp, pathMentionsMisp, pathOtherService } from '../context';
import type { Doc } from '../doc';
import type { Scalar } from '../formats/scalars';
import { lineAt, lineStartAt } from '../text';
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

/** Is this place about MISP (and not about another service)? Judged by the name, the config path, then the nearest scope. */
export function mispContext(doc: Doc, at: number, name: string, path: readonly string[] = [], sc?: Scalar): boolean {
  const info = classifyName(name);
  if (info.misp || pathMentionsMisp(path)) return true;
  if (info.otherService || pathOtherService(path) || /^(git|npm|pip|yarn|docker|helm|kube|elastic|es_|opencti|thehive|cortex|splunk)/i.test(name)) return false;
  const scope = sc && sc.group !== undefined ? siblingsText(doc, sc) : callScope(doc.text, at);
  // URLs in the scope decide first: a download from an artifact server is not about MISP even if its path says "misp".
  // A settings block with no URL of its own (Grafana's jsonData) belongs to the entry around it.
  let hosts = urlHosts(scope);
  if (!hosts.length && sc?.parentGroup !== undefined) hosts = urlHosts(groupText(doc, sc.parentGroup) ?? '');
  if (hosts.length) return hosts.some((h) => /misp/i.test(h.host) || hasMispEndpoint(h.url));
  if (mentionsMisp(scope)) return true;
  if (aboutOtherService(scope)) return false;
  return doc.fileMisp;
}

/** Literal URLs of a scope with their hosts (templated hosts like ${MISP_URL} or {{ url }} are left out). */
export function urlHosts(scope: string): Array<{ host: string; url: string }> {
  const out: Array<{ host: string; url: string }> = [];
  const re = /(?:https?|wss?|rediss?|amqps?|postgres(?:ql)?|mongodb(?:\+srv)?|mysql|ldaps?|nats|kafka):\/\/(?:[^\s@/"']*@)?([\w.-]+)[^\s"'<>)]*/g;
  for (let m = re.exec(scope); m; m = re.exec(scope)) if (!/^(localhost|127\.0\.0\.1)$/.test(m[1])) out.push({ host: m[1], url: m[0] });
  return out;
}

/** True when a scope names another host or service (a URL to a non-MISP host, VT_KEY, virustotal ...). */
export function aboutOtherService(scope: string): boolean {
  OTHER_HOST.lastIndex = 0;
  for (let m = OTHER_HOST.exec(scope); m; m = OTHER_HOST.exec(scope)) if (!/misp/i.test(m[1]) && !/^\$|\{|localhost|127\.0\.0\.1/.test(m[1])) return true;
  const idents = scope.match(/[A-Za-z_][\w]*/g) ?? [];
  return idents.some((id) => classifyName(id).otherService);
}

const SIBLINGS = new WeakMap<Doc, Map<number, string>>();

/** Keys and values of the mapping, object, block or section that holds a value. */
export function siblingsText(doc: Doc, sc: Scalar): string {
  return groupText(doc, sc.group as number) ?? lineAt(doc.text, sc.start);
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
  if (open < 0) return functionScope(text, at);
  depth = 0;
  let close = Math.min(text.length, at + 1500);
  for (let i = at; i < close; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') { if (depth === 0) { close = i + 1; break; } depth--; }
  }
  return text.slice(lineStartAt(text, open), close);
}

const FUNCTION_HEADER = /^[ \t]*(?:(?:export|public|private|protected|static|async|pub|func|def|function|fn|sub)\s+)+(?:\([^)]*\)\s*)?[A-Za-z_]\w*/gm;

/** Outside any call: from the header of the enclosing function (`func newES()`) down to the offset, else the line. */
function functionScope(text: string, at: number): string {
  const before = text.slice(Math.max(0, at - 1500), at);
  let last: RegExpExecArray | undefined;
  FUNCTION_HEADER.lastIndex = 0;
  for (let m = FUNCTION_HEADER.exec(before); m; m = FUNCTION_HEADER.exec(before)) last = m;
  return last ? before.slice(last.index) + lineAt(text, at).slice(at - lineStartAt(text, at)) : lineAt(text, at);
}

/** Fix data for a TLS finding. */
export function fixFor(doc: Doc, start: number, end: number, replacement: string, name?: string): TlsFixData {
  return { type: 'tls', format: doc.format, flavor: doc.flavor, start, end, replacement, name };
}
