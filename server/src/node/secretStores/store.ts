/**
 * Where a moved MISP key goes, and the one way to put it there: {@link storeVerified} reads what the
 * store holds, refuses to overwrite a different value, writes, and reads back. Only after it resolves
 * may the caller remove the key from the document. Every message here is safe to show: no key, no token.
 */
import { redact } from '../../core';

/** The store choices a user has. */
export type SecretStoreKind = 'vault' | 'dotenv' | 'secretStorage';

/** Vault KV v2 location of a key. */
export interface VaultLocation {
  mount: string;
  path: string;
  field: string;
}

/** What a key is stored under: a name (`.env`, SecretStorage) and a Vault location; each store uses the one it needs. */
export interface SecretRef {
  /** Environment variable name (the `.env` entry, the SecretStorage key). */
  name: string;
  vault: VaultLocation;
}

/** One place keys can be stored in. */
export interface SecretStore {
  readonly kind: SecretStoreKind;
  /** Where the entry for `ref` lives, for messages ("MISP_KEY in /ws/.env"). Never the value. */
  describe(ref: SecretRef): string;
  /** The stored value, or undefined when there is none. Rejects with a {@link StoreError} when the store cannot be read. */
  read(ref: SecretRef): Promise<string | undefined>;
  /** Stores the value (creating or replacing the entry, keeping other entries). Rejects with a {@link StoreError}. */
  write(ref: SecretRef, value: string): Promise<void>;
  /** Things the user should know about what the store did (a tightened file mode, a .gitignore line). */
  readonly notes: string[];
  /**
   * Called when the store already holds the value (nothing to write): applies the protection a write
   * would have applied (the `.env` store git-ignores the file), or rejects when it cannot.
   */
  secure?(ref: SecretRef): Promise<void>;
}

/** A store failure. Its message names the cause and never holds the value or a token. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** The store already holds a different value under that entry (nothing was written). */
export class StoreConflict extends StoreError {
  override readonly name = 'StoreError';
}

/** The outcome of {@link storeVerified}. */
export interface StoredSecret {
  /** Where the value is now ({@link SecretStore.describe}). */
  where: string;
  /** The store already held this very value: nothing was written. */
  alreadyThere: boolean;
  notes: string[];
}

/**
 * Stores `value` under `ref` and proves it by reading it back. A store that already holds a
 * different value under that entry is left alone and the call fails: overwriting it could lose
 * another key. Messages are scrubbed of `value` and of `secrets` (tokens) before they escape.
 */
export async function storeVerified(store: SecretStore, ref: SecretRef, value: string, secrets: readonly string[] = []): Promise<StoredSecret> {
  const where = store.describe(ref);
  try {
    const before = await store.read(ref);
    // An empty entry (`MISP_KEY=` in a template) holds nothing to lose.
    if (before !== undefined && before !== '' && before !== value) {
      throw new StoreConflict(`${where} already holds a different value; it was not overwritten. Remove it or choose another name or location, then try again.`);
    }
    if (before !== value) await store.write(ref, value);
    // Already there: still make it as safe as a write would (a .env not yet git-ignored gets its rule).
    else await store.secure?.(ref);
    const after = await store.read(ref);
    if (after !== value) throw new StoreError(`read-back check failed: ${where} does not hold the value that was written`);
    return { where, alreadyThere: before === value, notes: [...store.notes] };
  } catch (error) {
    const message = scrub(errorText(error), [value, ...secrets]);
    throw error instanceof StoreConflict ? new StoreConflict(message) : new StoreError(message);
  }
}

/** Message of any error, without a stack. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return error instanceof StoreError || !code || error.message.includes(code) ? error.message : `${error.message} (${code})`;
  }
  return String(error);
}

/** A text without any of `secrets` (replaced by `…`) and with key-shaped tokens masked. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('…');
  return redact(out);
}
