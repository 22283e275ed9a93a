/**
 * Test support for the fix builders: does a fixed file still parse (with the real parser or tool where the
 * machine has one), and did applying a plan remove exactly the finding it was made for?
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { analyzeText, containsKeyLike, type Finding, type FormatId } from '../../server/src/core';
import { applyEdits, planFixes, secretValue, type FixPlan, type FixSettings } from '../../server/src/core/fixes';
import { bracesView } from '../../server/src/core/formats/braces';
import { nginxView } from '../../server/src/core/formats/nginx';
import { xmlView } from '../../server/src/core/formats/xml';

// smol-toml's types are ESM-only; its package also ships a CommonJS build, which require() loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parseToml = (require('smol-toml') as { parse: (s: string) => unknown }).parse;

/** Outcome of a parse check: an error message, or why no check could run. */
export type ParseResult = { ok: true } | { ok: false; error: string } | { skipped: string };

const dir = mkdtempSync(join(tmpdir(), 'misp-guard-fixes-'));
let fileNo = 0;
function tempFile(text: string, ext: string): string {
  const p = join(dir, `f${++fileNo}${ext}`);
  writeFileSync(p, text, 'utf8');
  return p;
}

const toolCache = new Map<string, boolean>();
function has(tool: string, args: string[] = ['--version']): boolean {
  if (!toolCache.has(tool)) toolCache.set(tool, spawnSync(tool, args, { encoding: 'utf8', input: '' }).status === 0);
  return toolCache.get(tool)!;
}

function run(cmd: string, args: string[], input?: string): ParseResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60000 });
  if (r.status === 0) return { ok: true };
  return { ok: false, error: `${cmd}: ${(r.stderr || r.stdout || String(r.error)).trim().slice(0, 800)}` };
}

const PY_COMPILE = 'import sys\nfor p in sys.argv[1:]:\n    compile(open(p, encoding="utf-8").read(), p, "exec")\n';

function python(code: string): ParseResult {
  if (!has('python3')) return { skipped: 'python3 is not installed' };
  return run('python3', ['-c', PY_COMPILE, tempFile(code, '.py')]);
}

let javaChecker: string | undefined;
function java(code: string): ParseResult {
  if (!has('javac', ['-version'])) return { skipped: 'no Java compiler (javac) on this machine' };
  if (!javaChecker) {
    const src = join(dir, 'ParseCheck.java');
    writeFileSync(src, [
      'import javax.tools.*;',
      'import com.sun.source.util.JavacTask;',
      'public class ParseCheck {',
      '  public static void main(String[] a) throws Exception {',
      '    JavaCompiler c = ToolProvider.getSystemJavaCompiler();',
      '    DiagnosticCollector<JavaFileObject> d = new DiagnosticCollector<>();',
      '    StandardJavaFileManager fm = c.getStandardFileManager(d, null, null);',
      '    JavacTask t = (JavacTask) c.getTask(null, fm, d, java.util.List.of("-proc:none"), null, fm.getJavaFileObjects(a));',
      '    t.parse();',
      '    int errors = 0;',
      '    for (Diagnostic<?> x : d.getDiagnostics()) if (x.getKind() == Diagnostic.Kind.ERROR) { System.err.println(x); errors++; }',
      '    System.exit(errors == 0 ? 0 : 1);',
      '  }',
      '}',
    ].join('\n'));
    const r = spawnSync('javac', ['-d', dir, src], { encoding: 'utf8' });
    if (r.status !== 0) return { skipped: `cannot build the Java parse checker: ${r.stderr}` };
    javaChecker = dir;
  }
  const sub = mkdtempSync(join(dir, 'j'));
  const cls = /\bclass\s+(\w+)/.exec(code)?.[1] ?? 'X';
  const p = join(sub, `${cls}.java`);
  writeFileSync(p, code);
  return run('java', ['-cp', javaChecker, 'ParseCheck', p]);
}

function jsLike(code: string, ts_: boolean): ParseResult {
  // TypeScript: a file parses as .ts or, with JSX, as .tsx; JavaScript parses JSX as .js already.
  let last: ParseResult = { ok: true };
  for (const fileName of ts_ ? ['x.ts', 'x.tsx'] : ['x.js']) {
    const out = ts.transpileModule(code, { fileName, reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, jsx: ts.JsxEmit.Preserve, allowJs: true } });
    const errs = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (!errs.length) return { ok: true };
    last = { ok: false, error: errs.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ') };
  }
  return last;
}

