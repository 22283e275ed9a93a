/**
 * The commands behind the key quick fixes and fix-all: (a) take the key from the document, (b) store
 * it where the user chose, (c) read it back and compare, (d) only then send the edit, (e) say where the
 * key went. A failure at any step before (d) leaves the document untouched and says why. No message
 * carries a key or a token.
 */
import * as path from 'node:path';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceEdit } from 'vscode-languageserver';
import { findPlan, toWorkspaceEdit } from './codeActions';
import type { Published } from './codeActions';
import type { OffsetEdit, VaultRef } from './core/fixes';
import { KeyPlaces, placePlan, secretValue } from './core/fixes';
import { combineFixes, pickPreferred, secretRef } from './fixCombine';
import type { ChosenFix, CombinedFixes, FixableFinding } from './fixCombine';
import { diagnosticData, fixAllArgs, fixSettingsOf, keyFixArgs } from './fixData';
import { ClientSecretStore } from './node/secretStores/clientStorage';
import type { SecretStorageClient } from './node/secretStores/clientStorage';
import { DotenvStore } from './node/secretStores/dotenv';
import { errorText, scrub, storeVerified, StoreConflict, StoreError } from './node/secretStores/store';
import type { SecretRef, SecretStore, SecretStoreKind, StoredSecret } from './node/secretStores/store';
import { vaultConnection, VaultStore } from './node/secretStores/vault';
import type { Settings } from './settings';
import { locate } from './validation';

/** What the executor needs from the server around it. */
export interface KeyFixDeps {
  document(uri: string): TextDocument | undefined;
  settings(uri: string): Promise<Settings>;
  published(uri: string): Published | undefined;
  /** File-system paths of the workspace folders (the `.env` store lives at a folder root). */
  folders(): readonly string[];
  /** The client's SecretStorage, when the client offers it. */
  secretStorage(): SecretStorageClient | undefined;
  /** Asks the user to pick one of `choices` (window/showMessageRequest); undefined when dismissed. */
  ask(message: string, choices: string[]): Promise<string | undefined>;
  applyEdit(edit: WorkspaceEdit, label: string): Promise<{ applied: boolean; failureReason?: string }>;
  notify(type: 'info' | 'warning' | 'error', message: string): void;
  versionedEdits(): boolean;
  /** Environment of the server (VAULT_ADDR, VAULT_TOKEN). */
  env: NodeJS.ProcessEnv;
  log: { info(message: string): void; warn(message: string): void };
}

/** The store choices as the user sees them in the question. */
export const STORE_LABELS: Readonly<Record<SecretStoreKind, string>> = {
  dotenv: '.env file (git-ignored)',
  vault: 'HashiCorp Vault',
  secretStorage: 'VS Code SecretStorage',
};

/** What a command run ended with (also what tests look at). */
export type KeyFixOutcome = 'applied' | 'cancelled' | 'failed';

/** A name or Vault location a store already holds another value under. */
interface Held {
  kind: SecretStoreKind;
  ref: SecretRef;
  value: string;
}

/** Most rounds of "the store holds another key there, take the next name" before storing anyway (and being refused). */
const MAX_PLACING_ROUNDS = 8;

/** Runs the key-fix and fix-all commands. */
export class KeyFixes {
  constructor(private readonly deps: KeyFixDeps) {}

  /** `mispGuard.applyKeyFix`: one plan of one finding. */
  async applyKeyFix(raw: unknown): Promise<KeyFixOutcome> {
    const args = keyFixArgs(raw);
    if (!args) return this.fail('the quick fix was called with arguments it does not understand; nothing changed');
    const document = this.current(args.uri, args.version);
    if (typeof document === 'string') return this.fail(document);
    const settings = await this.deps.settings(document.uri);
    const plan = findPlan(document, args, settings);
    if (!plan) return this.fail(`the fix is no longer available for ${this.name(document)}; nothing changed`);
    const chosen: ChosenFix = { finding: args, plan };
    if (plan.storesSecret && args.fix.type === 'key') {
      chosen.secret = secretValue(document.getText(), args.fix);
      chosen.ref = secretRef(plan, fixSettingsOf(settings));
    }
    return this.run(document, settings, [chosen], plan.edits);
  }

