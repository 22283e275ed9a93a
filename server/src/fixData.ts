/**
 * What the quick fixes read from a diagnostic and from the settings, checked: `Diagnostic.data` and
 * command arguments come back from the client and are validated before use.
 */
import { RULE_IDS } from './core';
import type { FixData } from './core';
import type { FixSettings } from './core/fixes';
import type { MispGuardDiagnosticData } from './diagnostics';
import type { Settings } from './settings';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOffset = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** True when `v` is fix data the builders can use (offsets are integers, the kind is known). */
export function isFixData(v: unknown): v is FixData {
  if (!isDict(v) || typeof v.format !== 'string' || typeof v.flavor !== 'string') return false;
  if (v.type === 'key') return isOffset(v.valueStart) && isOffset(v.valueEnd) && isOffset(v.literalStart) && isOffset(v.literalEnd) && typeof v.quote === 'string';
  if (v.type === 'tls') return isOffset(v.start) && isOffset(v.end) && typeof v.replacement === 'string';
  return false;
}

/** The misp-guard data of a diagnostic, or undefined when it is not one of ours or malformed. */
export function diagnosticData(v: unknown): MispGuardDiagnosticData | undefined {
  if (!isDict(v) || !(RULE_IDS as readonly unknown[]).includes(v.ruleId) || !isFixData(v.fix)) return undefined;
  if (v.version !== null && !Number.isInteger(v.version)) return undefined;
  return v as unknown as MispGuardDiagnosticData;
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
  return diagnosticData(v) ? (v as unknown as KeyFixArgs) : undefined;
}

/** The command arguments, checked. */
export function fixAllArgs(v: unknown): FixAllArgs | undefined {
  if (!isDict(v) || typeof v.uri !== 'string' || (v.version !== null && !Number.isInteger(v.version))) return undefined;
  return { uri: v.uri, version: v.version as number | null };
}