function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function dotenv(text: string): ParseResult {
  for (const l of lines(text)) {
    const t = l.trim();
    if (!t || t.startsWith('#')) continue;
    const m = /^(?:export\s+)?[A-Za-z_][\w.-]*=(.*)$/.exec(t);
    if (!m) return { ok: false, error: `not a KEY=value line: ${t}` };
    const v = m[1];
    if (/^['"]/.test(v) && !new RegExp(`^${v[0]}[^${v[0]}]*${v[0]}\\s*(#.*)?$`).test(v)) return { ok: false, error: `unbalanced quotes: ${t}` };
  }
  return { ok: true };
}

function properties(text: string): ParseResult {
  let continued = false;
  for (const l of lines(text)) {
    const t = l.trim();
    const wasContinued = continued;
    continued = /(^|[^\\])(\\\\)*\\$/.test(l);
    if (wasContinued || !t || /^[#!]/.test(t)) continue;
    if (!/^(?:\\.|[^=:\s\\])+\s*[=:\s]/.test(t) && !/^(?:\\.|[^=:\s\\])+$/.test(t)) return { ok: false, error: `not a key=value line: ${t}` };
  }
  return continued ? { ok: false, error: 'dangling continuation at the end' } : { ok: true };
}

const DOCKER = /^(FROM|RUN|CMD|LABEL|MAINTAINER|EXPOSE|ENV|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ARG|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL)\b/i;

function dockerfile(text: string): ParseResult {
  let cont = false;
  for (const l of lines(text)) {
    const t = l.trim();
    if (t.startsWith('#')) continue;
    if (!cont && t && !DOCKER.test(t)) return { ok: false, error: `not an instruction: ${t}` };
    if (!cont && /^ENV\b/i.test(t) && t.split(/\s+/).length < 2) return { ok: false, error: `empty ENV: ${t}` };
    cont = /\\$/.test(t);
  }
  return cont ? { ok: false, error: 'continuation at the end of the file' } : { ok: true };
}

/** Checks that a text parses as the given format, with the strictest parser available here. */
export function parses(text: string, format: FormatId): ParseResult {
  switch (format) {
    case 'python': return python(text);
    case 'javascript': return jsLike(text, false);
    case 'typescript': return jsLike(text, true);
    case 'json': {
      const errors: ParseError[] = [];
      if (/^\s*\/\//m.test(text)) { parseJsonc(text, errors); return errors.length ? { ok: false, error: `JSONC error ${errors[0].error} at ${errors[0].offset}` } : { ok: true }; }
      try { JSON.parse(text); return { ok: true }; } catch (e) { return { ok: false, error: String(e) }; }
    }
    case 'ipynb': {
      let nb: { cells: Array<{ cell_type: string; source: string | string[] }> };
      try { nb = JSON.parse(text); } catch (e) { return { ok: false, error: String(e) }; }
      const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
      for (const c of code) { const r = python(c); if (!('ok' in r && r.ok)) return r; }
      return { ok: true };
    }
    case 'yaml': {
      const errs = parseAllDocuments(text).flatMap((d) => d.errors);
      return errs.length ? { ok: false, error: errs[0].message } : { ok: true };
    }
    case 'toml': try { parseToml(text); return { ok: true }; } catch (e) { return { ok: false, error: String(e) }; }
    case 'hocon': case 'hcl': case 'logstash': {
      const v = bracesView(text);
      return v.error ? { ok: false, error: v.error.message } : { ok: true };
    }
    case 'nginx': case 'xml': {
      const v = format === 'nginx' ? nginxView(text) : xmlView(text);
      return v.error ? { ok: false, error: v.error.message } : { ok: true };
    }
    case 'ini':
      if (!has('python3')) return { skipped: 'python3 (configparser) is not installed' };
      // strict=False: systemd units repeat options (Environment=); no interpolation: values may hold % specifiers.
      return run('python3', ['-c', 'import configparser,sys\nc=configparser.ConfigParser(strict=False, interpolation=None)\nc.read_string(open(sys.argv[1],encoding="utf-8").read())', tempFile(text, '.ini')]);
    case 'dotenv': return dotenv(text);
    case 'properties': return properties(text);
    case 'dockerfile': return dockerfile(text);
    case 'shell': return run('bash', ['-n'], text);
    case 'java': return java(text);
    case 'go': return has('gofmt', ['-l']) ? run('gofmt', ['-e', '-l', tempFile(text, '.go')]) : { skipped: 'gofmt is not installed (Go toolchain missing)' };
    case 'php': return has('php') ? run('php', ['-l', tempFile(text, '.php')]) : { skipped: 'php is not installed' };
    case 'ruby': return has('ruby') ? run('ruby', ['-c', tempFile(text, '.rb')]) : { skipped: 'ruby is not installed' };
    case 'perl': return has('perl') ? run('perl', ['-c', tempFile(text, '.pl')]) : { skipped: 'perl is not installed' };
    case 'powershell': return has('pwsh') ? run('pwsh', ['-NoProfile', '-Command', `$e=$null; [void][System.Management.Automation.Language.Parser]::ParseFile('${tempFile(text, '.ps1')}', [ref]$null, [ref]$e); if ($e.Count) { $e | Out-String | Write-Error; exit 1 }`]) : { skipped: 'no PowerShell (pwsh) on this machine' };
    case 'rust': return has('rustfmt', ['--version']) ? run('rustfmt', ['--edition', '2021', '--emit', 'stdout', tempFile(text, '.rs')]) : { skipped: 'rustfmt is not installed' };
    case 'c': {
      const cpp = /\bstd::|\bnamespace\s+\w+|#include\s*<(?:iostream|string|cstdlib|vector|memory)>|\bclass\s+\w+\s*[:{]/.test(text);
      const cc = cpp ? 'g++' : 'gcc';
      return has(cc, ['--version']) ? run(cc, ['-fsyntax-only', '-x', cpp ? 'c++' : 'c', tempFile(text, cpp ? '.cpp' : '.c')]) : { skipped: `${cc} is not installed` };
    }
    case 'csharp': return has('dotnet') ? { skipped: 'dotnet is installed but no syntax-only C# check is wired' } : { skipped: 'no C# parser on this machine (dotnet/csc not installed)' };
    default: return { skipped: `no parser for ${format}` };
  }
}

/** Asserts a parse result in a mocha test: fails on an error, marks the test pending (with the reason logged) when skipped. */
export function expectParses(ctx: Mocha.Context, text: string, format: FormatId, label: string): void {
  const r = parses(text, format);
  if ('skipped' in r) {
    console.log(`      [skip] ${label}: ${r.skipped}`);
    ctx.skip();
  }
  if ('ok' in r && !r.ok) assert.fail(`${label} does not parse as ${format}: ${r.error}\n---\n${text}`);
}

/** Identity of a finding that survives edits elsewhere in the file: rule and flagged text. */
function ident(text: string, f: Finding): string {
  return `${f.ruleId}|${text.slice(f.start, f.end)}`;
}

/**
 * Applies a plan and checks it: edits valid, no key in title or note, exactly the target finding gone on
 * rescan (others unchanged), the key stored by `secretValue` is the one removed from the file.
 */
export function checkPlan(path: string, text: string, target: Finding, plan: FixPlan, findings: Finding[], key?: string): string {
  assert.ok(plan.edits.length > 0, 'a plan has edits');
  assert.ok(!containsKeyLike(plan.title) && !containsKeyLike(plan.note ?? ''), `title or note leaks a key: ${plan.title} / ${plan.note}`);
  const out = applyEdits(text, plan.edits);
  const after = analyzeText(out, { path }).findings;
  // A file-level directive names a rule: every finding of that rule in the file goes, and only those.
  const fileLevel = plan.id === 'suppress' && plan.edits.some((e) => e.newText.includes('misp-guard-ignore-file'));
  const expected = findings.filter((f) => !(fileLevel && f.ruleId === target.ruleId)).map((f) => ident(text, f));
  if (!fileLevel) expected.splice(expected.indexOf(ident(text, target)), 1);
  assert.deepEqual(after.map((f) => ident(out, f)).sort(), expected.sort(), `${plan.id}: only the target finding goes away\n---\n${out}`);
  if (target.fix.type === 'key') {
    const value = secretValue(text, target.fix);
    assert.match(value, /^[A-Za-z0-9]{40}$/);
    if (key) assert.equal(value, key);
    else if (!target.fix.split && !target.fix.encoding) assert.equal(value, text.slice(target.fix.valueStart, target.fix.valueStart + 40));
    if (plan.storesSecret) {
      const count = (s: string) => s.split(value).length - 1;
      assert.equal(count(out), Math.max(0, count(text) - 1), `${plan.id}: the key must leave this place in the file`);
      // Idempotence: the old finding no longer fits the fixed text, so no plan can be applied twice.
      assert.deepEqual(planFixes(out, target), [], `${plan.id}: stale finding data must give no plan`);
    }
    if (plan.id === 'suppress') assert.ok(plan.edits.every((e) => e.start === e.end && e.newText.includes('misp-guard-ignore')), 'suppress only inserts a directive');
  }
  if (plan.id === 'env') assert.match(plan.envVar ?? '', /^[A-Za-z_]\w*$/);
  if (plan.id === 'env' || plan.id === 'vault' || plan.id === 'redact') assert.ok(plan.storesSecret);
  if (plan.id === 'vault') assert.ok(plan.vaultRef);
  return out;
}

/** Line-break check: every inserted line uses the file's CRLF. */
export function assertCrlf(text: string): void {
  assert.ok(!/(?<!\r)\n/.test(text), `a lone \\n in a CRLF file:\n${JSON.stringify(text)}`);
}

/** All plans for every finding of a file, each checked (rescan, secret) and, in its own test, parsed. */
export function describeFile(path: string, text: string, opts: { format?: FormatId; settings?: Partial<FixSettings>; keys?: string[]; crlf?: boolean; noMove?: Record<number, string> } = {}): void {
  const report = analyzeText(text, { path });
  const format = opts.format ?? report.format;
  for (const f of report.findings) {
    const line = text.slice(0, f.start).split(/\r\n|\r|\n/).length;
    const plans = planFixes(text, f, opts.settings);
    it(`${path}:${line} ${f.ruleId}: plans ${plans.map((p) => p.id).join(', ')}`, () => {
      assert.ok(plans.some((p) => p.id === 'suppress') || format === 'plaintext', 'every finding can be suppressed');
      const noMove = opts.noMove?.[line];
      if (f.fix.type === 'key' && noMove) assert.ok(!plans.some((p) => p.storesSecret), `expected no move plan (${noMove})`);
      else if (f.fix.type === 'key') assert.ok(plans.some((p) => p.storesSecret), 'a key finding has a plan that moves the key');
    });
    for (const p of plans) {
      const label = `${path}:${line} ${f.ruleId} → ${p.id}`;
      it(`${label}: finding gone, key kept`, () => {
        const key = opts.keys?.find((k) => secretValue(text, f.fix as never) === k);
        const out = checkPlan(path, text, f, p, report.findings, key);
        if (opts.crlf) assertCrlf(out);
      });
      it(`${label}: still parses`, function () {
        this.timeout(60000);
        const before = parses(text, format);
        if ('ok' in before && !before.ok) {
          console.log(`      [skip] ${label}: the original file does not parse as ${format} either (${before.error.slice(0, 120)})`);
          this.skip();
        }
        expectParses(this, applyEdits(text, p.edits), format, label);
      });
    }
  }
}

/** The text after applying plan `id` for finding `index` (default: the first key finding). */
export function fixed(path: string, text: string, id: FixPlan['id'], index?: number, settings?: Partial<FixSettings>): string {
  const findings = analyzeText(text, { path }).findings;
  const f = index === undefined ? findings.find((x) => x.fix.type === 'key') : findings[index];
  assert.ok(f, `no finding in ${path}`);
  const plan = planFixes(text, f, settings).find((p) => p.id === id);
  assert.ok(plan, `no ${id} plan for ${path}: ${planFixes(text, f, settings).map((p) => p.id)}`);
  return applyEdits(text, plan.edits);
}

