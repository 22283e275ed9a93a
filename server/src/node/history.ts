/**
 * The history scan: every commit reachable from the given revisions, to find keys that were
 * committed and later removed (still in the history, so still leaked). One `git log --raw` lists
 * every change with its blob ids; each distinct (blob, path) is read once through a streaming
 * `git cat-file --batch` and analysed on the worker pool; then the changes are replayed in commit
 * order to tell, per finding fingerprint, the commit that added it and the one that removed it.
 */
import * as path from 'node:path';
import type { ScanOptions } from '../core';
import { fingerprint } from '../fingerprint';
import type { AnalyzedFinding, FileOutcome } from './analyzeFile';
import { catFile, rawLog, treeBlobs } from './git';
import { languageIdForPath } from './languageIds';
import { runPipeline } from './scanPipeline';
import type { AnalyzeTask } from './workerPool';
import type { SkippedEntry, SkipReason } from './walker';

/** A key found in the history. */
export interface HistoryFinding extends AnalyzedFinding {
  /** Absolute path (in the work tree, whether or not the file still exists). */
  file: string;
  /** Commit that added the key (its position is in that commit's version of the file). */
  commit: string;
  /** Commit that last removed it, when it is gone from HEAD. */
  removedIn?: string;
  /** Still present in HEAD's version of the file. */
  present: boolean;
  fingerprint: string;
}

/** What a history scan found. */
export interface HistoryResult {
  commits: number;
  /** Distinct (blob, path) pairs analysed, and their bytes. */
  blobs: number;
  bytes: number;
  findings: HistoryFinding[];
  /** Paths left out (by the filter, or binary/too large blobs), one entry per path and reason. */
  skipped: SkippedEntry[];
}

/** Options of a history scan. */
export interface HistoryRequest {
  repo: string;
  /** Revisions as `git log` takes them, e.g. ['HEAD'] or ['REV..HEAD']. */
  revisions: readonly string[];
  /** Leaves a repository-relative path out, with the reason. */
  filter?: (relPath: string) => SkipReason | undefined;
  maxFileSize: number;
  scanOptions?: ScanOptions;
  jobs?: number;
}

interface BlobResult {
  findings: AnalyzedFinding[];
  fps: string[];
}

/** Runs the history scan. Only key findings count: TLS settings in old commits leak nothing. */
export async function scanHistory(req: HistoryRequest): Promise<HistoryResult> {
  const commits = rawLog(req.repo, req.revisions);
  const skipped = new Map<string, SkippedEntry>();
  const skip = (rel: string, reason: SkipReason, detail?: string): void => {
    const p = path.join(req.repo, ...rel.split('/'));
    if (!skipped.has(`${reason}\u0000${p}`)) skipped.set(`${reason}\u0000${p}`, { kind: 'skip', path: p, reason, directory: false, detail });
  };
  const wanted = new Map<string, Set<string>>();
  const want = (sha: string | undefined, rel: string): void => {
    if (!sha) return;
    let paths = wanted.get(sha);
    if (!paths) wanted.set(sha, (paths = new Set()));
    paths.add(rel);
  };
  const allowed = (rel: string): boolean => {
    const reason = req.filter?.(rel);
    if (reason) skip(rel, reason);
    return !reason;
  };
  for (const c of commits) {
    for (const ch of c.changes) {
      if (!allowed(ch.path)) continue;
      want(ch.newSha, ch.path);
      want(ch.oldSha, ch.path);
    }
  }
  const results = new Map<string, BlobResult>();
  let bytes = await analyzeBlobs(req, wanted, results, skip);

  // Replay: per (path, fingerprint), the first commit that added it and the last that removed it.
  const added = new Map<string, HistoryFinding>();
  const removedIn = new Map<string, string>();
  for (const c of commits) {
    for (const ch of c.changes) {
      const before = ch.oldSha ? results.get(blobKey(ch.oldSha, ch.path)) : undefined;
      const after = ch.newSha ? results.get(blobKey(ch.newSha, ch.path)) : undefined;
      const oldCounts = counts(before?.fps ?? []);
      after?.findings.forEach((f, i) => {
        const fp = after.fps[i];
        const n = oldCounts.get(fp) ?? 0;
        if (n > 0) { oldCounts.set(fp, n - 1); return; }
        const id = `${ch.path}\u0000${fp}`;
        if (!added.has(id)) added.set(id, { ...f, file: path.join(req.repo, ...ch.path.split('/')), commit: c.sha, present: false, fingerprint: fp });
      });
      const newCounts = counts(after?.fps ?? []);
      for (const fp of before?.fps ?? []) {
        const n = newCounts.get(fp) ?? 0;
        if (n > 0) { newCounts.set(fp, n - 1); continue; }
        removedIn.set(`${ch.path}\u0000${fp}`, c.sha);
      }
    }
  }

  // What HEAD still holds, for the paths that ever had a finding.
  const paths = new Set([...added.keys()].map((id) => id.slice(0, id.indexOf('\u0000'))));
  const head = commits.length > 0 ? treeBlobs(req.repo, 'HEAD').filter((b) => paths.has(b.path)) : [];
  const missing = new Map<string, Set<string>>();
  for (const b of head) if (!results.has(blobKey(b.sha, b.path))) missing.set(b.sha, new Set([...(missing.get(b.sha) ?? []), b.path]));
  bytes += await analyzeBlobs(req, missing, results, skip);
  const present = new Set<string>();
  for (const b of head) for (const fp of results.get(blobKey(b.sha, b.path))?.fps ?? []) present.add(`${b.path}\u0000${fp}`);

  const findings: HistoryFinding[] = [];
  for (const [id, f] of added) {
    if (present.has(id)) findings.push({ ...f, present: true });
    else findings.push({ ...f, removedIn: removedIn.get(id) });
  }
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  return { commits: commits.length, blobs: results.size, bytes, findings, skipped: [...skipped.values()] };
}

