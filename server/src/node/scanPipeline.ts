/**
 * The scan pipeline shared by the CLI and the workspace scan: walk on this thread, analyse in
 * batches (on worker threads for anything but a small tree), and hand every skip and every file
 * outcome to the caller in walk order as soon as it and everything before it are done, so that
 * results stream out. Cancellation (an AbortSignal) stops the walk and the workers at once.
 */
import type { FileOutcome } from './analyzeFile';
import { defaultJobs, InlineAnalyzer, WorkerPool, workersAvailable } from './workerPool';
import type { Analyzer, AnalyzerOptions, AnalyzeTask } from './workerPool';
import { walkPaths } from './walker';
import type { SkippedEntry, WalkedPath, WalkOptions } from './walker';

/** Counters of a running scan. */
export interface PipelineProgress {
  /** Files found by the walk so far (to analyse). */
  filesFound: number;
  /** Files analysed so far. */
  filesDone: number;
  /** Bytes analysed so far. */
  bytesDone: number;
  /** Entries skipped so far. */
  skipped: number;
  /** True once the walk has finished (filesFound is then the total). */
  walkDone: boolean;
}

/** What one pipeline run does. */
export interface PipelineRequest {
  /** Absolute files and directories to walk, or ready-made tasks (git blobs). */
  roots?: readonly string[];
  tasks?: Iterable<AnalyzeTask | SkippedEntry> | AsyncIterable<AnalyzeTask | SkippedEntry>;
  walk?: WalkOptions;
  analyzer: AnalyzerOptions;
  /** Worker threads: 0 or undefined for one per core; 1 analyses on this thread. */
  jobs?: number;
  /** Below this many files and bytes the scan stays on this thread (default 200 files, 4 MB). */
  inlineBelow?: { files: number; bytes: number };
  signal?: AbortSignal;
  /** Called in walk order. */
  onSkip?(entry: SkippedEntry): void;
  onFile?(outcome: FileOutcome): void;
  /** Called at most every `progressMs` (default 100) and once at the end. */
  onProgress?(progress: PipelineProgress): void;
  progressMs?: number;
}

/** How a run ended. */
export interface PipelineResult {
  cancelled: boolean;
  progress: PipelineProgress;
  /** Worker threads used (0: analysed on this thread). */
  workers: number;
}

const BATCH_FILES = 32;
const BATCH_BYTES = 1024 * 1024;
/** Longest stretch of synchronous walking before the event loop gets a turn (cancellation, I/O). */
const SLICE_MS = 10;

type Item = { skip: SkippedEntry } | { file: FileOutcome };

/** Runs a scan; resolves when every file is done or the signal aborted. */
export async function runPipeline(req: PipelineRequest): Promise<PipelineResult> {
  const progress: PipelineProgress = { filesFound: 0, filesDone: 0, bytesDone: 0, skipped: 0, walkDone: false };
  const source = req.tasks ?? walkTasks(req.roots ?? [], req.walk ?? {});
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]());
  const signal = req.signal;

  // Look ahead: a small scan is not worth starting workers for.
  const limit = req.inlineBelow ?? { files: 200, bytes: 4 * 1024 * 1024 };
  const lookahead: (AnalyzeTask | SkippedEntry)[] = [];
  let aheadFiles = 0;
  let aheadBytes = 0;
  let exhausted = false;
  while (aheadFiles < limit.files && aheadBytes < limit.bytes) {
    const n = await iterator.next();
    if (n.done) { exhausted = true; break; }
    lookahead.push(n.value);
    if (n.value.kind !== 'skip') { aheadFiles++; aheadBytes += taskBytes(n.value); }
  }
  const jobs = req.jobs && req.jobs > 0 ? req.jobs : defaultJobs();
  const useWorkers = !exhausted && jobs > 1 && workersAvailable();
  const analyzer: Analyzer = useWorkers ? new WorkerPool(jobs, req.analyzer) : new InlineAnalyzer(req.analyzer);

  let cancelled = false;
  let wake: (() => void) | undefined;
  const onAbort = (): void => { cancelled = true; wake?.(); };
  signal?.addEventListener('abort', onAbort);
  if (signal?.aborted) cancelled = true;

  let lastProgress = 0;
  const progressMs = req.progressMs ?? 100;
  const report = (force: boolean): void => {
    const now = performance.now();
    if (!req.onProgress || (!force && now - lastProgress < progressMs)) return;
    lastProgress = now;
    req.onProgress({ ...progress });
  };

  // Results are handed out in walk order.
  const waiting = new Map<number, Item>();
  let nextOut = 0;
  const put = (seq: number, item: Item): void => {
    waiting.set(seq, item);
    for (let it = waiting.get(nextOut); it !== undefined && !cancelled; it = waiting.get(nextOut)) {
      waiting.delete(nextOut++);
      if ('skip' in it) req.onSkip?.(it.skip);
      else {
        progress.filesDone++;
        progress.bytesDone += it.file.bytes;
        req.onFile?.(it.file);
      }
    }
    report(false);
  };

  const inflight = new Set<Promise<void>>();
  const maxInflight = analyzer.parallelism * 3;
  let batch: AnalyzeTask[] = [];
  let batchSeqs: number[] = [];
  let batchBytes = 0;
  let failure: unknown;
  const dispatch = (): void => {
    if (batch.length === 0) return;
    const tasks = batch;
    const seqs = batchSeqs;
    batch = [];
    batchSeqs = [];
    batchBytes = 0;
    const p = analyzer.run(tasks).then(
      (outcomes) => { if (!cancelled) outcomes.forEach((o, i) => put(seqs[i], { file: o })); },
      (error: unknown) => { if (!cancelled) failure ??= error; },
    ).finally(() => { inflight.delete(p); wake?.(); });
    inflight.add(p);
  };
  /** Waits until a batch finished or the scan was cancelled. */
  const settle = (): Promise<void> => new Promise((resolve) => {
    wake = () => { wake = undefined; resolve(); };
    if (cancelled || inflight.size === 0) wake();
  });

  let seq = 0;
  let sliceStart = performance.now();
  try {
    const all = (async function* () { yield* lookahead; for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value; })();
    for await (const entry of all) {
      if (cancelled || failure) break;
      if (entry.kind === 'skip') {
        progress.skipped++;
        put(seq++, { skip: entry });
      } else {
        progress.filesFound++;
        batch.push(entry);
        batchSeqs.push(seq++);
        batchBytes += taskBytes(entry);
        if (batch.length >= BATCH_FILES || batchBytes >= BATCH_BYTES) dispatch();
        while (inflight.size >= maxInflight && !cancelled) await settle();
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
        report(false);
      }
    }
    progress.walkDone = !cancelled;
    if (!cancelled) dispatch();
    while (inflight.size > 0 && !cancelled && !failure) await settle();
    if (failure && !cancelled) throw failure;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Stop the source too (a git cat-file process behind an async iterator).
    void iterator.return?.()?.catch(() => undefined);
    await analyzer.close();
  }
  report(true);
  return { cancelled, progress, workers: useWorkers ? analyzer.parallelism : 0 };
}

function* walkTasks(roots: readonly string[], walk: WalkOptions): Generator<AnalyzeTask | SkippedEntry> {
  for (const entry of walkPaths(roots, walk)) {
    yield entry.kind === 'skip' ? entry : { kind: 'file', entry: entry as WalkedPath };
  }
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return { next: () => Promise.resolve(it.next()) };
}

function taskBytes(task: AnalyzeTask): number {
  return task.kind === 'file' ? task.entry.size : task.kind === 'text' ? task.bytes : task.data.byteLength;
}
