/**
 * Baselines in the editor: the file named by `mispGuard.baseline` (default
 * `.misp-guard-baseline.json`), relative to the workspace folder holding a document, loaded once
 * and forgotten when a watched-file event says it changed. A missing file means "no baseline"; an
 * invalid one is reported once in the log and ignored.
 */
import * as path from 'node:path';
import { redact } from './core';
import type { Finding } from './core';
import { fingerprintContext } from './fingerprint';
import { Baseline, BaselineError } from './node/baseline';

/** Loaded baselines by absolute file path (null: none there). */
export class BaselineStore {
  private readonly cache = new Map<string, Baseline | null>();

  constructor(private readonly warn: (message: string) => void) {}

  /** The baseline that applies to `file` (inside one of `folders`), or undefined. */
  forFile(file: string, folders: readonly string[], setting: string): Baseline | undefined {
    if (setting === '') return undefined;
    if (path.isAbsolute(setting)) return this.load(setting);
    const folder = folders.filter((f) => file === f || file.startsWith(f.endsWith(path.sep) ? f : f + path.sep))
      .sort((a, b) => b.length - a.length)[0];
    return folder === undefined ? undefined : this.load(path.join(folder, setting));
  }

  /** Drops findings of a document's text that its baseline accepts. */
  filter(file: string | undefined, text: string, findings: Finding[], folders: readonly string[], setting: string): Finding[] {
    if (file === undefined || findings.length === 0) return findings;
    const baseline = this.forFile(file, folders, setting);
    if (!baseline) return findings;
    const accept = baseline.matcher();
    return findings.filter((f) => !accept({ ruleId: f.ruleId, file, context: fingerprintContext(text, f.start, f.end) }));
  }

  /** True when `file` is (or was asked for as) a baseline file: its change must refresh diagnostics. */
  invalidate(file: string): boolean {
    return this.cache.delete(path.resolve(file));
  }

  private load(file: string): Baseline | undefined {
    const abs = path.resolve(file);
    let b = this.cache.get(abs);
    if (b === undefined) {
      b = null;
      try {
        b = Baseline.load(abs);
      } catch (e) {
        // A missing baseline is the normal case; a broken one deserves a word (masked: its path or text may hold a key).
        if (e instanceof BaselineError && e.code !== 'ENOENT' && e.code !== 'ENOTDIR') this.warn(redact(e.message));
      }
      this.cache.set(abs, b);
    }
    return b ?? undefined;
  }
}
