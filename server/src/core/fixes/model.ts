/** Types of the pure fix builders: plans made of offset edits, and the settings they read. */
import type { FormatId, KeyFixData, RuleId, TlsFixData } from '../types';

/** Replace text[start, end) by newText. Offsets are into the scanned text; edits of one plan never overlap. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** Where a key lives in HashiCorp Vault: KV v2 mount, secret path and field. */
export interface VaultRef {
  mount: string;
  path: string;
  field: string;
}

/** What the fixes read from the user's settings. */
export interface FixSettings {
  /** Environment variable the key moves to (default `MISP_KEY`). */
  envVarName: string;
  /** KV v2 location of the key (defaults `secret`, `misp`, `api_key`). */
  vault: VaultRef;
  /** A CA bundle to verify the MISP server against (offers the `tls-ca` plan). */
  caBundle?: string;
  /**
   * Kubernetes Secrets defined in other files of the tree (the CLI finds them; the editor sees only the
   * file): a Deployment's `secretKeyRef` then uses the data key such a Secret already has for the key.
   */
  k8sSecrets?: readonly K8sSecretInfo[];
}

/** A Kubernetes Secret some manifest defines: a `kind: Secret` (manifest) or an ExternalSecret's target. */
export interface K8sSecretInfo {
  name: string;
  /** Its data keys (`data:`, `stringData:`, an ExternalSecret's `spec.data[].secretKey`). */
  keys: readonly string[];
  /** Defined by a `kind: Secret` manifest (an ExternalSecret filling it must merge, not own it). */
  manifest: boolean;
  /**
   * The manifest's values by data key (`data:` decoded from base64, `stringData:` as written), so a
   * reference is only made to a key that holds the same value. In memory only: never shown or sent.
   */
  values?: Readonly<Record<string, string>>;
}

/** Plan ids. `redact` replaces a key in saved output or prose, where no reference can stand in for it. */
export type FixPlanId = 'env' | 'vault' | 'tls' | 'tls-ca' | 'redact' | 'suppress';

/** One way to fix a finding: a titled set of edits and what the caller must do before applying them. */
export interface FixPlan {
  id: FixPlanId;
  /** Shown to the user; never contains the key. */
  title: string;
  edits: OffsetEdit[];
  /** The edits remove the key: the caller must store it (see `secretValue`) and read it back BEFORE applying. */
  storesSecret: boolean;
  /** The environment variable the program now reads (env plans, and config plans that end in one). */
  envVar?: string;
  /** Where the program now reads the key from (vault plans). */
  vaultRef?: VaultRef;
  /** What else the user must do, or why a fix takes this form. Never contains the key. */
  note?: string;
  /** The fix to offer first (the env plan where one exists). */
  preferred?: boolean;
}

/** Default settings: `MISP_KEY`, Vault `secret/misp` field `api_key`. */
export const DEFAULT_FIX_SETTINGS: Readonly<FixSettings> = Object.freeze({
  envVarName: 'MISP_KEY',
  vault: Object.freeze({ mount: 'secret', path: 'misp', field: 'api_key' }),
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Vault names end up inside string literals of many languages: keep them to characters that need no escaping.
const VAULT_SEGMENT = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;
const VAULT_FIELD = /^[A-Za-z0-9_.-]+$/;

/** Settings with defaults filled in and unusable values (a name that is no identifier) replaced by the default. */
export function normalizeFixSettings(s: Partial<FixSettings> | undefined): FixSettings & { envVarExplicit: boolean } {
  const d = DEFAULT_FIX_SETTINGS;
  const env = typeof s?.envVarName === 'string' && ENV_NAME.test(s.envVarName) ? s.envVarName : d.envVarName;
  const v: Partial<VaultRef> = s?.vault ?? {};
  const seg = (x: unknown, def: string, re: RegExp) => (typeof x === 'string' && re.test(x.replace(/^\/+|\/+$/g, '')) ? x.replace(/^\/+|\/+$/g, '') : def);
  return {
    envVarName: env,
    envVarExplicit: env !== d.envVarName,
    vault: { mount: seg(v.mount, d.vault.mount, VAULT_SEGMENT), path: seg(v.path, d.vault.path, VAULT_SEGMENT), field: seg(v.field, d.vault.field, VAULT_FIELD) },
    caBundle: typeof s?.caBundle === 'string' && s.caBundle.trim() !== '' && !/[\r\n\0]/.test(s.caBundle) ? s.caBundle : undefined,
    ...(Array.isArray(s?.k8sSecrets) ? { k8sSecrets: s.k8sSecrets } : {}),
  };
}

/** Everything a builder needs about one finding. `text` is the (possibly decoded notebook cell) text the offsets refer to. */
export interface KeyCtx {
  text: string;
  ruleId: RuleId;
  fix: KeyFixData;
  format: FormatId;
  settings: FixSettings;
  /** The environment variable to use (a name the file already uses, else the setting). */
  envVar: string;
  /** Line break of the file, used for inserted lines. */
  eol: string;
  /** Code of earlier notebook cells: imports there count. */
  priorCode?: string;
}

/** Everything the TLS builder needs. */
export interface TlsCtx {
  text: string;
  fix: TlsFixData;
  format: FormatId;
  settings: FixSettings;
  eol: string;
}
