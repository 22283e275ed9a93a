/**
 * Several fixes in one file (fix-all in the editor, `misp-guard fix` in the CLI): one plan per finding,
 * merged into one edit list without overlaps, and the keys the merged edits remove, each with where it
 * must be stored. Pure: no connection, no file system, no scan.
 */
import { planFixes, secretValue } from './core/fixes';
import type { FixPlan, FixSettings, OffsetEdit } from './core/fixes';
import type { FixData, RuleId } from './core';
import type { SecretRef } from './node/secretStores/store';

/** What a fix needs of a finding (a core Finding, or a diagnostic's data). */
export interface FixableFinding {
  ruleId: RuleId;
  fix: FixData;
}

/** A plan chosen for a finding. A plan that removes a key carries the key and where it goes. */
export interface ChosenFix {
  finding: FixableFinding;
  plan: FixPlan;
  /** The key the plan removes (only for plans with `storesSecret`). Never print it. */
  secret?: string;
  ref?: SecretRef;
}

/** The merged result. */
export interface CombinedFixes {
  /** Non-overlapping edits of every chosen plan, identical insertions (a shared import) once. */
  edits: OffsetEdit[];
  chosen: ChosenFix[];
  /** Findings left alone, with why (no plan of the wanted kind, overlap, another key under the same name). */
  skipped: { finding: FixableFinding; reason: string }[];
}

/** Chooses one plan from a finding's plans, or says why there is none. */
export type PlanPicker = (plans: FixPlan[], finding: FixableFinding) => FixPlan | { reason: string };

/** The fix-all choice: the preferred plan, else the first one that is not a suppression. */
export const pickPreferred: PlanPicker = (plans) =>
  plans.find((p) => p.preferred && p.id !== 'suppress') ?? plans.find((p) => p.id !== 'suppress') ?? { reason: 'no automatic fix for this finding' };

/** Where a plan's key must be stored: the plan's variable or Vault location, else the settings'. */
export function secretRef(plan: FixPlan, settings: FixSettings): SecretRef {
  return { name: plan.envVar ?? settings.envVarName, vault: { ...(plan.vaultRef ?? settings.vault) } };
}

const sameVault = (a: SecretRef, b: SecretRef) => a.vault.mount === b.vault.mount && a.vault.path === b.vault.path && a.vault.field === b.vault.field;

/**
 * One plan per finding, merged. A plan whose edits overlap an accepted one (other than by an identical
 * edit) is left for a later round; so is a key that would go where a different key already goes.
 */
export function combineFixes(text: string, findings: readonly FixableFinding[], settings: FixSettings, pick: PlanPicker = pickPreferred): CombinedFixes {
  const out: CombinedFixes = { edits: [], chosen: [], skipped: [] };
  const ordered = [...findings].sort((a, b) => anchor(a.fix) - anchor(b.fix));
  for (const finding of ordered) {
    const picked = pick(planFixes(text, finding, settings), finding);
    if (!('id' in picked)) {
      out.skipped.push({ finding, reason: picked.reason });
      continue;
    }
    const fresh: OffsetEdit[] = [];
    let clash = false;
    for (const e of picked.edits) {
      if (out.edits.some((a) => a.start === e.start && a.end === e.end && a.newText === e.newText)) continue;
      if (out.edits.some((a) => overlaps(a, e))) clash = true;
      fresh.push(e);
    }
    if (clash) {
      out.skipped.push({ finding, reason: 'its fix overlaps another fix in this file; run the fix again' });
      continue;
    }
    const chosen: ChosenFix = { finding, plan: picked };
    if (picked.storesSecret && finding.fix.type === 'key') {
      chosen.secret = secretValue(text, finding.fix);
      chosen.ref = secretRef(picked, settings);
      const other = out.chosen.find((c) => c.ref && c.secret !== chosen.secret && (c.ref.name === chosen.ref!.name || sameVault(c.ref, chosen.ref!)));
      if (other) {
        out.skipped.push({ finding, reason: `a different key in this file already moves to ${chosen.ref.name}; fix this one on its own with another name` });
        continue;
      }
    }
    out.edits.push(...fresh);
    out.chosen.push(chosen);
  }
  return out;
}

function anchor(fix: FixData): number {
  return fix.type === 'key' ? fix.valueStart : fix.start;
}

/** Two edits touch the same text: ranges share a character, or two insertions (or an insertion inside a range) meet. */
function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}