/** Reads and analyses the wanted blobs (sha → paths); returns the bytes analysed. */
async function analyzeBlobs(req: HistoryRequest, wanted: Map<string, Set<string>>, results: Map<string, BlobResult>,
  skip: (rel: string, reason: SkipReason, detail?: string) => void): Promise<number> {
  if (wanted.size === 0) return 0;
  // Outcomes come back in task order: this queue says which (sha, path) each one is.
  const order: string[] = [];
  async function* tasks(): AsyncGenerator<AnalyzeTask | SkippedEntry> {
    for await (const blob of catFile(req.repo, wanted.keys(), req.maxFileSize)) {
      const rels = [...(wanted.get(blob.sha) ?? [])];
      if (!blob.data) {
        for (const rel of rels) skip(rel, blob.size > req.maxFileSize ? 'too-large' : 'unreadable', blob.size > req.maxFileSize ? `${blob.size} bytes` : 'missing blob');
        continue;
      }
      for (const [i, rel] of rels.entries()) {
        order.push(blobKey(blob.sha, rel));
        // The last path takes the buffer itself (it may be transferred to a worker); the others get copies.
        const data = i === rels.length - 1 ? blob.data : Buffer.from(blob.data);
        yield { kind: 'bytes', path: path.join(req.repo, ...rel.split('/')), languageId: languageIdForPath(rel), data };
      }
    }
  }
  let next = 0;
  let bytes = 0;
  await runPipeline({
    tasks: tasks(),
    analyzer: { maxFileSize: req.maxFileSize, scanOptions: req.scanOptions, roots: [req.repo] },
    jobs: req.jobs,
    onFile: (o: FileOutcome) => {
      const key = order[next++];
      const rel = key.slice(key.indexOf('\u0000') + 1);
      bytes += o.bytes;
      if (o.skip) skip(rel, o.skip.reason, o.skip.detail);
      const findings = o.findings.filter((f) => f.ruleId !== 'tls-verify-disabled');
      results.set(key, { findings, fps: findings.map((f) => fingerprint(f.ruleId, rel, f.context)) });
    },
  });
  return bytes;
}

function blobKey(sha: string, rel: string): string {
  return `${sha}\u0000${rel}`;
}

function counts(fps: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const fp of fps) m.set(fp, (m.get(fp) ?? 0) + 1);
  return m;
}
