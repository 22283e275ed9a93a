/**
 * Code actions from `Diagnostic.data` through the core's fix builders; never a new scan. A plan that
 * removes a key carries no edit: it carries a command, so that the server stores the key and reads it
 * back before anything is edited (see keyFixes.ts). Other plans carry their edit.
 */
import { CodeActionKind } from 'vscode-languageserver';
import type { CodeAction, CodeActionParams, Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { redact } from './core';
import { planFixes } from './core/fixes';
import type { FixPlan, OffsetEdit } from './core/fixes';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { MispGuardDiagnosticData } from './diagnostics';
import { combineFixes } from './fixCombine';
import { diagnosticData, fitsLength, fixSettingsOf } from './fixData';
import type { FixAllArgs, KeyFixArgs } from './fixData';
import { APPLY_FIX_ALL_COMMAND, APPLY_KEY_FIX_COMMAND } from './protocol';
import type { Settings } from './settings';
import { describe } from './validation';

/** The code action kind of "fix every misp-guard problem in this file". */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.mispGuard`;

/** Diagnostics the server last published for a document, and for which version. */
export interface Published {
  version: number | null;
  diagnostics: Diagnostic[];
}

/** What the code action handler needs from the server. */
export interface CodeActionDeps {
  document(uri: string): TextDocument | undefined;
  settings(uri: string): Promise<Settings>;
  published(uri: string): Published | undefined;
  /** The client applies workspace edits sent by the server (key plans need it). */
  canApplyEdit(): boolean;
  /** The client takes versioned `documentChanges`. */
  versionedEdits(): boolean;
  /** Where a diagnostic that could not be handled is reported (masked); the others still get their actions. */
  log?: { warn(message: string): void };
}

/** True when a requested `only` list asks for actions of `kind` (kinds are hierarchical, `a.b` is inside `a`). */
function wants(only: string[] | undefined, kind: string): boolean {
  if (!only) return kind === CodeActionKind.QuickFix;
  return only.some((k) => k === '' || kind === k || kind.startsWith(`${k}.`));
}

/** Offset edits as a workspace edit of `document` (versioned when the client takes that). */
export function toWorkspaceEdit(document: TextDocument, edits: readonly OffsetEdit[], versioned: boolean): WorkspaceEdit {
  const textEdits: TextEdit[] = edits.map((e) => ({ range: { start: document.positionAt(e.start), end: document.positionAt(e.end) }, newText: e.newText }));
  if (versioned) return { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits: textEdits }] };
  return { changes: { [document.uri]: textEdits } };
}

/** The request's `only` list when it is a list of strings; anything else is read as no filter. */
function onlyOf(context: unknown): string[] | undefined {
  const only = typeof context === 'object' && context !== null ? (context as { only?: unknown }).only : undefined;
  return Array.isArray(only) && only.every((k) => typeof k === 'string') ? only : undefined;
}

/** The request's diagnostics when they are a list (each one is checked on its own later). */
function diagnosticsOf(context: unknown): unknown[] {
  const list = typeof context === 'object' && context !== null ? (context as { diagnostics?: unknown }).diagnostics : undefined;
  return Array.isArray(list) ? list : [];
}

/**
 * The code actions for a request. Every diagnostic is handled on its own: one whose data is forged,
 * stale or malformed gets no action (and one that makes a builder fail is logged, masked), and the
 * others keep theirs. Never rejects.
 */
export async function codeActions(params: CodeActionParams, deps: CodeActionDeps): Promise<CodeAction[]> {
  const uri: unknown = params?.textDocument?.uri;
  const document = typeof uri === 'string' ? deps.document(uri) : undefined;
  if (!document) return [];
  let settings: Settings;
  try {
    settings = await deps.settings(document.uri);
  } catch (error) {
    deps.log?.warn(describe('code actions: settings unavailable', document.uri, error));
    return [];
  }
  const only = onlyOf(params.context);
  const out: CodeAction[] = [];
  if (wants(only, CodeActionKind.QuickFix)) {
    for (const diagnostic of diagnosticsOf(params.context)) {
      try {
        out.push(...quickFixes(document, diagnostic, settings, deps));
      } catch (error) {
        deps.log?.warn(describe('code actions: a diagnostic was skipped', document.uri, error));
      }
    }
  }
  if (only && wants(only, FIX_ALL_KIND)) {
    try {
      const all = fixAll(document, settings, deps);
      if (all) out.push(all);
    } catch (error) {
      deps.log?.warn(describe('code actions: fix-all failed', document.uri, error));
    }
  }
  return out;
}

const isPosition = (p: unknown): boolean => typeof p === 'object' && p !== null
  && Number.isSafeInteger((p as { line?: unknown }).line) && (p as { line: number }).line >= 0
  && Number.isSafeInteger((p as { character?: unknown }).character) && (p as { character: number }).character >= 0;
const isRange = (r: unknown): boolean => typeof r === 'object' && r !== null && isPosition((r as { start?: unknown }).start) && isPosition((r as { end?: unknown }).end);

function quickFixes(document: TextDocument, diagnostic: unknown, settings: Settings, deps: CodeActionDeps): CodeAction[] {
  if (typeof diagnostic !== 'object' || diagnostic === null || (diagnostic as Diagnostic).source !== DIAGNOSTIC_SOURCE) return [];
  if (!isRange((diagnostic as Diagnostic).range)) return [];
  const data = diagnosticData((diagnostic as Diagnostic).data);
  // Offsets of another version point at other text: offer nothing; fresh diagnostics are on their way.
  if (!data || data.version !== document.version) return [];
  const text = document.getText();
  if (!fitsLength(data.fix, text.length)) return [];
  return planFixes(text, data, fixSettingsOf(settings))
    .filter((plan) => !plan.storesSecret || deps.canApplyEdit())
    .map((plan) => {
      const action: CodeAction = { title: redact(plan.title), kind: CodeActionKind.QuickFix, diagnostics: [diagnostic as Diagnostic] };
      if (plan.preferred) action.isPreferred = true;
      if (plan.storesSecret) {
        const args: KeyFixArgs = { uri: document.uri, version: data.version, ruleId: data.ruleId, fix: data.fix, planId: plan.id };
        action.command = { title: action.title, command: APPLY_KEY_FIX_COMMAND, arguments: [args] };
      } else {
        action.edit = toWorkspaceEdit(document, plan.edits, deps.versionedEdits());
      }
      return action;
    });
}

function fixAll(document: TextDocument, settings: Settings, deps: CodeActionDeps): CodeAction | undefined {
  const published = deps.published(document.uri);
  if (!published || published.version !== document.version) return undefined;
  const text = document.getText();
  const findings = published.diagnostics.map((d) => diagnosticData(d.data)).filter((d): d is MispGuardDiagnosticData => d !== undefined && fitsLength(d.fix, text.length));
  const combined = combineFixes(text, findings, fixSettingsOf(settings));
  if (combined.chosen.length === 0) return undefined;
  const title = `Fix all MISP Guard problems in this file (${combined.chosen.length})`;
  const action: CodeAction = { title, kind: FIX_ALL_KIND };
  if (combined.chosen.some((c) => c.plan.storesSecret)) {
    if (!deps.canApplyEdit()) return undefined;
    const args: FixAllArgs = { uri: document.uri, version: document.version };
    action.command = { title, command: APPLY_FIX_ALL_COMMAND, arguments: [args] };
  } else {
    action.edit = toWorkspaceEdit(document, combined.edits, deps.versionedEdits());
  }
  return action;
}

/** Plans of a key fix: exported for the executor, which rebuilds the same plan from the same data. */
export function findPlan(document: TextDocument, args: KeyFixArgs, settings: Settings): FixPlan | undefined {
  const text = document.getText();
  if (!fitsLength(args.fix, text.length)) return undefined;
  return planFixes(text, args, fixSettingsOf(settings)).find((p) => p.id === args.planId);
}
