/**
 * The workspace scan request: walk every workspace folder (or the requested folders) from disk,
 * honouring .gitignore (root and nested), `files.exclude` and `mispGuard.exclude`, analyse on worker
 * threads, publish diagnostics for unopened files as results stream in, report LSP work-done
 * progress with file counts, stop at once on cancel, and resolve with a summary.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import type { CancellationToken, WorkDoneProgressReporter } from 'vscode-languageserver';
import { RULE_IDS } from './core';
import type { RuleId } from './core';
import type { Baseline } from './node/baseline';
import { GitignoreRules } from './node/gitignore';
import { runPipeline } from './node/scanPipeline';
import type { PipelineProgress } from './node/scanPipeline';
import { DEFAULT_MAX_FILE_SIZE, SKIP_REASON_LABELS } from './node/walker';
import type { SkipReason } from './node/walker';
import type { ScanSummary, ScanWorkspaceParams } from './protocol';
import { isUnder } from './scanResults';
import type { Published, ScanResults, ScanScope } from './scanResults';
import { toScanOptions } from './settings';
import type { Settings } from './settings';

/** A progress reporter; a server-created one carries the token the client cancels. */
export type ScanProgress = WorkDoneProgressReporter & { token?: CancellationToken };

/** What the scanner needs from the server. */
export interface WorkspaceScanDeps {
  /** File-system paths of the workspace folders. */
  folders(): readonly string[];
  settings(scopeUri: string): Promise<Settings>;
  /** The `files.exclude` globs switched on for a folder. */
  filesExclude(scopeUri: string): Promise<string[]>;
  /** A server-created progress (`window/workDoneProgress/create`), or a silent one. */
  createProgress(): Promise<ScanProgress>;
  /** The baseline of a folder for its `mispGuard.baseline` setting. */
  baseline(folder: string, setting: string): Baseline | undefined;
  results: ScanResults;
  /**
   * For a file open in the editor, what the editor shows for it (its live diagnostics, from the
   * editor's text, which may not be saved); undefined when the file is not open. The summary counts
   * that instead of the file on disk, so that it matches the Problems panel.
   */
  shown?(file: string): Promise<Published> | undefined;
  log: { info(message: string): void; warn(message: string): void };
}

/** Runs workspace scans, one at a time (a new one cancels the running one). */
export class WorkspaceScanner {
  private running: AbortController | undefined;

  constructor(private readonly deps: WorkspaceScanDeps) {}

  /**
   * Scans and resolves with the summary (also when cancelled). `clientProgress` is the reporter of
   * the request's own `workDoneToken`, when the client sent one.
   */
  async scan(params: ScanWorkspaceParams, token: CancellationToken, clientProgress?: ScanProgress): Promise<ScanSummary> {
    this.running?.abort();
    const abort = new AbortController();
    this.running = abort;
    const started = performance.now();
    const progress = clientProgress ?? await this.deps.createProgress();
    const disposables = [token.onCancellationRequested(() => abort.abort()), progress.token?.onCancellationRequested(() => abort.abort())];
    const targets = this.targets(params);
    const summary: ScanSummary = {
      cancelled: false, folders: targets, filesScanned: 0, findings: 0, filesWithFindings: 0, byRule: {}, skipped: {},
      baselined: 0, bytesScanned: 0, durationMs: 0, message: '',
    };
    progress.begin('MISP Guard: scanning for MISP keys', 0, 'listing files…', true);
    const totals = { found: 0, done: 0 };
    try {
      for (const target of targets) {
        if (abort.signal.aborted) break;
        const scope = await this.scope(target);
        if (!scope) continue;
        this.deps.results.addScope(scope);
        const before = new Set(this.deps.results.filesUnder(target));
        const base = { ...totals };
        const count = (shown: Published): void => {
          summary.baselined += shown.baselined;
          if (shown.findings > 0) summary.filesWithFindings++;
          summary.findings += shown.findings;
          for (const [rule, n] of shown.byRule) summary.byRule[rule] = (summary.byRule[rule] ?? 0) + n;
        };
        const open: Promise<Published>[] = [];
        const result = await runPipeline({
          roots: [target], walk: { maxFileSize: scope.analyzer.maxFileSize, ignore: scope.ignore }, analyzer: scope.analyzer,
          // Always on workers: the main thread stays free to see a cancel within milliseconds.
          inlineBelow: { files: 0, bytes: 0 },
          signal: abort.signal,
          onSkip: (s) => { summary.skipped[s.reason] = (summary.skipped[s.reason] ?? 0) + 1; },
          onFile: (o) => {
            before.delete(o.path);
            if (o.skip) { summary.skipped[o.skip.reason] = (summary.skipped[o.skip.reason] ?? 0) + 1; return; }
            summary.filesScanned++;
            summary.bytesScanned += o.bytes;
            // Kept for when the file is closed; published only while it is not open.
            const fromDisk = this.deps.results.set(o.path, o.findings, scope);
            const live = this.deps.shown?.(o.path);
            if (live) open.push(live);
            else count(fromDisk);
          },
          onProgress: (p: PipelineProgress) => {
            totals.found = base.found + p.filesFound;
            totals.done = base.done + p.filesDone;
            const more = p.walkDone && target === targets[targets.length - 1] ? '' : '+';
            const pct = p.walkDone && totals.found > 0 ? Math.floor((totals.done / totals.found) * 100) : undefined;
            progress.report(pct ?? 0, `${totals.done} of ${totals.found}${more} files, ${summary.findings} ${plural(summary.findings, 'finding')}`);
          },
        });
        for (const shown of await Promise.all(open)) count(shown);
        summary.cancelled ||= result.cancelled;
        // Files that had findings but were not seen again (ignored now, or gone): no stale diagnostics.
        if (!result.cancelled) for (const f of before) this.deps.results.forgetUnder(f);
      }
    } finally {
      for (const d of disposables) d?.dispose();
      if (this.running === abort) this.running = undefined;
    }
    summary.cancelled ||= abort.signal.aborted;
    summary.durationMs = Math.round(performance.now() - started);
    summary.message = describeSummary(summary);
    progress.done();
    this.deps.log.info(summary.message);
    return summary;
  }

