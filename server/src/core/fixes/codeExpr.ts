/**
 * Per-language expressions that read the key (environment variable, Vault) and how to put one where a
 * string literal was: alone, inside the literal (f-string, template, interpolation) or concatenated.
 */
import type { FormatId } from '../types';
import type { KeySpan, Part } from './literal';
import type { VaultRef } from './model';

/** A quote character an expression may use for its own string literals. */
export type Q = '"' | "'";
/** An expression that reads the key; `q` is the quote it should use for its own literals. */
export type Expr = (q: Q) => string;

/** The expression that reads environment variable `name`, or undefined where there is no idiomatic one. */
export function envExpr(format: FormatId, name: string, opts: { usingSystem?: boolean; cpp?: boolean } = {}): Expr | undefined {
  switch (format) {
    case 'python': return (q) => `os.environ[${q}${name}${q}]`;
    case 'javascript': case 'typescript': return () => `process.env.${name}`;
    case 'go': return () => `os.Getenv("${name}")`;
    case 'java': case 'kotlin': case 'groovy': return () => `System.getenv("${name}")`;
    case 'csharp': return () => `${opts.usingSystem ? '' : 'System.'}Environment.GetEnvironmentVariable("${name}")`;
    case 'ruby': return (q) => `ENV.fetch(${q}${name}${q})`;
    case 'php': return () => `getenv('${name}')`;
    case 'perl': return () => `$ENV{${name}}`;
    case 'lua': return () => `os.getenv("${name}")`;
    case 'r': return () => `Sys.getenv("${name}")`;
    case 'clojure': return () => `(System/getenv "${name}")`;
    case 'matlab': return () => `getenv('${name}')`;
    case 'vbscript': return () => `CreateObject("WScript.Shell").ExpandEnvironmentStrings("%${name}%")`;
    case 'c': return () => `${opts.cpp ? 'std::' : ''}getenv("${name}")`;
    case 'rust': return () => `env!("${name}")`;
    case 'swift': return () => `ProcessInfo.processInfo.environment["${name}"]!`;
    case 'powershell': return () => `$env:${name}`;
    case 'shell': return () => `"$${name}"`;
    case 'batch': return () => `%${name}%`;
    case 'makefile': return () => `$(${name})`;
    default: return undefined;
  }
}

/** Name of the helper function some languages get for the Vault read. */
export const VAULT_HELPER = 'mispKeyFromVault';

/** The expression that reads the key from Vault KV v2, or undefined where the language gets none. */
export function vaultExpr(format: FormatId, v: VaultRef, opts: { usingSystem?: boolean } = {}): Expr | undefined {
  const url = `/v1/${v.mount}/data/${v.path}`;
  switch (format) {
    case 'python': return (q) => `hvac.Client(url=os.environ[${q}VAULT_ADDR${q}], token=os.environ[${q}VAULT_TOKEN${q}]).secrets.kv.v2.read_secret_version(mount_point=${q}${v.mount}${q}, path=${q}${v.path}${q})[${q}data${q}][${q}data${q}][${q}${v.field}${q}]`;
    case 'javascript': case 'typescript': return () => `await ${VAULT_HELPER}()`;
    case 'go': case 'java': return () => `${VAULT_HELPER}()`;
    case 'csharp': {
      const s = opts.usingSystem ? '' : 'System.';
      return () => `System.Text.Json.JsonDocument.Parse(new System.Net.Http.HttpClient { DefaultRequestHeaders = { { "X-Vault-Token", ${s}Environment.GetEnvironmentVariable("VAULT_TOKEN") } } }.GetStringAsync(${s}Environment.GetEnvironmentVariable("VAULT_ADDR") + "${url}").GetAwaiter().GetResult()).RootElement.GetProperty("data").GetProperty("data").GetProperty("${v.field}").GetString()`;
    }
    case 'ruby': return () => `JSON.parse(Net::HTTP.get(URI("#{ENV.fetch("VAULT_ADDR")}${url}"), { "X-Vault-Token" => ENV.fetch("VAULT_TOKEN") }))["data"]["data"]["${v.field}"]`;
    case 'php': return () => `json_decode(file_get_contents(getenv('VAULT_ADDR') . '${url}', false, stream_context_create(['http' => ['header' => 'X-Vault-Token: ' . getenv('VAULT_TOKEN')]])), true)['data']['data']['${v.field}']`;
    case 'powershell': return () => `(Invoke-RestMethod -Uri "$env:VAULT_ADDR${url}" -Headers @{ 'X-Vault-Token' = $env:VAULT_TOKEN }).data.data.${/^[A-Za-z_]\w*$/.test(v.field) ? v.field : `'${v.field}'`}`;
    case 'shell': return () => `"$(vault kv get -field=${v.field} ${v.mount}/${v.path})"`;
    default: return undefined;
  }
}