  /** `mispGuard.applyFixAll`: the preferred plan of every finding last published for the document. */
  async applyFixAll(raw: unknown): Promise<KeyFixOutcome> {
    const args = fixAllArgs(raw);
    if (!args) return this.fail('fix-all was called with arguments it does not understand; nothing changed');
    const document = this.current(args.uri, args.version);
    if (typeof document === 'string') return this.fail(document);
    const published = this.deps.published(document.uri);
    if (!published || published.version !== document.version) return this.fail(`the problems of ${this.name(document)} are being updated; try again`);
    const settings = await this.deps.settings(document.uri);
    const findings = published.diagnostics.map((d) => diagnosticData(d.data)).filter((d) => d !== undefined);
    const text = document.getText();
    // Every different key of the file gets its own variable and Vault field, and none that the store holds another key under.
    const combine = (held: readonly Held[]): CombinedFixes => {
      const places = new KeyPlaces();
      for (const h of held) {
        if (h.kind === 'vault') places.holdsVault(h.ref.vault, h.value);
        else places.holdsName(h.ref.name, h.value);
      }
      return combineFixes(text, findings, fixSettingsOf(settings), (plans, finding: FixableFinding) => {
        const p = pickPreferred(plans, finding);
        return 'id' in p ? placePlan(text, finding, p, fixSettingsOf(settings), places) : p;
      });
    };
    let combined = combine([]);
    if (combined.chosen.length === 0) return this.fail(`nothing to fix automatically in ${this.name(document)}`);
    const outcome = await this.run(document, settings, combined.chosen, combined.edits, (held) => (combined = combine(held)));
    if (outcome === 'applied' && combined.skipped.length > 0) {
      this.deps.notify('warning', `MISP Guard left ${combined.skipped.length} problem(s) in ${this.name(document)}: ${[...new Set(combined.skipped.map((s) => s.reason))].join('; ')}.`);
    }
    return outcome;
  }

  /** The open document at exactly `version`, or why not. */
  private current(uri: string, version: number | null): TextDocument | string {
    const document = this.deps.document(uri);
    if (!document) return 'the document is not open any more; nothing changed';
    if (document.version !== version) return `${this.name(document)} changed since the fix was offered; nothing changed. Try again.`;
    return document;
  }

