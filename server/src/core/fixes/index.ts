/**
 * Pure edit builders for quick fixes: for one finding, the ways to fix it (move the key to an environment
 * variable or to HashiCorp Vault, switch TLS verification back on, suppress), each a list of offset edits
 * that leave the file valid. No I/O: storing the key and applying the edits is the caller's job.
 */
import { redact } from '../mask';
import { isCodeFormat } from '../formats/code';
import type { Finding, FixData, KeyFixData, RuleId } from '../types';
import { codeKeyPlans } from './codePlans';
import { configKeyPlans } from './configRefs';
import { dockerfileKeyPlans } from './dockerfile';
import { fallbackPlan } from './fallback';
import { lineStartAt } from '../text';
import { applyEdits, eolOf } from './edits';
import { chooseEnvVar, keyRank } from './envName';
import { plainSecretValue } from './literal';
import { normalizeFixSettings, type FixPlan, type FixSettings, type KeyCtx } from './model';
import { cellAt, decodeFix, encodePlan, outputPlans } from './notebook';
import { movedNote, vaultId, type KeyPlace, type KeyPlaces, type PlacedFinding } from './places';
import { findingOffset, suppressPlan } from './suppress';
import { terraformKeyPlans } from './terraform';
import { tlsPlans } from './tls';
import { yamlKeyPlans } from './yamlPlans';

export { applyEdits } from './edits';
export { DEFAULT_FIX_SETTINGS, normalizeFixSettings } from './model';
export type { FixPlan, FixPlanId, FixSettings, K8sSecretInfo, OffsetEdit, VaultRef } from './model';
export { KeyPlaces, vaultId } from './places';
export { k8sSecretsIn } from './yamlPlans';
export type { KeyPlace } from './places';

const ORDER: Record<FixPlan['id'], number> = { env: 0, vault: 1, tls: 2, 'tls-ca': 3, redact: 4, suppress: 5 };

/**
 * The plans that fix one finding, preferred first. `text` is the text the finding's offsets refer to.
 * Plans whose edits would overlap are dropped; titles and notes never contain a key. With `place`, a
 * plan that moves the key uses exactly that variable and Vault location (see {@link placePlan});
 * otherwise the variable is chosen by {@link chooseEnvVar}, numbered when the file gives the same name
 * a different key earlier on (a second service's `MISP_KEY` goes to `MISP_KEY_2`, field `api_key_2`).
 */
export function planFixes(text: string, finding: Pick<Finding, 'ruleId' | 'fix'>, settings?: Partial<FixSettings>, place?: KeyPlace): FixPlan[] {
  const s = normalizeFixSettings(settings);
  const { ruleId, fix } = finding;
  if (!fitsText(text, fix)) return [];
  let plans: FixPlan[];
  // Classic Mac line ends (a lone CR) are planned as LF, as the analysis reads them (offsets are the same),
  // and every line the edits add ends in CR like the rest of the file.
  const loneCr = text.includes('\r') && /\r(?!\n)/.test(text);
  const work = loneCr ? text.replace(/\r(?!\n)/g, '\n') : text;
  if (fix.container === 'ipynb') plans = notebookPlans(work, ruleId, fix, s, place);
  else plans = plainPlans(work, ruleId, fix, s, undefined, place);
  if (loneCr) plans = plans.map((p) => ({ ...p, edits: p.edits.map((e) => ({ ...e, newText: e.newText.replace(/\r?\n/g, '\r') })) }));
  return plans
    .filter((p) => p.edits.length > 0 && editsApply(text, p))
    .map((p) => ({ ...p, title: redact(p.title), note: p.note === undefined ? undefined : redact(p.note) }))
    .sort((a, b) => ORDER[a.id] - ORDER[b.id]);
}

