/**
 * User settings under `mispGuard.*`: their type, defaults, and normalisation from whatever a client
 * sends (VS Code, a generic LSP client answering `null`, hand-written JSON).
 * Pure: no connection, no file system.
 */
import picomatch from 'picomatch';
import { RULE_IDS } from './core';
import type { RuleId, ScanOptions, Severity } from './core';

/** Where a Vault quick fix moves a key to (reserved for the quick-fix issue). */
export interface VaultSettings {
  /** Vault server address, e.g. `https://vault.example.org:8200`; empty means "from VAULT_ADDR". */
  address: string;
  /** KV secrets engine mount. */
  mount: string;
  /** Secret path inside the mount. */
  path: string;
  /** Field of the secret holding the key. */
  field: string;
}

/** Where a quick fix stores a key before removing it from the file; `ask` asks each time. */
export type SecretStoreChoice = 'ask' | 'dotenv' | 'vault' | 'secretStorage';
const STORE_CHOICES: readonly SecretStoreChoice[] = ['ask', 'dotenv', 'vault', 'secretStorage'];

/** Every `mispGuard.*` setting, normalised. */
export interface Settings {
  /** Analyse documents at all. */
  enable: boolean;
  /** Severity per rule id; rules not listed keep their default. `off` disables a rule. */
  severity: Partial<Record<RuleId, Severity>>;
  /** Glob patterns of files not to analyse (relative to a workspace folder, or absolute). */
  exclude: string[];
  /** Extra regular expressions (case-insensitive) for names that hold a MISP key. Invalid ones are dropped. */
  extraKeyNames: string[];
  /** Environment variable a quick fix moves a key to (reserved for the quick-fix issue). */
  envVarName: string;
  /** Vault location a quick fix moves a key to (reserved for the quick-fix issue). */
  vault: VaultSettings;
  /** Where the key quick fixes store a key (`mispGuard.secretStore`). */
  secretStore: SecretStoreChoice;
  /** Vault token (`mispGuard.vault.token`, machine scope); empty means "from VAULT_TOKEN or ~/.vault-token". */
  vaultToken: string;
  /** CA bundle the TLS quick fix points to instead of the system CAs (`mispGuard.caBundle`); empty: none. */
  caBundle: string;
  /**
   * Baseline file of accepted findings (`mispGuard.baseline`), relative to the workspace folder or
   * absolute; used when it exists. Empty: no baseline.
   */
  baseline: string;
}

/** The settings used when the client sends none. */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  enable: true,
  severity: {},
  exclude: [],
  extraKeyNames: [],
  envVarName: 'MISP_KEY',
  vault: { address: '', mount: 'secret', path: 'misp', field: 'api_key' },
  secretStore: 'ask',
  vaultToken: '',
  caBundle: '',
  baseline: '.misp-guard-baseline.json',
});

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint', 'off'];

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : [];

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns any value (the `mispGuard` section as a client sent it, or null) into complete settings.
 * Unknown keys are ignored, wrong types fall back to defaults, invalid severities and regexes are dropped.
 */
export function normalizeSettings(raw: unknown): Settings {
  const d = DEFAULT_SETTINGS;
  const r: Dict = isDict(raw) ? raw : {};
  const severity: Partial<Record<RuleId, Severity>> = {};
  if (isDict(r.severity)) {
    for (const id of RULE_IDS) {
      const s = r.severity[id];
      if (typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s)) severity[id] = s as Severity;
    }
  }
  const vault: Dict = isDict(r.vault) ? r.vault : {};
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : d.enable,
    severity,
    exclude: strings(r.exclude),
    extraKeyNames: strings(r.extraKeyNames).filter(isValidRegex),
    envVarName: str(r.envVarName, d.envVarName).trim() || d.envVarName,
    vault: {
      address: str(vault.address, d.vault.address),
      mount: str(vault.mount, d.vault.mount),
      path: str(vault.path, d.vault.path),
      field: str(vault.field, d.vault.field),
    },
    secretStore: (STORE_CHOICES as readonly unknown[]).includes(r.secretStore) ? (r.secretStore as SecretStoreChoice) : d.secretStore,
    vaultToken: str(vault.token, d.vaultToken).trim(),
    caBundle: str(r.caBundle, d.caBundle).trim(),
    baseline: str(r.baseline, d.baseline).trim(),
  };
}

/** The core's options for these settings. */
export function toScanOptions(settings: Settings): ScanOptions {
  return { severities: settings.severity, extraKeyNames: settings.extraKeyNames };
}

const toSlashes = (p: string): string => p.replace(/\\/g, '/');

/**
 * True when `path` matches one of the `exclude` globs. A glob is tried against the path relative to
 * each workspace folder that contains it, and against the path itself (absolute, or an untitled name).
 */
export function isExcluded(path: string, exclude: readonly string[], folders: readonly string[] = []): boolean {
  if (exclude.length === 0 || path === '') return false;
  const full = toSlashes(path);
  const candidates = [full];
  for (const folder of folders) {
    const root = toSlashes(folder).replace(/\/+$/, '');
    if (root !== '' && full.startsWith(`${root}/`)) candidates.push(full.slice(root.length + 1));
  }
  const match = matcherFor(exclude);
  return candidates.some((c) => match(c));
}

const matchers = new Map<string, (path: string) => boolean>();
/** Compiled globs, memoised: the same settings are checked on every keystroke. */
function matcherFor(globs: readonly string[]): (path: string) => boolean {
  const key = JSON.stringify(globs);
  let m = matchers.get(key);
  if (!m) {
    if (matchers.size > 32) matchers.clear();
    m = picomatch([...globs], { dot: true });
    matchers.set(key, m);
  }
  return m;
}
