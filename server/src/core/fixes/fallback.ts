/**
 * A key written as the fallback of an environment read (`process.env.MISP_KEY || "KEY"`,
 * `os.getenv("MISP_KEY", "KEY")`, `${MISP_KEY:-KEY}`): the program already reads the variable, so the
 * fix is to drop the fallback.
 */
import { lineStartAt } from '../text';
import { envTitle } from './codePlans';
import { fragmentsOf, keySpan } from './literal';
import type { FixPlan, KeyCtx } from './model';
import { isCodeFormat } from '../formats/code';

const OR = /(\s*(?:\|\||\?\?|\?:|\bor\b)\s*)$/;
const ENV_READ = /(?:process\.env(?:\.([A-Za-z_]\w*)|\[\s*["'`]([A-Za-z_]\w*)["'`]\s*\])|os\.environ\.get\(\s*["']([A-Za-z_]\w*)["']\s*\)|os\.getenv\(\s*["']([A-Za-z_]\w*)["']\s*\)|getenv\(\s*["']([A-Za-z_]\w*)["']\s*\)|ENV\[\s*["']([A-Za-z_]\w*)["']\s*\]|GetEnvironmentVariable\(\s*"([A-Za-z_]\w*)"\s*\)|\$env:([A-Za-z_]\w*))\s*$/;
const DEFAULT_ARG = /(?:os\.getenv|os\.environ\.get|ENV\.fetch|getenv)\(\s*["']([A-Za-z_]\w*)["'](\s*,\s*)$/;
const SHELL_DEFAULT = /\$\{([A-Za-z_]\w*)(:?[-=])$/;

/** The plan that drops a key written as the default of an environment read, if the key is one. */
export function fallbackPlan(c: KeyCtx): FixPlan | undefined {
  const { text, fix } = c;
  if (fix.split || fix.encoding) return undefined;
  const plan = (start: number, end: number, name: string): FixPlan => ({
    id: 'env', title: envTitle(name), edits: [{ start, end, newText: '' }], storesSecret: true, envVar: name, preferred: true,
    note: `The program already reads ${name}; the hard-coded fallback is removed, so ${name} must be set where it runs.`,
  });
  const keyEnd = fix.valueStart + 40;
  const sh = SHELL_DEFAULT.exec(text.slice(Math.max(0, fix.valueStart - 80), fix.valueStart));
  if (sh && text[keyEnd] === '}') return plan(fix.valueStart - sh[2].length, keyEnd, sh[1]);
  if (!isCodeFormat(fix.format)) return undefined;
  const span = keySpan(text, fragmentsOf(text, fix.format, fix), fix);
  if (!span || span.before.content || span.after.content) return undefined;
  const left = text.slice(Math.max(lineStartAt(text, span.start), span.start - 200), span.start);
  const arg = DEFAULT_ARG.exec(left);
  if (arg && /^\s*\)/.test(text.slice(span.end, span.end + 20))) return plan(span.start - arg[2].length, span.end, arg[1]);
  const or = OR.exec(left);
  if (or) {
    const read = ENV_READ.exec(left.slice(0, left.length - or[1].length));
    const name = read?.slice(1).find(Boolean);
    if (name) return plan(span.start - or[1].length, span.end, name);
  }
  return undefined;
}
