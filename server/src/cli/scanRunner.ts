/**
 * The CLI's scans: the files on disk (walked, .gitignore and --exclude honoured, analysed on worker
 * threads), the blobs staged in git, the files changed since a revision, or the whole history.
 * Findings a baseline accepts are dropped here; the rest stream to `onFindings` in walk order and
 * are collected into the report model the writers render.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { ScanOptions } from '../core';
import type { FileOutcome } from '../node/analyzeFile';
import type { Baseline } from '../node/baseline';
import { catFile, changedSince, hasHeadCommit, repositoryOf, resolveCommit, stagedBlobs, topPathspecs } from '../node/git';
import { GitignoreRules } from '../node/gitignore';
import { scanHistory } from '../node/history';
import { languageIdForPath } from '../node/languageIds';
import { runPipeline } from '../node/scanPipeline';
import type { AnalyzeTask } from '../node/workerPool';
import { DEFAULT_MAX_FILE_SIZE } from '../node/walker';
import type { SkippedEntry, SkipReason } from '../node/walker';
import type { ScanSource } from './args';
import { reportRoot } from './scan';
import type { ReportedFinding, ScanResult } from './scan';

/** What one CLI scan does. */
export interface ScanRun {
  source: ScanSource;
  paths: readonly string[];
  cwd: string;
  exclude: readonly string[];
  gitignore: boolean;
  maxFileSize?: number;
  jobs?: number;
  baseline?: Baseline;
  scanOptions?: ScanOptions;
  /** New findings of each file, in walk order, as soon as they are known. */
  onFindings?(findings: ReportedFinding[]): void;
  /** Stops a scan of files on disk or staged blobs early (what was found so far is kept). */
  signal?: AbortSignal;
}

/** The report model plus the bytes analysed. */
export type ScanRunResult = ScanResult & { bytes: number };

/** Runs the scan the source asks for. Git failures throw GitError. */
export async function runScanAsync(run: ScanRun): Promise<ScanRunResult> {
  const abs = run.paths.map((p) => path.resolve(run.cwd, p));
  const result: ScanRunResult = {
    root: reportRoot(abs, run.cwd), cwd: run.cwd, filesScanned: 0, findings: [], notices: [], skipped: [], bytes: 0,
    ...(run.baseline ? { baselined: 0 } : {}),
  };
  const accept = run.baseline?.matcher();
  const maxFileSize = run.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const exclude = excludeMatcher(run.exclude, abs, run.cwd);

  const keep = (found: ReportedFinding[]): ReportedFinding[] => {
    if (!accept) return found;
    const fresh = found.filter((f) => !accept(f));
    result.baselined! += found.length - fresh.length;
    return fresh;
  };
  const onFile = (o: FileOutcome): void => {
    if (o.skip) { result.skipped.push(o.skip); return; }
    result.filesScanned++;
    result.bytes += o.bytes;
    for (const n of o.notices) result.notices.push({ file: o.path, ...n });
    const fresh = keep(o.findings.map((f) => reported(o.path, f)));
    if (fresh.length === 0) return;
    result.findings.push(...fresh);
    run.onFindings?.(fresh);
  };
  const onSkip = (s: SkippedEntry): void => { result.skipped.push(s); };
  const analyzer = { maxFileSize, scanOptions: run.scanOptions };

  switch (run.source.kind) {
    case 'tree': {
      const ignore = treeFilter(abs, exclude, run.gitignore);
      await runPipeline({ roots: abs, walk: { maxFileSize, ignore }, analyzer: { ...analyzer, roots: abs }, jobs: run.jobs, onFile, onSkip, signal: run.signal });
      break;
    }
    case 'since': {
      // git runs in the repository holding the paths, wherever the working directory is.
      const { root: repo, relative } = repositoryOf(abs);
      resolveCommit(run.source.rev, repo);
      const files = changedSince(repo, run.source.rev, topPathspecs(relative)).filter((f) => {
        const reason = exclude(f, false) ?? (dependencyPath(path.relative(repo, f)) ? 'dependency-dir' : undefined);
        if (reason) result.skipped.push({ kind: 'skip', path: f, reason, directory: false });
        return !reason;
      });
      if (files.length > 0) await runPipeline({ roots: files, walk: { maxFileSize }, analyzer: { ...analyzer, roots: [repo] }, jobs: run.jobs, onFile, onSkip, signal: run.signal });
      break;
    }
    case 'staged': {
      const { root: repo, relative } = repositoryOf(abs);
      const blobs = stagedBlobs(repo, topPathspecs(relative)).filter((b) => {
        const file = path.join(repo, ...b.path.split('/'));
        const reason = exclude(file, false) ?? (dependencyPath(b.path) ? 'dependency-dir' : undefined);
        if (reason) result.skipped.push({ kind: 'skip', path: file, reason, directory: false });
        return !reason;
      });
      await runPipeline({ tasks: blobTasks(repo, blobs, maxFileSize), analyzer: { ...analyzer, roots: [repo] }, jobs: run.jobs, onFile, onSkip, signal: run.signal });
      break;
    }
    case 'history': {
      const { root: repo, relative } = repositoryOf(abs);
      const since = run.source.since;
      if (since !== undefined) resolveCommit(since, repo);
      result.commits = 0;
      if (!hasHeadCommit(repo)) {
        // Nothing committed yet (or an unborn branch): no history, so no key in it.
        result.notices.push({ file: repo, level: 'info', message: 'no commits yet: there is no history to scan' });
        break;
      }
      const whole = relative.includes('');
      const inPaths = (rel: string): boolean => whole || relative.some((p) => rel === p || rel.startsWith(`${p}/`));
      const history = await scanHistory({
        repo, revisions: [since === undefined ? 'HEAD' : `${since}..HEAD`], maxFileSize, scanOptions: run.scanOptions, jobs: run.jobs,
        filter: (rel): SkipReason | undefined => {
          if (!inPaths(rel)) return 'excluded';
          return exclude(path.join(repo, ...rel.split('/')), false) ?? (dependencyPath(rel) ? 'dependency-dir' : undefined);
        },
      });
      result.commits = history.commits;
      result.filesScanned = history.blobs;
      result.bytes = history.bytes;
      // Paths outside the requested ones are not "skipped": they were not asked for.
      result.skipped.push(...history.skipped.filter((s) => s.reason !== 'excluded' || inPaths(path.relative(repo, s.path).split(path.sep).join('/'))));
      const fresh = keep(history.findings.map((f) => ({ ...reported(f.file, f), commit: f.commit, removedIn: f.removedIn })));
      result.findings.push(...fresh);
      if (fresh.length) run.onFindings?.(fresh);
      break;
    }
  }
  // A history scan filters by the paths (they may be long gone); the others were asked to read them.
  if (run.source.kind !== 'history') {
    const unscanned = namedSkips(result.skipped, abs);
    if (unscanned.length > 0) result.unscanned = unscanned;
  }
  return result;
}