  /**
   * Stores the keys of `chosen`, then applies `edits`. With `replan` (fix-all, whose title promises no
   * name), a name or Vault field the store already holds a different key under is handed to `replan`,
   * which moves that key to the next free place; the single fix keeps the place its title names.
   */
  private async run(document: TextDocument, settings: Settings, chosen: ChosenFix[], edits: OffsetEdit[], replan?: (held: readonly Held[]) => CombinedFixes): Promise<KeyFixOutcome> {
    let keys = chosen.filter((c) => c.secret !== undefined && c.ref !== undefined);
    const secrets = [...keys.map((c) => c.secret!), settings.vaultToken, this.deps.env.VAULT_TOKEN ?? ''].filter((s) => s.length >= 4);
    const say = (type: 'info' | 'warning' | 'error', message: string): void => this.deps.notify(type, scrub(message, secrets));
    const version = document.version;
    const stored: StoredSecret[] = [];
    if (keys.length > 0) {
      let choice: SecretStoreKind | undefined;
      if (keys.some((c) => c.plan.id !== 'vault')) {
        choice = await this.chooseStore(settings, document);
        if (!choice) {
          say('info', `MISP Guard: no store chosen, so the key stays in ${this.name(document)}; nothing changed.`);
          return 'cancelled';
        }
      }
      const stores = new Map<SecretStoreKind, SecretStore>();
      const kindOf = (c: ChosenFix): SecretStoreKind => (c.plan.id === 'vault' ? 'vault' : choice!);
      try {
        if (replan) {
          const held: Held[] = [];
          for (let round = 0; round < MAX_PLACING_ROUNDS; round++) {
            let more = false;
            for (const c of keys) {
              const kind = kindOf(c);
              let store = stores.get(kind);
              if (!store) stores.set(kind, (store = this.openStore(kind, settings, document)));
              const there = await store.read(c.ref!);
              if (there && there !== c.secret) {
                held.push({ kind, ref: c.ref!, value: there });
                more = true;
              }
            }
            if (!more) break;
            const again = replan(held);
            chosen = again.chosen;
            edits = again.edits;
            keys = chosen.filter((c) => c.secret !== undefined && c.ref !== undefined);
          }
        }
        const done = new Set<string>();
        for (const c of keys) {
          // A Vault plan makes the program read Vault: its key must go there whatever the store setting.
          const kind = c.plan.id === 'vault' ? 'vault' : choice!;
          const once = JSON.stringify([kind, c.ref, c.secret]);
          if (done.has(once)) continue;
          done.add(once);
          let store = stores.get(kind);
          if (!store) stores.set(kind, (store = this.openStore(kind, settings, document)));
          stored.push(await storeVerified(store, c.ref!, c.secret!, secrets));
        }
      } catch (error) {
        const hint = error instanceof StoreConflict && !replan ? await this.freePlaceHint(stores, keys, kindOf) : '';
        say('error', `MISP Guard did not move the key: ${errorText(error).replace(/[.!?]+$/, '')}. ${this.name(document)} was not changed.${hint}`);
        return 'failed';
      }
    }
    const where = stored.map((s) => s.where).join(', ');
    if (document.version !== version || this.deps.document(document.uri) !== document) {
      say('error', `The key is stored (${where}), but ${this.name(document)} changed meanwhile, so it was not edited. Run the fix again: the stored value is reused.`);
      return 'failed';
    }
    let result: { applied: boolean; failureReason?: string };
    try {
      result = await this.deps.applyEdit(toWorkspaceEdit(document, edits, this.deps.versionedEdits()), chosen.length === 1 ? chosen[0].plan.title : 'Fix all MISP Guard problems');
    } catch (error) {
      result = { applied: false, failureReason: errorText(error) };
    }
    if (!result.applied) {
      say('error', `${keys.length ? `The key is stored (${where}), but the` : 'The'} editor did not apply the edit to ${this.name(document)}${result.failureReason ? ` (${result.failureReason})` : ''}.`);
      return 'failed';
    }
    say('info', this.success(document, chosen, stored));
    return 'applied';
  }

  /**
   * After a single fix was refused because its variable (or Vault field) holds another key: the first
   * free numbered one, and how to get there, so the user has a working choice. Empty when none is found.
   */
  private async freePlaceHint(stores: Map<SecretStoreKind, SecretStore>, keys: ChosenFix[], kindOf: (c: ChosenFix) => SecretStoreKind): Promise<string> {
    for (const c of keys) {
      const store = stores.get(kindOf(c));
      if (!store) continue;
      try {
        // Only the key that was refused needs another place.
        if (!(await storedElsewhere(store, c.ref!, c.secret!))) continue;
        const vault = kindOf(c) === 'vault';
        for (let n = 2; n <= 20; n++) {
          const ref: SecretRef = vault ? { ...c.ref!, vault: numberedField(c.ref!.vault, n) } : { ...c.ref!, name: `${c.ref!.name.replace(/_\d+$/, '')}_${n}` };
          if (await storedElsewhere(store, ref, c.secret!)) continue;
          const place = vault ? `field ${ref.vault.field}` : ref.name;
          return ` To keep both keys, run "Fix all MISP Guard problems in this file", which moves this key to ${place} (and fixes the file's other problems), or set ${vault ? 'mispGuard.vault.field' : 'mispGuard.envVarName'} to ${vault ? ref.vault.field : ref.name}.`;
        }
      } catch {
        return '';
      }
    }
    return '';
  }