/** The fix data still describes this text (not a stale version): ranges in bounds, key characters in place. */
function fitsText(text: string, fix: FixData): boolean {
  if (fix.type === 'tls') return fix.start >= 0 && fix.start <= fix.end && fix.end <= text.length;
  if (!(fix.literalStart >= 0 && fix.literalStart <= fix.valueStart && fix.valueEnd <= text.length && fix.literalEnd <= text.length)) return false;
  const value = text.slice(fix.valueStart, fix.encoding || fix.split ? fix.valueEnd : fix.valueStart + 40);
  if (fix.encoding) return /^[A-Za-z0-9+/=\s]+$/.test(value) && /^[A-Za-z0-9]{40}$/.test(plainSecretValue(text, fix));
  return fix.split ? /^[A-Za-z0-9]+$/.test(value) : /^[A-Za-z0-9]{40}$/.test(value);
}

function editsApply(text: string, p: FixPlan): boolean {
  try { applyEdits(text, p.edits); return true; } catch { return false; }
}

type Settings = ReturnType<typeof normalizeFixSettings>;

function plainPlans(text: string, ruleId: RuleId, fix: FixData, s: Settings, priorCode?: string, place?: KeyPlace): FixPlan[] {
  const eol = eolOf(text);
  const out: FixPlan[] = [];
  if (fix.type === 'key') {
    if (place) {
      const settings = { ...s, envVarName: place.name, envVarExplicit: true, vault: { ...place.vault } };
      out.push(...keyPlans({ text, ruleId, fix, format: fix.format, settings, envVar: place.name, eol, priorCode }));
    } else {
      const chosen = chooseEnvVar(priorCode ? `${priorCode}\n${text}` : text, s.envVarName, s.envVarExplicit, fix.name);
      // Another, different key under the same name earlier in the file: this one gets its own variable and field.
      const rank = keyRank(text, fix.name, plainSecretValue(text, fix), fix.valueStart);
      const envVar = rank > 1 ? `${chosen}_${rank}` : chosen;
      const settings = rank > 1 ? { ...s, vault: { ...s.vault, field: `${s.vault.field}_${rank}` } } : s;
      const why = (p: FixPlan) => (p.id === 'vault' ? `field ${settings.vault.field}` : envVar);
      const ranked = (p: FixPlan): FixPlan => (rank > 1 && p.storesSecret && (p.envVar === envVar || p.id === 'vault')
        ? { ...p, note: joinNotes(p.note, `Another key in this file already goes to ${p.id === 'vault' ? `field ${s.vault.field}` : chosen}, so this one goes to ${why(p)}.`) }
        : p);
      out.push(...keyPlans({ text, ruleId, fix, format: fix.format, settings, envVar, eol, priorCode }).map(ranked));
    }
  } else {
    out.push(...tlsPlans({ text, fix, format: fix.format, settings: s, eol }));
  }
  const sup = suppressPlan(text, ruleId, fix, eol);
  if (sup) out.push(sup);
  return out;
}

function joinNotes(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a || b;
  return `${a}${/[.!?]$/.test(a) ? '' : '.'} ${b}`;
}

function keyPlans(c: KeyCtx): FixPlan[] {
  const fallback = fallbackPlan(c);
  if (fallback) return [fallback];
  if (!isCodeFormat(c.format) && commentLine(c.text, c.fix.valueStart)) return [redactPlan(c.fix)];
  // A base64-encoded key (a consul kv export, a *_B64 variable): its reader decodes it, so no reference to the
  // plain key can take its place. Kubernetes Secrets are the exception yamlKeyPlans handles.
  if (c.fix.encoding && c.format !== 'yaml') return [];
  switch (c.format) {
    case 'yaml': return yamlKeyPlans(c);
    case 'hcl': return terraformKeyPlans(c);
    case 'dockerfile': return dockerfileKeyPlans(c);
    case 'markdown': case 'plaintext': case 'sql': return [redactPlan(c.fix)];
    default: return isCodeFormat(c.format) ? codeKeyPlans(c) : configKeyPlans(c);
  }
}