/** Skips of the paths themselves (not of something below them); a path named twice is not one. */
function namedSkips(skipped: readonly SkippedEntry[], abs: readonly string[]): SkippedEntry[] {
  const named = new Set(abs.flatMap((p) => [p, realPath(p)]));
  const seen = new Set<string>();
  return skipped.filter((s) => {
    if (s.reason === 'already-visited' || !named.has(s.path) || seen.has(s.path)) return false;
    seen.add(s.path);
    return true;
  });
}

function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function reported(file: string, f: FileOutcome['findings'][number]): ReportedFinding {
  return {
    file, ruleId: f.ruleId, severity: f.severity, message: f.message, preview: f.preview,
    line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, context: f.context,
  };
}

/** Staged blobs as analysis tasks, read through one `git cat-file --batch`. */
async function* blobTasks(repo: string, blobs: { path: string; sha: string }[], maxFileSize: number): AsyncGenerator<AnalyzeTask | SkippedEntry> {
  const bySha = new Map<string, string[]>();
  for (const b of blobs) bySha.set(b.sha, [...(bySha.get(b.sha) ?? []), b.path]);
  for await (const blob of catFile(repo, bySha.keys(), maxFileSize)) {
    for (const rel of bySha.get(blob.sha) ?? []) {
      const file = path.join(repo, ...rel.split('/'));
      if (!blob.data) {
        yield { kind: 'skip', path: file, reason: blob.size > maxFileSize ? 'too-large' : 'unreadable', directory: false, detail: `${blob.size} bytes` };
      } else {
        yield { kind: 'bytes', path: file, languageId: languageIdForPath(rel), data: Buffer.from(blob.data) };
      }
    }
  }
}

/** `node_modules` anywhere in a repository-relative path: skipped as the walker does. */
function dependencyPath(rel: string): boolean {
  return rel.split(/[\\/]/).includes('node_modules');
}

/**
 * `--exclude` globs: a glob without `/` matches a file or directory name anywhere; others match the
 * path relative to the working directory or to a scanned root (so `build/**` works from either).
 */
export function excludeMatcher(globs: readonly string[], roots: readonly string[], cwd: string): (file: string, isDirectory: boolean) => SkipReason | undefined {
  if (globs.length === 0) return () => undefined;
  const match = picomatch([...globs], { dot: true, basename: true });
  const bases = [...new Set([cwd, ...roots])];
  return (file, isDirectory) => {
    for (const base of bases) {
      const rel = path.relative(base, file).split(path.sep).join('/');
      if (rel === '' || rel.startsWith('..')) continue;
      if (match(rel) || (isDirectory && match(`${rel}/`))) return 'excluded';
    }
    return undefined;
  };
}

/** The walk filter of a tree scan: exclude globs first, then .gitignore. */
function treeFilter(roots: readonly string[], exclude: (file: string, isDirectory: boolean) => SkipReason | undefined, gitignore: boolean): (file: string, isDirectory: boolean) => SkipReason | undefined {
  const rules = new Map<string, GitignoreRules>();
  const rulesFor = (file: string): GitignoreRules | undefined => {
    const root = roots.find((r) => file.startsWith(r + path.sep));
    if (root === undefined) return undefined;
    let r = rules.get(root);
    if (!r) rules.set(root, (r = GitignoreRules.forDirectory(root)));
    return r;
  };
  return (file, isDirectory) => {
    const excluded = exclude(file, isDirectory);
    if (excluded) return excluded;
    if (gitignore && rulesFor(file)?.ignored(file, isDirectory)) return 'gitignored';
    return undefined;
  };
}
