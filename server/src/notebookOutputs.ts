/**
 * Saved notebook outputs when a notebook is open in a notebook editor. VS Code sends the cells'
 * source text to the server, never their outputs, so a key printed in an output would go unseen.
 * While any cell of a notebook is open, the notebook file is read from disk and its
 * `key-in-notebook-output` findings are published on the notebook's file URI (Problems panel).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText, type ScanOptions } from './core';
import { contextPath } from './node/contextPath';
import { toDiagnostics } from './diagnostics';

/** What the tracker needs from the server. */
export interface NotebookOutputsDeps {
  /** Publishes diagnostics for a notebook file URI. */
  publish(uri: string, diagnostics: Diagnostic[]): void;
  /** True when the notebook file itself is open as a text document (its own validation then covers outputs). */
  openAsText(uri: string): boolean;
  /** Scan options for a document, or undefined when analysis is disabled or the file excluded. */
  options(uri: string): Promise<ScanOptions | undefined>;
  /** File-system paths of the workspace folders (the core sees a notebook's path inside them). */
  folders(): readonly string[];
  log: { warn(message: string): void };
}

/** The `file:` URI of the notebook that holds a cell, or undefined for other URIs. */
export function notebookOfCell(cellUri: string): string | undefined {
  let url: URL;
  try { url = new URL(cellUri); } catch { return undefined; }
  if (url.protocol !== 'vscode-notebook-cell:' || !/\.ipynb$/i.test(url.pathname)) return undefined;
  try {
    return pathToFileURL(decodeURIComponent(url.pathname)).href;
  } catch {
    return undefined;
  }
}

/** Tracks open cells per notebook and publishes the notebook's output findings. */
export class NotebookOutputs {
  private readonly cells = new Map<string, Set<string>>();
  private readonly runs = new Map<string, number>();

  constructor(private readonly deps: NotebookOutputsDeps) {}

  /** A cell was opened: (re)analyse its notebook's saved outputs. */
  cellChanged(cellUri: string): void {
    const nb = notebookOfCell(cellUri);
    if (!nb) return;
    let open = this.cells.get(nb);
    if (!open) this.cells.set(nb, (open = new Set()));
    open.add(cellUri);
    void this.refresh(nb);
  }

  /** The notebook file changed on disk (saved after running cells): re-read it if it is open in an editor. */
  fileChanged(fileUri: string): void {
    if (this.cells.has(fileUri)) void this.refresh(fileUri);
  }

  /** A cell was closed: when the notebook has no open cell left, clear its output findings. */
  cellClosed(cellUri: string): void {
    const nb = notebookOfCell(cellUri);
    const open = nb ? this.cells.get(nb) : undefined;
    if (!nb || !open) return;
    open.delete(cellUri);
    if (open.size > 0) return;
    this.cells.delete(nb);
    this.runs.set(nb, (this.runs.get(nb) ?? 0) + 1);
    if (!this.deps.openAsText(nb)) this.deps.publish(nb, []);
  }

  private async refresh(nb: string): Promise<void> {
    const run = (this.runs.get(nb) ?? 0) + 1;
    this.runs.set(nb, run);
    if (this.deps.openAsText(nb)) return;
    let diagnostics: Diagnostic[] = [];
    try {
      const options = await this.deps.options(nb);
      if (options) {
        const text = await readFile(fileURLToPath(nb), 'utf8');
        const findings = analyzeText(text, { path: contextPath(fileURLToPath(nb), this.deps.folders()), languageId: 'ipynb' }, options).findings
          .filter((f) => f.ruleId === 'key-in-notebook-output');
        diagnostics = toDiagnostics(TextDocument.create(nb, 'json', 0, text), findings);
      }
    } catch (error) {
      this.deps.log.warn(`misp-guard: could not read the outputs of ${nb}: ${(error as Error).message}`);
    }
    // A newer refresh or a close happened meanwhile: its result wins.
    if (this.runs.get(nb) === run && this.cells.has(nb) && !this.deps.openAsText(nb)) this.deps.publish(nb, diagnostics);
  }
}