/** A config line that is a comment (`# ADMIN_KEY=...`): there is nothing to point elsewhere, only a key to remove. */
function commentLine(text: string, at: number): boolean {
  return /^\s*(#|;|\/\/)/.test(text.slice(lineStartAt(text, at), at));
}

function redactPlan(fix: KeyFixData): FixPlan {
  return {
    id: 'redact', title: 'Replace the MISP key with [REDACTED]', edits: [{ start: fix.valueStart, end: fix.valueStart + 40, newText: '[REDACTED]' }], storesSecret: true,
    note: 'Prose and saved output cannot read a variable: the key is stored first, then blanked out here.',
  };
}

function notebookPlans(text: string, ruleId: RuleId, fix: FixData, s: Settings, place?: KeyPlace): FixPlan[] {
  const cell = cellAt(text, findingOffset(text, fix));
  if (!cell) return [];
  if (cell.inOutput) return outputPlans(text, ruleId, fix, cell);
  if (!cell.source) return [];
  const local = decodeFix(cell.source, fix);
  if (!local) return [];
  const d = cell.source;
  return plainPlans(d.text, ruleId, local, s, cell.cellType === 'code' ? cell.priorCode : undefined, place).map((p) => encodePlan(text, d, p));
}

/**
 * The key a plan moves, for storing it (and reading it back) before the edits are applied: joins the
 * fragments of a split literal, decodes base64 Secret data, reads through notebook JSON escapes.
 */
export function secretValue(text: string, fix: KeyFixData): string {
  if (fix.container === 'ipynb') {
    const cell = cellAt(text, fix.valueStart);
    if (cell?.source && !cell.inOutput) {
      const local = decodeFix(cell.source, fix);
      if (local && local.type === 'key') return plainSecretValue(cell.source.text, local);
    }
    return text.slice(fix.valueStart, fix.valueStart + 40);
  }
  return plainSecretValue(text, fix);
}

/**
 * `plan` for `finding`, moved where no other key of this run goes: when the variable or Vault field it
 * wants holds a different key (in `places`: other keys of the run, what the store held), the finding is
 * planned again with the first free numbered place (`MISP_KEY_2`, field `api_key_2`) and the plan's
 * note says so. The plan returned names its place (`envVar`, `vaultRef`) and the place is claimed.
 * Where the file's consumer fixes the name (a Dockerfile ENV, a Terraform variable), the file keeps it,
 * the key is stored under the free name, and the note says to pass it on.
 */
export function placePlan(text: string, finding: PlacedFinding, plan: FixPlan, settings: Partial<FixSettings> | undefined, places: KeyPlaces): FixPlan | { reason: string } {
  if (!plan.storesSecret || finding.fix.type !== 'key') return plan;
  const s = normalizeFixSettings(settings);
  const secret = secretValue(text, finding.fix);
  const wanted: KeyPlace = { name: plan.envVar ?? s.envVarName, vault: { ...(plan.vaultRef ?? s.vault) } };
  const got = places.peek(secret, wanted);
  let out = plan;
  // Only what the edits use needs planning again: the name (every plan that names a variable), and the Vault location of a Vault plan.
  if (got.name !== wanted.name || (plan.id === 'vault' && vaultId(got.vault) !== vaultId(wanted.vault))) {
    const again = planFixes(text, finding, settings, got).find((p) => p.id === plan.id);
    const vaultFits = !again || again.id !== 'vault' || (again.vaultRef !== undefined && vaultId(again.vaultRef) === vaultId(got.vault));
    if (!again || !vaultFits) return { reason: `a different key already goes to ${wanted.vault.mount}/${wanted.vault.path} field ${wanted.vault.field}, and this fix cannot use another field` };
    if (again.envVar !== undefined && again.envVar !== got.name) {
      // The consumer fixes the name (a Dockerfile ENV, a Terraform variable, a unit's Environment=): the file
      // keeps reading it, and the key is stored under the free name, to be passed on where the program runs.
      out = { ...plan, note: joinNotes(plan.note, `${wanted.name} already holds a different key, so this key is stored as ${got.name}; the file still reads ${wanted.name}: set it from ${got.name} where it runs (for example ${wanted.name}="$${got.name}").`) };
    } else {
      out = { ...again, note: joinNotes(again.note, movedNote(plan, wanted, got)) };
    }
  }
  places.claim(secret, got);
  return { ...out, envVar: got.name, vaultRef: { ...got.vault } };
}
