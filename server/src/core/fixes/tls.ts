/**
 * Plans for tls-verify-disabled: put the enabling literal in place (or drop the flag or the accept-all
 * callback), and, with a CA bundle in the settings, point the client at it where the client takes one.
 */
import { lineEndAt, lineStartAt } from '../text';
import { cEscape, deleteLine, insertLines, nextLineStart, shellWord, yamlDoubleEscape } from './edits';
import type { FixPlan, OffsetEdit, TlsCtx } from './model';

const TITLE = 'Enable TLS certificate verification';

/** TLS plans for one finding. */
export function tlsPlans(c: TlsCtx): FixPlan[] {
  const out: FixPlan[] = [];
  const enable = enableEdits(c);
  if (enable) out.push({ id: 'tls', title: TITLE, edits: enable, storesSecret: false, preferred: true });
  if (c.settings.caBundle) {
    const ca = caEdits(c, c.settings.caBundle);
    if (ca) out.push({ id: 'tls-ca', title: `Verify TLS against the CA bundle ${c.settings.caBundle}`, edits: ca, storesSecret: false });
  }
  return out;
}

function enableEdits(c: TlsCtx): OffsetEdit[] | undefined {
  const { text, fix } = c;
  let replacement = fix.replacement;
  // libcurl treats 1 like 2 or rejects it; 2 is the value that checks the host name.
  if (fix.name === 'CURLOPT_SSL_VERIFYHOST' && replacement === '1') replacement = '2';
  if (replacement !== '') return [{ start: fix.start, end: fix.end, newText: replacement }];
  const hit = text.slice(fix.start, fix.end);
  if (fix.name?.startsWith('-')) return [{ start: fix.start, end: fix.end, newText: '' }];
  // A whole directive line (a curl config's `insecure`, Caddy's `tls_insecure_skip_verify`): the line goes.
  if (fix.start === lineStartAt(text, fix.start) && fix.end > fix.start && (fix.end === text.length || text[fix.end - 1] === '\n')) return [{ start: fix.start, end: fix.end, newText: '' }];
  if (/danger_accept_invalid_(?:certs|hostnames)\s*\(\s*true\s*\)/.test(hit)) return [{ start: fix.start, end: fix.end, newText: hit.replace(/true(\s*\))$/, 'false$1') }];
  if (/_create_unverified_context/.test(hit)) return [{ start: fix.start, end: fix.end, newText: hit.replace('_create_unverified_context', 'create_default_context') }];
  if (/ServerCertificateValidationCallback\s*=\s*\{\s*\$true\s*\}/.test(hit)) return [{ start: fix.start, end: fix.end, newText: hit.replace(/\{\s*\$true\s*\}/, '$null') }];
  if (fix.format === 'csharp') return csharpCallback(text, fix.start, fix.end);
  return undefined;
}

/** C#: drop the `X.ServerCertificateCustomValidationCallback = <accept all>` assignment (statement or initializer member). */
function csharpCallback(text: string, start: number, end: number): OffsetEdit[] | undefined {
  const ls = lineStartAt(text, start);
  const le = lineEndAt(text, end);
  const before = text.slice(ls, start);
  const m = /([\w.]*ServerCertificate(?:Custom)?ValidationCallback\s*=\s*[\w.]*)$/.exec(before) ?? (/^ServerCertificate/.test(text.slice(start, end)) ? /([\w.]*)$/.exec(before) : null);
  if (!m) return undefined;
  const s = start - m[1].length;
  const after = /^\s*[;,]?/.exec(text.slice(end, le))![0];
  const e = end + after.length;
  if (text.slice(ls, s).trim() === '' && text.slice(e, le).trim() === '') return [deleteLine(text, ls)];
  if (after.includes(',')) return [{ start: s, end: e + (/^\s*/.exec(text.slice(e, le))![0].length), newText: '' }];
  const comma = /,\s*$/.exec(text.slice(ls, s));
  if (comma) return [{ start: ls + comma.index, end, newText: '' }];
  return undefined;
}

function caEdits(c: TlsCtx, path: string): OffsetEdit[] | undefined {
  const { text, fix, format } = c;
  const name = fix.name ?? '';
  if (format === 'python' && /^(verify|ssl|misp_verifycert|verifycert|verify_cert)$/i.test(name) && /^(False|0)$/.test(text.slice(fix.start, fix.end))) {
    return [{ start: fix.start, end: fix.end, newText: `"${cEscape(path)}"` }];
  }
  if (name === '-k' || name === '--insecure' || /^-[A-Za-z]*k[A-Za-z]*$/.test(name)) {
    const at = text.indexOf(name, fix.start);
    if (at < 0 || at > fix.end) return undefined;
    const rest = name === '-k' || name === '--insecure' ? '' : `${name.replace('k', '')} `;
    return [{ start: at, end: at + name.length, newText: `${rest}--cacert ${shellWord(path)}` }];
  }
  if (format === 'php' && name === 'CURLOPT_SSL_VERIFYPEER') {
    const ls = lineStartAt(text, fix.start);
    const m = /^(\s*)curl_setopt\(\s*(\$\w+)\s*,/.exec(text.slice(ls, fix.start));
    if (!m) return undefined;
    return [{ start: fix.start, end: fix.end, newText: 'true' }, insertLines(text, nextLineStart(text, fix.start), [`${m[1]}curl_setopt(${m[2]}, CURLOPT_CAINFO, '${path.replace(/[\\']/g, '\\$&')}');`], c.eol)];
  }
  if (format === 'yaml' && /(^|\.)verification_mode$/.test(name)) {
    const ls = lineStartAt(text, fix.start);
    const indent = /^[ \t]*(?:-[ \t]+)?/.exec(text.slice(ls, fix.start))![0].replace(/-/, ' ');
    const prefix = name.replace(/verification_mode$/, '');
    return [{ start: fix.start, end: fix.end, newText: 'full' }, insertLines(text, nextLineStart(text, fix.start), [`${indent}${prefix}certificate_authorities: ["${yamlDoubleEscape(path)}"]`], c.eol)];
  }
  return undefined;
}
