/**
 * Finding → LSP Diagnostic. The core speaks offsets (UTF-16 string indices); the text document turns
 * them into positions, so surrogate pairs and CRLF line breaks need no special care here.
 */
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { redact, ruleHelpUri } from './core';
import type { Finding, FixData, RuleId, Severity } from './core';

/** `source` of every misp-guard diagnostic. */
export const DIAGNOSTIC_SOURCE = 'misp-guard';

/**
 * `Diagnostic.data` of a misp-guard diagnostic: everything a quick fix needs, so that code actions
 * never analyse again. Offsets in `fix` are into the text of `version`.
 */
export interface MispGuardDiagnosticData {
  ruleId: RuleId;
  /** Document version the offsets refer to (null when the document had none). */
  version: number | null;
  fix: FixData;
}

const SEVERITY: Record<Exclude<Severity, 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** One finding as a diagnostic of `document`. */
export function toDiagnostic(document: TextDocument, finding: Finding): Diagnostic {
  const data: MispGuardDiagnosticData = { ruleId: finding.ruleId, version: document.version ?? null, fix: finding.fix };
  return {
    range: { start: document.positionAt(finding.start), end: document.positionAt(finding.end) },
    severity: SEVERITY[finding.severity] ?? DiagnosticSeverity.Error,
    code: finding.ruleId,
    codeDescription: { href: ruleHelpUri(finding.ruleId) },
    source: DIAGNOSTIC_SOURCE,
    // The core already masks; redact is the last guard so that no full key can reach the editor.
    message: redact(finding.message),
    data,
  };
}

/**
 * All findings as diagnostics. A finding that cannot be converted is skipped and reported through
 * `onError`, so that one bad finding never hides the others.
 */
export function toDiagnostics(
  document: TextDocument,
  findings: readonly Finding[],
  onError: (error: unknown) => void = () => undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const finding of findings) {
    try {
      out.push(toDiagnostic(document, finding));
    } catch (error) {
      onError(error);
    }
  }
  return out;
}
