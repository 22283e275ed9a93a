/**
 * VS Code SecretStorage as a key store. The server cannot reach it: the client stores and reads on
 * its behalf through the `mispGuard/storeSecret` and `mispGuard/readSecret` requests (see protocol.ts).
 */
import { StoreError } from './store';
import type { SecretRef, SecretStore } from './store';

/** The two client requests, as functions (so that tests and the server bind them to any transport). */
export interface SecretStorageClient {
  store(key: string, value: string): Promise<void>;
  read(key: string): Promise<string | null>;
}

/** The SecretStorage entry a key is stored under: the environment variable's name, in the extension's own storage. */
export const secretStorageKey = (ref: SecretRef): string => ref.name;

/** The client's SecretStorage as a {@link SecretStore}. */
export class ClientSecretStore implements SecretStore {
  readonly kind = 'secretStorage' as const;
  readonly notes: string[] = [];

  constructor(private readonly client: SecretStorageClient) {}

  describe(ref: SecretRef): string {
    return `VS Code SecretStorage (entry ${secretStorageKey(ref)})`;
  }

  async read(ref: SecretRef): Promise<string | undefined> {
    try {
      return (await this.client.read(secretStorageKey(ref))) ?? undefined;
    } catch (e) {
      throw new StoreError(`the editor could not read its SecretStorage (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  async write(ref: SecretRef, value: string): Promise<void> {
    try {
      await this.client.store(secretStorageKey(ref), value);
    } catch (e) {
      throw new StoreError(`the editor could not write to its SecretStorage (${e instanceof Error ? e.message : String(e)})`);
    }
  }
}
