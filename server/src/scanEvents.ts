/**
 * File events after a workspace scan (watched-file changes, and renames and deletes done in the
 * editor): batched for a moment, then each path is cleared or analysed again from disk, so scan
 * diagnostics follow files that move, change or disappear. A changed baseline file refreshes the
 * diagnostics it filters.
 */
import { fileURLToPath } from 'node:url';
import { FileChangeType } from 'vscode-languageserver';
import type { FileEvent } from 'vscode-languageserver';
import type { BaselineStore } from './baselineStore';
import type { ScanResults } from './scanResults';

/** Delay that lets a burst of events (a checkout, a folder rename) arrive before acting on it. */
export const FILE_EVENT_DELAY_MS = 50;

/** What the event handling needs. */
export interface ScanEventsDeps {
  results: ScanResults;
  baselines: BaselineStore;
  /** Called when a baseline file changed (after its cache was dropped). */
  baselineChanged(): void;
  log: { warn(message: string): void };
}

/** Batches file events and applies them to the scan results. */
export class ScanEvents {
  private readonly deleted = new Set<string>();
  private readonly touched = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ScanEventsDeps) {}

  /** workspace/didChangeWatchedFiles. */
  watched(changes: readonly FileEvent[]): void {
    for (const c of changes) {
      if (c.type === FileChangeType.Deleted) this.remove(c.uri);
      else this.touch(c.uri);
    }
  }

  /** workspace/didRenameFiles: the old path is gone, the new one is new. */
  renamed(files: readonly { oldUri: string; newUri: string }[]): void {
    for (const f of files) {
      this.remove(f.oldUri);
      this.touch(f.newUri);
    }
  }

  /** workspace/didDeleteFiles. */
  removed(uris: readonly string[]): void {
    for (const u of uris) this.remove(u);
  }

  /** A document was closed: what the editor showed goes; the file on disk is analysed again. */
  closed(file: string): void {
    this.touched.add(file);
    this.schedule();
  }

  /** Resolves once every event received so far has been applied. */
  idle(): Promise<void> {
    return this.timer ? new Promise((resolve) => setTimeout(() => resolve(this.chain), FILE_EVENT_DELAY_MS + 1)) : this.chain;
  }

  private remove(uri: string): void {
    const p = toPath(uri);
    if (p === undefined) return;
    this.touched.delete(p);
    this.deleted.add(p);
    this.schedule();
  }

  private touch(uri: string): void {
    const p = toPath(uri);
    if (p === undefined) return;
    this.touched.add(p);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const deleted = [...this.deleted];
      const touched = [...this.touched];
      this.deleted.clear();
      this.touched.clear();
      this.chain = this.chain.then(() => this.apply(deleted, touched)).catch((e: unknown) => this.deps.log.warn(`scan results: ${String(e)}`));
    }, FILE_EVENT_DELAY_MS);
  }

  private async apply(deleted: string[], touched: string[]): Promise<void> {
    let baseline = false;
    for (const p of [...deleted, ...touched]) baseline = this.deps.baselines.invalidate(p) || baseline;
    if (baseline) this.deps.baselineChanged();
    for (const p of deleted) this.deps.results.forgetUnder(p);
    for (const p of touched) await this.deps.results.refresh(p);
  }
}

function toPath(uri: string): string | undefined {
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
