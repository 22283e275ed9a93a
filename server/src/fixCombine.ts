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


/**
 * One plan per finding, merged. A plan whose edits overlap an accepted one (other than by an identical
 * edit) is left for a later round; so is a key that would go where a different key already goes.
 *
 * Near-linear in the number of findings: every finding is planned once against `text` (in the order
 * of the file), the keys of the chosen plans are read in one pass, and each edit is checked against
 * the accepted ones through sorted indexes instead of the whole list, with the same decisions, in the
 * same order, as checking every pair. (Each planFixes call still reads the text: the builders' cost
 * per finding is theirs.)
 */
export function combineFixes(text: string, findings: readonly FixableFinding[], settings: FixSettings, pick: PlanPicker = pickPreferred): CombinedFixes {
  const out: CombinedFixes = { edits: [], chosen: [], skipped: [] };
  const ordered = [...findings].sort((a, b) => anchor(a.fix) - anchor(b.fix));
  // 1. A plan per finding, picked in file order (a picker may keep state, as the CLI's does).
  const picks = ordered.map((finding) => ({ finding, picked: pick(planFixes(text, finding, settings), finding) }));
  // 2. The keys the picked plans move, read one after the other (the builders keep the last text's tokens).
  const secrets = new Map<number, { value?: string; error?: unknown }>();
  picks.forEach(({ finding, picked }, i) => {
    if (!('id' in picked) || !picked.storesSecret || finding.fix.type !== 'key') return;
    try {
      secrets.set(i, { value: secretValue(text, finding.fix) });
    } catch (error) {
      secrets.set(i, { error });
    }
  });
  // 3. Merge in file order.
  const accepted = new EditIndex();
  const keyByName = new Map<string, string>();
  const keyByVault = new Map<string, string>();
  picks.forEach(({ finding, picked }, i) => {
    if (!('id' in picked)) {
      out.skipped.push({ finding, reason: picked.reason });
      return;
    }
    const fresh: OffsetEdit[] = [];
    let clash = !editsApply(picked.edits);
    for (const e of picked.edits) {
      if (accepted.has(e)) continue;
      if (accepted.overlaps(e)) clash = true;
      fresh.push(e);
    }
    if (clash) {
      out.skipped.push({ finding, reason: 'its fix overlaps another fix in this file; run the fix again' });
      return;
    }
    const chosen: ChosenFix = { finding, plan: picked };
    const secret = secrets.get(i);
    if (secret) {
      if (secret.value === undefined) {
        out.skipped.push({ finding, reason: 'the key could not be read from the file; fix it on its own' });
        return;
      }
      const ref = secretRef(picked, settings);
      const vault = vaultKey(ref);
      const byName = keyByName.get(ref.name);
      const byVault = keyByVault.get(vault);
      if ((byName !== undefined && byName !== secret.value) || (byVault !== undefined && byVault !== secret.value)) {
        out.skipped.push({ finding, reason: `a different key in this file already moves to ${ref.name}; fix this one on its own with another name` });
        return;
      }
      chosen.secret = secret.value;
      chosen.ref = ref;
      keyByName.set(ref.name, secret.value);
      keyByVault.set(vault, secret.value);
    }
    for (const e of fresh) accepted.add(e);
    out.edits.push(...fresh);
    out.chosen.push(chosen);
  });
  return out;
}

function anchor(fix: FixData): number {
  return fix.type === 'key' ? fix.valueStart : fix.start;
}

const vaultKey = (ref: SecretRef): string => JSON.stringify([ref.vault.mount, ref.vault.path, ref.vault.field]);

/**
 * A plan's own edits can be applied together (what the builders promise: no two share text, an
 * insertion may sit at the start of a replaced range). A plan that breaks it is never merged, so the
 * accepted ranges stay disjoint, which {@link EditIndex} relies on.
 */
function editsApply(edits: readonly OffsetEdit[]): boolean {
  const sorted = [...edits].sort((a, b) => a.start - b.start || (a.end - a.start) - (b.end - b.start));
  let at = 0;
  for (const e of sorted) {
    if (e.start < at || e.end < e.start) return false;
    at = e.end;
  }
  return true;
}

/**
 * The accepted edits, indexed: identical edits by value, insertion points and replaced ranges sorted
 * by offset. Replaced ranges never overlap one another (each plan's apply together, and a plan that
 * overlaps accepted ones is not merged), so one neighbour answers whether a new edit overlaps.
 * Overlap, as before: two ranges share a character, two insertions meet, or an insertion falls strictly
 * inside a range.
 */
class EditIndex {
  private readonly exact = new Set<string>();
  private readonly points: number[] = [];
  private readonly pointSet = new Set<number>();
  /** Replaced ranges, sorted by start (and so by end). */
  private readonly ranges: { start: number; end: number }[] = [];

  has(e: OffsetEdit): boolean {
    return this.exact.has(EditIndex.id(e));
  }

  overlaps(e: OffsetEdit): boolean {
    if (e.start === e.end) {
      if (this.pointSet.has(e.start)) return true;
      const r = this.ranges[this.lastRangeStartingBefore(e.start)];
      return r !== undefined && e.start < r.end;
    }
    const r = this.ranges[this.lastRangeStartingBefore(e.end)];
    if (r !== undefined && r.end > e.start) return true;
    const p = this.points[firstAbove(this.points, e.start)];
    return p !== undefined && p < e.end;
  }

  add(e: OffsetEdit): void {
    this.exact.add(EditIndex.id(e));
    if (e.start === e.end) {
      if (!this.pointSet.has(e.start)) {
        this.pointSet.add(e.start);
        this.points.splice(firstAbove(this.points, e.start), 0, e.start);
      }
      return;
    }
    this.ranges.splice(this.lastRangeStartingBefore(e.start + 1) + 1, 0, { start: e.start, end: e.end });
  }

  /** Index of the last range whose start is below `offset` (-1 when none). */
  private lastRangeStartingBefore(offset: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ranges[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  private static id(e: OffsetEdit): string {
    return `${e.start}:${e.end}:${e.newText}`;
  }
}

/** Index of the first value above `v` in a sorted list (its length when none). */
function firstAbove(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
