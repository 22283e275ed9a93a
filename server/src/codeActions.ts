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
import { combineFixes } from './fixCombine';
import { diagnosticData, fixSettingsOf } from './fixData';
import type { FixAllArgs, KeyFixArgs } from './fixData';
import { APPLY_FIX_ALL_COMMAND, APPLY_KEY_FIX_COMMAND } from './protocol';
import type { Settings } from './settings';

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

/** The code actions for a request. */
export async function codeActions(params: CodeActionParams, deps: CodeActionDeps): Promise<CodeAction[]> {
  const document = deps.document(params.textDocument.uri);
  if (!document) return [];
  const settings = deps.settings(document.uri);
  const out: CodeAction[] = [];
  if (wants(params.context.only, CodeActionKind.QuickFix)) {
    for (const diagnostic of params.context.diagnostics) out.push(...quickFixes(document, diagnostic, await settings, deps));
  }
  if (params.context.only && wants(params.context.only, FIX_ALL_KIND)) {
    const all = fixAll(document, await settings, deps);
    if (all) out.push(all);
  }
  return out;
}

function quickFixes(document: TextDocument, diagnostic: Diagnostic, settings: Settings, deps: CodeActionDeps): CodeAction[] {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return [];
  const data = diagnosticData(diagnostic.data);
  // Offsets of another version point at other text: offer nothing; fresh diagnostics are on their way.
  if (!data || data.version !== document.version) return [];
  const text = document.getText();
  return planFixes(text, data, fixSettingsOf(settings))
    .filter((plan) => !plan.storesSecret || deps.canApplyEdit())
    .map((plan) => {
      const action: CodeAction = { title: redact(plan.title), kind: CodeActionKind.QuickFix, diagnostics: [diagnostic] };
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
  const findings = published.diagnostics.map((d) => diagnosticData(d.data)).filter((d) => d !== undefined);
  const combined = combineFixes(document.getText(), findings, fixSettingsOf(settings));
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
  return planFixes(document.getText(), args, fixSettingsOf(settings)).find((p) => p.id === args.planId);
}