  private success(document: TextDocument, chosen: ChosenFix[], stored: StoredSecret[]): string {
    const file = this.name(document);
    if (stored.length === 0) return `MISP Guard fixed ${chosen.length} problem(s) in ${file}.`;
    const reads = [...new Set(chosen.filter((c) => c.secret !== undefined).map((c) => (c.plan.id === 'vault' ? `Vault ${c.ref!.vault.mount}/${c.ref!.vault.path} (field ${c.ref!.vault.field})` : c.plan.id === 'redact' ? undefined : `the environment variable ${c.ref!.name}`)))].filter(Boolean);
    const parts = [`MISP Guard moved the key out of ${file}.`];
    if (reads.length) parts.push(`It now reads ${reads.join(' and ')}.`);
    parts.push(`The value is stored in ${stored.map((s) => `${s.where}${s.alreadyThere ? ' (it was already there)' : ''}`).join(', ')}.`);
    const notes = [...new Set([...stored.flatMap((s) => s.notes), ...chosen.map((c) => c.plan.note).filter((n): n is string => !!n)])];
    const sentence = (n: string) => `${n[0].toUpperCase()}${n.slice(1)}${/[.!?]$/.test(n) ? '' : '.'}`;
    if (notes.length) parts.push(notes.map(sentence).join(' '));
    parts.push('Rotate the key in MISP if this file was ever committed or shared.');
    return parts.join(' ');
  }

  /** The store from the setting, or the user's answer when the setting is `ask`. */
  private async chooseStore(settings: Settings, document: TextDocument): Promise<SecretStoreKind | undefined> {
    if (settings.secretStore !== 'ask') return settings.secretStore;
    const kinds: SecretStoreKind[] = ['dotenv', 'vault', ...(this.deps.secretStorage() ? ['secretStorage' as const] : [])];
    const answer = await this.deps.ask(`Where should MISP Guard store the key before removing it from ${this.name(document)}?`, kinds.map((k) => STORE_LABELS[k]));
    return kinds.find((k) => STORE_LABELS[k] === answer);
  }

  private openStore(kind: SecretStoreKind, settings: Settings, document: TextDocument): SecretStore {
    switch (kind) {
      case 'vault':
        return new VaultStore(vaultConnection({ address: settings.vault.address, token: settings.vaultToken }, this.deps.env));
      case 'secretStorage':
      {
        const client = this.deps.secretStorage();
        if (!client) throw new StoreError('this editor offers no SecretStorage to the language server; set mispGuard.secretStore to dotenv or vault');
        return new ClientSecretStore(client);
      }
      case 'dotenv': {
        const file = locate(document.uri).matchPath;
        const folder = this.deps.folders()
          .filter((f) => isInside(file, f))
          .sort((a, b) => b.length - a.length)[0];
        if (!folder || (!/^file:/.test(document.uri) && !/^vscode-notebook-cell:/.test(document.uri))) {
          throw new StoreError(`${this.name(document)} is not inside a workspace folder, so there is no folder root for a .env file; open its folder or choose Vault`);
        }
        const store = new DotenvStore(folder);
        if (path.resolve(store.file) === path.resolve(file)) throw new StoreError(`the key is in ${store.file} itself; move it to Vault instead`);
        return store;
      }
    }
  }

  private name(document: TextDocument): string {
    const p = locate(document.uri).matchPath;
    return path.basename(p) || document.uri;
  }

  private fail(message: string): KeyFixOutcome {
    this.deps.notify('error', `MISP Guard: ${message}`);
    return 'failed';
  }
}

/** The store holds a value other than `secret` under `ref`. */
async function storedElsewhere(store: SecretStore, ref: SecretRef, secret: string): Promise<boolean> {
  const there = await store.read(ref);
  return !!there && there !== secret;
}

function numberedField(v: VaultRef, n: number): VaultRef {
  return { ...v, field: `${v.field.replace(/_\d+$/, '')}_${n}` };
}

function isInside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
