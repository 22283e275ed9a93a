/**
 * What `misp-guard fix` would do to one file: fix rounds (plan, merge, apply, analyse again, until
 * nothing more can be fixed), the keys to store, and a diff of the change with every key masked.
 * No file-system writes here.
 */
import { formatPatch, structuredPatch } from 'diff';
import { analyzeText, mask } from '../core';
import type { Finding, KeyFixData } from '../core';
import { applyEdits, placePlan, secretValue } from '../core/fixes';
import type { FixPlan, FixSettings, KeyPlaces, OffsetEdit } from '../core/fixes';
import { combineFixes } from '../fixCombine';
import type { ChosenFix, FixableFinding, PlanPicker } from '../fixCombine';

/** How many fix rounds a file gets (each round fixes every finding whose fix does not overlap another). */
const MAX_ROUNDS = 8;

/** The planned change of one file. */
export interface FilePlan {
  path: string;
  /** Text as read. */
  before: string;
  /** Text after every fix. */
  after: string;
  /** The fixes, in the order applied; those that remove a key carry it and where it goes. */
  chosen: ChosenFix[];
  /** Findings still in `after`, with why they were not fixed. */
  remaining: { finding: Finding; reason: string }[];
  /** Findings in `before`. */
  found: Finding[];
}

/** The plan picker of `fix --to env|vault`: never a suppression. */
export function cliPicker(to: 'env' | 'vault', caBundle: string | undefined): PlanPicker {
  return (plans: FixPlan[], finding: FixableFinding) => {
    const by = (id: FixPlan['id']) => plans.find((p) => p.id === id);
    if (finding.fix.type === 'tls') return (caBundle ? by('tls-ca') : undefined) ?? by('tls') ?? { reason: 'no automatic fix for this TLS setting' };
    const plan = by(to) ?? by('redact');
    if (plan) return plan;
    const other = by(to === 'env' ? 'vault' : 'env');
    const why = other?.note ? ` (${other.note.replace(/\.$/, '')})` : '';
    return { reason: `no ${to === 'env' ? 'environment-variable' : 'Vault'} fix for this format${other ? `; --to ${other.id} can fix it${why}` : ''}` };
  };
}

/**
 * Plans the fixes of one file (`findings0`: its findings, when already known). With `places` (one for
 * the whole run), every different key gets a variable and Vault field of its own, across the files of
 * the run and what the store already holds.
 */
export function planFile(path: string, text: string, languageId: string, settings: FixSettings, pick: PlanPicker, places?: KeyPlaces, findings0?: Finding[], judgedAs = path): FilePlan {
  const input = { path: judgedAs, languageId };
  const found = findings0 ?? analyzeText(text, input).findings;
  const chosen: ChosenFix[] = [];
  let after = text;
  let findings = found;
  let reasons = new Map<Finding, string>();
  for (let round = 0; round < MAX_ROUNDS && findings.length > 0; round++) {
    const current = after;
    const placed: PlanPicker = (plans, finding) => {
      const p = pick(plans, finding);
      return places && 'id' in p ? placePlan(current, finding, p, settings, places) : p;
    };
    const combined = combineFixes(after, findings, settings, placed);
    reasons = new Map(combined.skipped.map((s) => [s.finding as Finding, s.reason]));
    if (combined.chosen.length === 0) break;
    const next = applyEdits(after, combined.edits);
    const left = analyzeText(next, input).findings;
    // A round that removes nothing would only pile up edits: keep the text as it was and stop.
    if (left.length >= findings.length) {
      reasons = new Map(findings.map((f) => [f, 'its fix did not remove it']));
      break;
    }
    after = next;
    chosen.push(...combined.chosen);
    findings = left;
    reasons = new Map();
  }
  const remaining = findings.map((finding) => ({ finding, reason: reasons.get(finding) ?? 'its fix did not remove it' }));
  return { path, before: text, after, chosen, remaining, found };
}