/** How the reference goes inside a string of the language (inline), for the literal's quote. */
function inlineRef(format: FormatId, quote: string, letters: string, expr: Expr, kind: 'env' | 'vault', envName: string): string | undefined {
  if (format === 'python' && /f/i.test(letters)) return `{${expr(quote[0] === '"' ? "'" : '"')}}`;
  if ((format === 'javascript' || format === 'typescript') && quote === '`') return `\${${expr('"')}}`;
  if (format === 'ruby' && (quote === '"' || (quote.startsWith('<<') && !quote.includes("'")))) return `#{${expr('"')}}`;
  if (format === 'shell' && (quote === '"' || quote.startsWith('<<'))) return kind === 'env' ? `\${${envName}}` : expr('"').slice(1, -1);
  if (format === 'powershell' && (quote === '"' || quote === '@"')) return kind === 'env' ? `\${env:${envName}}` : `$(${expr('"')})`;
  return undefined;
}

function lit(p: Part): string {
  return p.frag.letters + p.frag.quote + p.content + p.frag.closer;
}

/** A literal's content as template-literal content (JS): escape backticks and `${`. */
function toTemplate(p: Part, jsx: boolean): string {
  if (p.frag.quote === '`') return p.content;
  let out = '';
  const s = p.content;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && !jsx) { out += s.slice(i, i + 2); i++; continue; }
    if (c === '\\') out += '\\\\';
    else if (c === '`') out += '\\`';
    else if (c === '$' && s[i + 1] === '{') out += '\\$';
    else out += c;
  }
  return out;
}

/** Options of {@link composeLiteral}. */
export interface ComposeOpts {
  format: FormatId;
  kind: 'env' | 'vault';
  envName: string;
  /** Python: a string literal must stay (implicit concatenation with neighbours). */
  mustStayLiteral?: boolean;
  /** JS: the literal is a JSX attribute value (`attr="..."`). */
  jsx?: boolean;
  /** JS: a tagged template (`` tag`...` ``) must stay a template. */
  tagged?: boolean;
  /** TS: a standalone `process.env.X` gets `!` (it is `string | undefined`). */
  tsNonNull?: boolean;
  /** The literal stands alone (an argument, an assignment's value): a concatenation needs no parentheses. */
  standalone?: boolean;
}

/**
 * Replacement for the span of a key literal: the expression alone when the literal held only the key,
 * else the literal rebuilt around it. Undefined when the language or literal form has no safe rewrite.
 */
