/**
 * Distinct places for distinct keys. When several keys move at once (a compose file with two services,
 * a tree of projects, a store that already holds another key), each different key gets its own
 * environment variable and its own Vault field: the wanted one when it is free or already holds this
 * very key, else the first free numbered one (`MISP_KEY_2`, field `api_key_2`). Pure: the caller says
 * what its store already holds and keeps one instance for all the keys of a run. Never shows a key.
 */
import type { FixData, RuleId } from '../types';
import type { FixPlan, VaultRef } from './model';

/** Where one key is stored and read from: its variable name and its Vault KV v2 location. */
export interface KeyPlace {
  name: string;
  vault: VaultRef;
}

/** `mount/path#field`: the identity of a Vault location. */
export const vaultId = (v: VaultRef): string => `${v.mount}/${v.path}#${v.field}`;

/** The names to try for `wanted`: itself, then `BASE_2`, `BASE_3`, ... (a numeric suffix of `wanted` belongs to the base). */
function* candidates(wanted: string): Generator<string> {
  yield wanted;
  const base = wanted.replace(/_\d+$/, '');
  for (let n = 2; n < 1000; n++) if (`${base}_${n}` !== wanted) yield `${base}_${n}`;
}

/** The names and Vault locations given to keys so far, and what the store held before. */
export class KeyPlaces {
  /** Variable name → the key it holds. */
  private readonly names = new Map<string, string>();
  /** Vault location id → the key it holds. */
  private readonly vaults = new Map<string, string>();

  /** The store already holds `value` under `name` (a `.env` or SecretStorage entry): taken unless `value` is the key. */
  holdsName(name: string, value: string | undefined): void {
    if (value && !this.names.has(name)) this.names.set(name, value);
  }

  /** The store already holds `value` at this Vault location: taken unless `value` is the key. */
  holdsVault(loc: VaultRef, value: string | undefined): void {
    if (value && !this.vaults.has(vaultId(loc))) this.vaults.set(vaultId(loc), value);
  }

  /** Where `secret` would go given that `wanted` is where its plan puts it (nothing is claimed). */
  peek(secret: string, wanted: KeyPlace): KeyPlace {
    const free = (m: Map<string, string>, id: string) => m.get(id) === undefined || m.get(id) === secret;
    let name = wanted.name;
    for (const n of candidates(wanted.name)) if (free(this.names, n)) { name = n; break; }
    let field = wanted.vault.field;
    for (const f of candidates(wanted.vault.field)) if (free(this.vaults, vaultId({ ...wanted.vault, field: f }))) { field = f; break; }
    return { name, vault: { ...wanted.vault, field } };
  }

  /** Records that `secret` goes to `place`. */
  claim(secret: string, place: KeyPlace): void {
    this.names.set(place.name, secret);
    this.vaults.set(vaultId(place.vault), secret);
  }
}

/** What placing needs of a finding (a core Finding or a diagnostic's data). */
export interface PlacedFinding {
  ruleId: RuleId;
  fix: FixData;
}

/** Notes saying why a key got a numbered place, for the plan's note. */
export function movedNote(plan: FixPlan, wanted: KeyPlace, got: KeyPlace): string | undefined {
  const parts: string[] = [];
  if (plan.id !== 'vault' && got.name !== wanted.name) parts.push(`${wanted.name} already holds a different key, so this one goes to ${got.name}.`);
  if (plan.id === 'vault' && got.vault.field !== wanted.vault.field) {
    parts.push(`Field ${wanted.vault.field} of ${wanted.vault.mount}/${wanted.vault.path} already holds a different key, so this one goes to field ${got.vault.field}.`);
  }
  return parts.length ? parts.join(' ') : undefined;
}
