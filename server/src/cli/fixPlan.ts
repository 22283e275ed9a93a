/**
 * What `misp-guard fix` would do to one file: fix rounds (plan, merge, apply, analyse again, until
 * nothing more can be fixed), the keys to store, and a diff of the change with every key masked.
 * No file-system writes here.
 */
import { formatPatch, structuredPatch } from 'diff';
import { analyzeText, mask, redact } from '../core';
import type { Finding, KeyFixData } from '../core';
import { applyEdits, secretValue } from '../core/fixes';
import type { FixPlan, FixSettings, OffsetEdit } from '../core/fixes';
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

/** Plans the fixes of one file. */
export function planFile(path: string, text: string, languageId: string, settings: FixSettings, pick: PlanPicker): FilePlan {
  const input = { path, languageId };
  const found = analyzeText(text, input).findings;
  const chosen: ChosenFix[] = [];
  let after = text;
  let findings = found;
  let reasons = new Map<Finding, string>();
  for (let round = 0; round < MAX_ROUNDS && findings.length > 0; round++) {
    const combined = combineFixes(after, findings, settings, pick);
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
 * Edits that mask every key of `findings` in `text`: the key characters of each literal (every
 * fragment of a split literal) become a masked preview; a base64 value is masked whole.
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
      if (run.length >= 40 || (secret !== '' && run.length >= 3 && secret.includes(run))) edits.push({ start: from + m.index, end: from + m.index + run.length, newText: mask(run) });
    }
  }
  edits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: OffsetEdit[] = [];
  for (const e of edits) if (!out.length || e.start >= out[out.length - 1].end) out.push(e);
  return out;
}

/** A text with every key masked: by the findings' offsets, then every known secret string, then any key-shaped token. */
export function maskText(text: string, findings: readonly Finding[], secrets: readonly string[]): string {
  let out = applyEdits(text, maskEdits(text, findings));
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= 8) out = out.split(s).join(mask(s));
  return redact(out);
}

/** The unified diff of a planned file, every key masked. */
export function maskedDiff(plan: FilePlan, displayPath: string): string {
  const secrets = plan.chosen.map((c) => c.secret).filter((s): s is string => s !== undefined);
  const before = maskText(plan.before, plan.found, secrets);
  const after = maskText(plan.after, plan.remaining.map((r) => r.finding), secrets);
  const patch = structuredPatch(`a/${displayPath}`, `b/${displayPath}`, before, after, undefined, undefined, { context: 3 });
  return formatPatch(patch, { includeIndex: false, includeUnderline: false, includeFileHeaders: true });
}
