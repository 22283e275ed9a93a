/**
 * What the quick fixes read from a diagnostic and from the settings, checked: `Diagnostic.data` and
 * command arguments come back from the client and are validated before use.
 */
import { RULE_IDS } from './core';
import type { FixData, Flavor, FormatId, RuleId } from './core';
import type { FixSettings } from './core/fixes';
import type { MispGuardDiagnosticData } from './diagnostics';
import type { Settings } from './settings';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOffset = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isString = (v: unknown): v is string => typeof v === 'string';
const optional = <T>(v: unknown, check: (x: unknown) => x is T): v is T | undefined => v === undefined || check(v);
/** Own property of a lookup table: `constructor`, `__proto__` and `toString` are not formats. */
const known = <K extends string>(table: Readonly<Record<K, true>>, v: unknown): v is K =>
  typeof v === 'string' && Object.prototype.hasOwnProperty.call(table, v);

/** Every format id the fix builders know (a Record, so that the compiler asks for new ones). */
const FORMATS: Readonly<Record<FormatId, true>> = {
  python: true, javascript: true, typescript: true, go: true, java: true, kotlin: true, csharp: true, c: true, php: true, ruby: true,
  perl: true, rust: true, swift: true, lua: true, r: true, clojure: true, haskell: true, matlab: true, vbscript: true, zig: true, nim: true,
  erlang: true, sql: true, powershell: true, shell: true, batch: true, makefile: true,
  groovy: true, zeek: true, dockerfile: true, dotenv: true, ini: true, properties: true, yaml: true, json: true, toml: true, hocon: true,
  hcl: true, logstash: true, xml: true, nginx: true, ipynb: true, markdown: true, rst: true, plaintext: true,
};

/** Every flavor. */
const FLAVORS: Readonly<Record<Flavor, true>> = {
  compose: true, 'github-actions': true, 'gitlab-ci': true, kubernetes: true, 'kubernetes-secret': true, 'helm-values': true,
  ansible: true, filebeat: true, 'fluent-bit': true, spring: true, systemd: true, terraform: true, 'pymisp-keys': true, thehive: true, generic: true,
};

/**
 * `v` as fix data the builders can use, or undefined: known format and flavor (own properties, so
 * `constructor` is no format), every field of the right type, offsets ordered. The result is a fresh
 * object with the known fields only, so nothing else the client sent reaches the builders.
 */
export function fixDataOf(v: unknown): FixData | undefined {
  if (!isDict(v) || !known(FORMATS, v.format) || !known(FLAVORS, v.flavor)) return undefined;
  if (!optional(v.name, isString) || !(v.container === undefined || v.container === 'ipynb')) return undefined;
  const common = { format: v.format, flavor: v.flavor, ...(v.name !== undefined ? { name: v.name } : {}), ...(v.container !== undefined ? { container: 'ipynb' as const } : {}) };
  if (v.type === 'key') {
    const { valueStart, valueEnd, literalStart, literalEnd, quote, embedded, split, encoding, keyPath } = v;
    if (!isOffset(valueStart) || !isOffset(valueEnd) || !isOffset(literalStart) || !isOffset(literalEnd)) return undefined;
    if (!(literalStart <= valueStart && valueStart <= valueEnd && valueEnd <= literalEnd)) return undefined;
    if (!isString(quote) || typeof embedded !== 'boolean' || typeof split !== 'boolean') return undefined;
    if (!(encoding === undefined || encoding === 'base64')) return undefined;
    if (!(keyPath === undefined || (Array.isArray(keyPath) && keyPath.every(isString)))) return undefined;
    return {
      type: 'key', ...common, valueStart, valueEnd, literalStart, literalEnd, quote, embedded, split,
      ...(encoding !== undefined ? { encoding } : {}), ...(keyPath !== undefined ? { keyPath: [...keyPath as string[]] } : {}),
    };
  }
  if (v.type === 'tls') {
    const { start, end, replacement } = v;
    if (!isOffset(start) || !isOffset(end) || start > end || !isString(replacement)) return undefined;
    return { type: 'tls', ...common, start, end, replacement };
  }
  return undefined;
}

/** True when `v` is fix data the builders can use (see {@link fixDataOf}). */
export function isFixData(v: unknown): v is FixData {
  return fixDataOf(v) !== undefined;
}

/** True when every offset of `fix` lies inside a text of `length` characters (the document it is applied to). */
export function fitsLength(fix: FixData, length: number): boolean {
  return fix.type === 'key' ? fix.literalEnd <= length && fix.valueEnd <= length : fix.end <= length;
}

/**
 * The misp-guard data of a diagnostic, or undefined when it is not one of ours or malformed: a known
 * rule id whose kind matches the fix (TLS rule, TLS fix), valid fix data, an integer or null version.
 * Offsets are checked against the document by the caller ({@link fitsLength}).
 */
export function diagnosticData(v: unknown): MispGuardDiagnosticData | undefined {
  if (!isDict(v) || !(RULE_IDS as readonly unknown[]).includes(v.ruleId)) return undefined;
  if (v.version !== null && !Number.isSafeInteger(v.version)) return undefined;
  const fix = fixDataOf(v.fix);
  if (!fix || (v.ruleId === 'tls-verify-disabled') !== (fix.type === 'tls')) return undefined;
  return { ruleId: v.ruleId as RuleId, version: v.version as number | null, fix };
}

/** The fix builders' settings for the user's settings. */
export function fixSettingsOf(s: Settings): FixSettings {
  return { envVarName: s.envVarName, vault: { mount: s.vault.mount, path: s.vault.path, field: s.vault.field }, caBundle: s.caBundle || undefined };
}

/** Arguments of the key-fix command: which plan of which finding, in which document version. */
export interface KeyFixArgs extends MispGuardDiagnosticData {
  uri: string;
  planId: string;
}

/** Arguments of the fix-all command. */
export interface FixAllArgs {
  uri: string;
  version: number | null;
}

/** The command arguments, checked. */
export function keyFixArgs(v: unknown): KeyFixArgs | undefined {
  if (!isDict(v) || typeof v.uri !== 'string' || typeof v.planId !== 'string') return undefined;
  const data = diagnosticData(v);
  return data ? { ...data, uri: v.uri, planId: v.planId } : undefined;
}

/** The command arguments, checked. */
export function fixAllArgs(v: unknown): FixAllArgs | undefined {
  if (!isDict(v) || typeof v.uri !== 'string' || (v.version !== null && !Number.isInteger(v.version))) return undefined;
  return { uri: v.uri, version: v.version as number | null };
}
