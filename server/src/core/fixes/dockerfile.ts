/**
 * Dockerfile: a key in ENV/ARG leaves the image (passed at run time or as a build secret); a key in a
 * RUN command becomes a BuildKit secret mount; in a shell-form CMD/ENTRYPOINT a runtime variable.
 */
import { lineEndAt, lineStartAt } from '../text';
import { envTitle } from './codePlans';
import { continuedRange, deleteLine, nextLineStart, shellExpand, shellQuoteState } from './edits';
import type { FixPlan, KeyCtx, OffsetEdit } from './model';

interface Tok { start: number; end: number; text: string }

const WORD = /(?:"(?:[^"\\]|\\.)*"|'[^']*'|\\(?![\r\n])[^\r\n]|[^\s"'\\])+/g;

function words(text: string, start: number, end: number): Tok[] {
  const out: Tok[] = [];
  const s = text.slice(start, end);
  WORD.lastIndex = 0;
  for (let m = WORD.exec(s); m; m = WORD.exec(s)) out.push({ start: start + m.index, end: start + m.index + m[0].length, text: m[0] });
  return out;
}

/** Plans for a key in a Dockerfile. */
export function dockerfileKeyPlans(c: KeyCtx): FixPlan[] {
  const { text, fix } = c;
  const range = continuedRange(text, fix.valueStart);
  const toks = words(text, range.start, range.end).filter((t) => t.text !== '\\');
  const instr = toks[0]?.text.toUpperCase();
  const tok = toks.find((t) => t.start <= fix.valueStart && fix.valueStart < t.end);
  if (!tok || !instr) return [];
  const plan = (edits: OffsetEdit[], envVar: string, note: string): FixPlan[] => [{ id: 'env', title: envTitle(envVar), edits, storesSecret: true, envVar, note, preferred: true }];
  const eq = tok.text.indexOf('=');
  if (instr === 'ENV') {
    const assigns = toks.slice(1);
    const legacy = eq < 0 || !/^[A-Za-z_]\w*=/.test(assigns[0]?.text ?? '');
    const name = legacy ? assigns[0]?.text : tok.text.slice(0, eq);
    if (!name || !/^[A-Za-z_]\w*$/.test(name)) return [];
    const note = `The key no longer goes into the image layers: pass ${name} when the container starts (docker run -e ${name}, or environment: in Compose); if a RUN step needs it, use a build secret (RUN --mount=type=secret).`;
    if (legacy || assigns.length === 1) return plan([{ start: range.start, end: nextLineStart(text, range.end), newText: '' }], name, note);
    return plan(removeWord(text, tok, range.start), name, note);
  }
  if (instr === 'ARG') {
    if (eq < 0) return [];
    const name = tok.text.slice(0, eq);
    return plan([{ start: tok.start + eq, end: tok.end, newText: '' }], name, `Build arguments are recorded in the image history: pass ${name} with --build-arg only for values that are not secret; better, read it from a build secret (RUN --mount=type=secret,id=${name.toLowerCase()}).`);
  }
  const args = text.slice(toks[0].end, range.end).trimStart();
  if (args.startsWith('[')) return [];
  const state = shellQuoteState(text.slice(toks[0].end, fix.valueStart));
  const key = { start: fix.valueStart, end: fix.valueStart + 40 };
  const alone = tok.start === fix.valueStart && tok.end === fix.valueStart + 40;
  if (instr === 'RUN') {
    const id = c.envVar.toLowerCase();
    const mount = new RegExp(`--mount=type=secret,id=${id}\\b`).test(args) ? [] : [{ start: toks[0].end, end: toks[0].end, newText: ` --mount=type=secret,id=${id}` }];
    const ref = `$(cat /run/secrets/${id})`;
    return plan([...mount, { ...key, newText: alone ? `"${ref}"` : shellExpand(ref, state) }], c.envVar,
      `The key is now a BuildKit secret, never stored in a layer: build with docker build --secret id=${id},env=${c.envVar} .`);
  }
  if (instr === 'CMD' || instr === 'ENTRYPOINT') {
    return plan([{ ...key, newText: alone ? `"$${c.envVar}"` : shellExpand(`\${${c.envVar}}`, state) }], c.envVar,
      `The shell of ${instr} now expands ${c.envVar} at run time: pass it with docker run -e ${c.envVar} (or environment: in Compose).`);
  }
  return [];
}

/** Removes one word of a multi-line instruction, keeping the line continuations valid. */
function removeWord(text: string, tok: Tok, instrStart: number): OffsetEdit[] {
  const ls = lineStartAt(text, tok.start);
  const le = lineEndAt(text, tok.start);
  const rest = text.slice(tok.end, le).trim();
  const ownLine = ls > instrStart && text.slice(ls, tok.start).trim() === '' && (rest === '' || rest === '\\');
  if (ownLine && rest === '\\') return [deleteLine(text, ls)];
  if (ownLine) {
    // The last line of the instruction: the line before must lose its continuation backslash.
    let p = ls - 1;
    if (text[p] === '\n' && text[p - 1] === '\r') p--;
    let q = p;
    while (q > instrStart && text[q - 1] !== '\\') q--;
    q--;
    while (q > instrStart && /[ \t]/.test(text[q - 1])) q--;
    return [{ start: q, end: le, newText: '' }];
  }
  if (text[tok.end] === ' ' || text[tok.end] === '\t') return [{ start: tok.start, end: tok.end + 1, newText: '' }];
  return [{ start: tok.start - 1, end: tok.end, newText: '' }];
}