  /** Cancels the running scan, if any. */
  cancel(): void {
    this.running?.abort();
  }

  /** Requested URIs (as paths) or every workspace folder; nested ones are covered by their parent. */
  private targets(params: ScanWorkspaceParams): string[] {
    const wanted = params.uris?.length ? params.uris.flatMap((u) => { try { return [fileURLToPath(u)]; } catch { return []; } }) : [...this.deps.folders()];
    const unique = [...new Set(wanted.map((p) => path.resolve(p)))];
    return unique.filter((p) => !unique.some((q) => q !== p && isUnder(p, q)));
  }

  /** How a target is scanned: its folder's settings, excludes, .gitignore and baseline. */
  private async scope(target: string): Promise<ScanScope | undefined> {
    const folder = this.deps.folders().filter((f) => isUnder(target, f)).sort((a, b) => b.length - a.length)[0] ?? target;
    const folderUri = pathToFileURL(folder).href;
    const settings = await this.deps.settings(folderUri);
    if (!settings.enable) {
      this.deps.log.info(`workspace scan: ${folder} skipped (mispGuard.enable is off)`);
      return undefined;
    }
    const globs = [...settings.exclude, ...await this.deps.filesExclude(folderUri).catch(() => [] as string[])];
    const excluded = globs.length ? picomatch(globs, { dot: true }) : undefined;
    const gitignore = GitignoreRules.forDirectory(folder);
    const ignore = (file: string, isDirectory: boolean): SkipReason | undefined => {
      if (excluded) {
        const rel = path.relative(folder, file).split(path.sep).join('/');
        if (!rel.startsWith('..') && (excluded(rel) || excluded(file.split(path.sep).join('/')))) return 'excluded';
      }
      return gitignore.ignored(file, isDirectory) ? 'gitignored' : undefined;
    };
    return {
      folder, root: target, ignore,
      analyzer: { maxFileSize: DEFAULT_MAX_FILE_SIZE, scanOptions: toScanOptions(settings), roots: [folder] },
      baseline: () => this.deps.baseline(folder, settings.baseline),
    };
  }
}

/** "Scanned 1,234 files: 5 findings in 3 files (hardcoded-key 4, …); skipped 12 (…)." */
export function describeSummary(s: ScanSummary): string {
  let text = `${s.cancelled ? 'Scan cancelled after' : 'Scanned'} ${s.filesScanned} ${plural(s.filesScanned, 'file')}: ${s.findings} ${plural(s.findings, 'finding')}`;
  if (s.findings > 0) {
    const rules = RULE_IDS.filter((r: RuleId) => s.byRule[r]).map((r) => `${r} ${s.byRule[r]}`);
    text += ` in ${s.filesWithFindings} ${plural(s.filesWithFindings, 'file')} (${rules.join(', ')})`;
  }
  const skipped = Object.entries(s.skipped);
  const total = skipped.reduce((n, [, c]) => n + c, 0);
  if (total > 0) text += `; skipped ${total}: ${skipped.map(([r, c]) => `${c} ${SKIP_REASON_LABELS[r as SkipReason] ?? r}`).join(', ')}`;
  if (s.baselined > 0) text += `; ${s.baselined} baselined ${plural(s.baselined, 'finding')} hidden`;
  return `${text}.`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