export function composeLiteral(span: KeySpan, expr: Expr, o: ComposeOpts): string | undefined {
  const { before: b, after: a } = span;
  const hasB = b.content !== '';
  const hasA = a.content !== '';
  const q0: Q = b.frag.quote.startsWith("'") ? "'" : '"';
  const alone = !hasB && !hasA;
  const { format } = o;
  if (span.first.quote.startsWith('<<') || span.last.quote.startsWith('<<')) return undefined;
  switch (format) {
    case 'python': {
      const bytes = /b/i.test(b.frag.letters + a.frag.letters);
      if (alone && !o.mustStayLiteral) return bytes ? `${expr(q0)}.encode()` : expr(q0);
      if (bytes) return o.mustStayLiteral ? undefined : `(${[hasB ? lit(b) : '', `${expr(q0)}.encode()`, hasA ? lit(a) : ''].filter(Boolean).join(' + ')})`;
      const fpart = (p: Part) => (/f/i.test(p.frag.letters) ? p.content : p.content.replace(/[{}]/g, (c) => c + c));
      const fletters = (p: Part) => { const l = p.frag.letters.replace(/[uU]/g, ''); return /f/i.test(l) ? l : `${l}f`; };
      const host = hasB || !hasA ? b : a;
      const inner = `{${expr(host.frag.quote[0] === '"' ? "'" : '"')}}`;
      if (hasB && hasA && b.frag.quote === a.frag.quote && fletters(b) === fletters(a)) return `${fletters(b)}${b.frag.quote}${fpart(b)}${inner}${fpart(a)}${a.frag.closer}`;
      if (hasB) return `${fletters(b)}${b.frag.quote}${fpart(b)}${inner}${b.frag.closer}${hasA ? ` ${lit(a)}` : ''}`;
      return `${fletters(host)}${host.frag.quote}${inner}${hasA ? fpart(a) : ''}${host.frag.closer}`;
    }
    case 'javascript': case 'typescript': {
      let out: string;
      if (alone && !o.tagged) out = expr('"') + (o.tsNonNull && o.kind === 'env' && !o.jsx ? '!' : '');
      else out = `\`${hasB ? toTemplate(b, !!o.jsx) : ''}\${${expr('"')}}${hasA ? toTemplate(a, !!o.jsx) : ''}\``;
      return o.jsx ? `{${out}}` : out;
    }
    case 'shell': {
      const ref = o.kind === 'env' ? `\${${o.envName}}` : expr('"').slice(1, -1);
      if (alone) return o.kind === 'env' ? `"$${o.envName}"` : expr('"');
      const dq = (p: Part) => p.frag.quote === '"';
      if (dq(b) && dq(a) && b.frag === a.frag) return `"${b.content}${ref}${a.content}"`;
      const side = (p: Part) => (dq(p) ? `"${p.content}"` : lit(p));
      return `${hasB ? side(b) : ''}"${ref}"${hasA ? side(a) : ''}`;
    }
    case 'batch': {
      // cmd.exe expands %NAME% everywhere on a line, quotes included.
      if (o.kind !== 'env' || b.frag !== a.frag || b.frag.quote !== '"') return undefined;
      return `"${b.content}%${o.envName}%${a.content}"`;
    }
    case 'c': case 'rust':
      // C and Rust strings do not concatenate with a lookup: only a whole literal is replaced.
      return alone ? expr('"') : undefined;
    case 'matlab':
      if (alone) return expr("'");
      // A "string" joins with +; a 'char array' by concatenation in [ ] ([ ] of strings would make a string array).
      if (b.frag.quote === '"' || a.frag.quote === '"') return `(${[hasB ? lit(b) : '', expr("'"), hasA ? lit(a) : ''].filter(Boolean).join(' + ')})`;
      return `[${[hasB ? lit(b) : '', expr("'"), hasA ? lit(a) : ''].filter(Boolean).join(', ')}]`;
    case 'vbscript':
      return alone ? expr('"') : [hasB ? lit(b) : '', expr('"'), hasA ? lit(a) : ''].filter(Boolean).join(' & ');
    case 'clojure':
      return alone ? expr('"') : `(str ${[hasB ? lit(b) : '', expr('"'), hasA ? lit(a) : ''].filter(Boolean).join(' ')})`;
    case 'r':
      return alone ? expr('"') : `paste0(${[hasB ? lit(b) : '', expr('"'), hasA ? lit(a) : ''].filter(Boolean).join(', ')})`;
    case 'ruby': case 'powershell': case 'go': case 'java': case 'kotlin': case 'groovy': case 'csharp': case 'php': case 'perl': case 'lua': case 'swift': {
      if (alone) return expr(q0);
      if ((format === 'java' || format === 'csharp') && (b.frag.quote === '"""' || a.frag.quote === '"""')) return undefined;
      if (b.frag === a.frag && format !== 'php') {
        const inline = inlineRef(format, b.frag.quote, b.frag.letters, expr, o.kind, o.envName);
        if (inline) return `${b.frag.letters}${b.frag.quote}${b.content}${inline}${a.content}${a.frag.closer}`;
      }
      const op = format === 'php' || format === 'perl' ? '.' : format === 'lua' ? '..' : '+';
      const sum = [hasB ? lit(b) : '', expr(q0), hasA ? lit(a) : ''].filter(Boolean).join(` ${op} `);
      return o.standalone ? sum : `(${sum})`;
    }
    default:
      return undefined;
  }
}

/** Inline reference for a key inside a heredoc body (only the key characters are replaced), if the heredoc interpolates. */
export function heredocRef(format: FormatId, quote: string, opener: string, expr: Expr, kind: 'env' | 'vault', envName: string): string | undefined {
  if (/['"\\]/.test(opener.replace(/^<<<?[-~]?\s*/, '').slice(0, 1))) return undefined;
  if (format === 'ruby' || format === 'shell') return inlineRef(format, quote, '', expr, kind, envName);
  return undefined;
}