/**
 * Edits that mask every key of `findings` in `text`: the key characters of each literal become a
 * masked preview, so that no more than the first 4 characters of a key show. A split literal shows them
 * in its first fragment only; later fragments become `…`. A base64 value is masked whole.
 */
function maskEdits(text: string, findings: readonly Finding[]): OffsetEdit[] {
  const edits: OffsetEdit[] = [];
  for (const f of findings) {
    if (f.fix.type !== 'key') continue;
    const fix: KeyFixData = f.fix;
    if (fix.encoding === 'base64') {
      edits.push({ start: fix.valueStart, end: fix.valueEnd, newText: mask(text.slice(fix.valueStart, fix.valueEnd)) });
      continue;
    }
    let secret = '';
    try {
      secret = secretValue(text, fix);
    } catch {
      // fall back to the alphanumeric runs alone
    }
    const from = Math.min(fix.literalStart, fix.valueStart);
    const to = Math.max(fix.literalEnd, fix.valueEnd);
    for (const m of text.slice(from, to).matchAll(/[A-Za-z0-9]+/g)) {
      const run = m[0];
      const inKey = secret !== '' && run.length >= 3 && secret.includes(run);
      if (run.length < 40 && !inKey) continue;
      // Only a run the key starts with may show its first characters: any other part of the key shows none.
      const preview = run.length >= 40 || (inKey && secret.startsWith(run)) ? mask(run) : '…';
      edits.push({ start: from + m.index, end: from + m.index + run.length, newText: preview });
    }
  }
  edits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: OffsetEdit[] = [];
  for (const e of edits) if (!out.length || e.start >= out[out.length - 1].end) out.push(e);
  return out;
}

/** A hex digest (a commit or action SHA-1, a SHA-256 checksum): hex digits in one case. It cannot hold a mixed-case key. */
const HEX_DIGEST = /^(?:[0-9a-f]+|[0-9A-F]+)$/;
/** A long identifier made of words, no digits (DangerousAcceptAnyServerCertificateValidator). */
const WORDS_ONLY = /^(?:[A-Z]*[a-z]{2,})+[A-Z]*$/;

/**
 * Masks every run of 40 or more key characters that could hold a key (one on its own, or glued to
 * other letters such as a colour code), except hex digests, so a pinned `actions/checkout@<sha>` stays
 * readable, and long identifiers made of words.
 */
function maskKeyShaped(text: string): string {
  return text.replace(/[A-Za-z0-9]{40,}/g, (m) => (HEX_DIGEST.test(m) || (m.length > 40 && WORDS_ONLY.test(m)) ? m : mask(m)));
}

/**
 * A text with every key masked: by the findings' offsets, then every known secret string (the keys
 * being moved, whatever their shape), then any run shaped like a key.
 */
export function maskText(text: string, findings: readonly Finding[], secrets: readonly string[]): string {
  let out = applyEdits(text, maskEdits(text, findings));
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= 8) out = out.split(s).join(mask(s));
  return maskKeyShaped(out);
}

/** The steps applied to a file, each once, with a count where it was applied several times ("Enable TLS certificate verification (2)"). */
export function stepsOf(plan: FilePlan): string {
  const counts = new Map<string, number>();
  for (const c of plan.chosen) counts.set(c.plan.title, (counts.get(c.plan.title) ?? 0) + 1);
  return [...counts].map(([title, n]) => (n > 1 ? `${title} (${n})` : title)).join('; ');
}

/** The unified diff of a planned file, every key masked. */
export function maskedDiff(plan: FilePlan, displayPath: string): string {
  const secrets = plan.chosen.map((c) => c.secret).filter((s): s is string => s !== undefined);
  const before = maskText(plan.before, plan.found, secrets);
  const after = maskText(plan.after, plan.remaining.map((r) => r.finding), secrets);
  const patch = structuredPatch(`a/${displayPath}`, `b/${displayPath}`, before, after, undefined, undefined, { context: 3 });
  return formatPatch(patch, { includeIndex: false, includeUnderline: false, includeFileHeaders: true });
}
