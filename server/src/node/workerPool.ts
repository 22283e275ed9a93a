/**
 * Where files are analysed: on the calling thread (small scans: a worker costs more to start than
 * a few files cost to analyse), or on a pool of worker threads, one per core, fed with batches.
 * Both take batches and resolve with one outcome per task, in task order.
 *
 * In the pool every worker reads and screens files (the core's cheap prefilter, which settles most
 * of them); what passes is analysed by the worker that owns its format family (config formats on the
 * first, program source on the second), so each set of parsers is compiled once and runs warm instead
 * of every worker paying for its start-up on a few files.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ScanOptions } from '../core';
import { analyzeBytes, analyzeDeferred, analyzeFile } from './analyzeFile';
import type { DeferredText, FileOutcome } from './analyzeFile';
import type { WalkedPath } from './walker';

/** A file on disk, or the bytes of a git blob analysed as the file at `path`. */
export type AnalyzeTask =
  | { kind: 'file'; entry: WalkedPath }
  | { kind: 'bytes'; path: string; languageId: string; data: Uint8Array }
  | DeferredText;

/** Options every analysis of one scan shares. */
export interface AnalyzerOptions {
  maxFileSize: number;
  scanOptions?: ScanOptions;
  /** The scanned folders (scan roots, workspace folders, the repository): the core sees paths inside them (see contextPath). */
  roots?: string[];
}

/** Message to a worker. */
export interface BatchRequest {
  id: number;
  tasks: AnalyzeTask[];
}

/** What a worker knows about its place in the pool (workerData). */
export interface WorkerSetup extends AnalyzerOptions {
  /** This worker's index, and the pool's size. */
  index: number;
  count: number;
}

/** The worker that analyses texts of a family: config formats on the first, program source on the second. */
export function ownerOf(family: 'code' | 'config', count: number): number {
  return family === 'config' || count < 2 ? 0 : 1;
}

/** Message from a worker: a number stands for a file analysed with nothing to report (its bytes read). */
export interface BatchReply {
  id: number;
  outcomes: Array<FileOutcome | number | DeferredText>;
}

/** Packs an outcome for the trip back from a worker: most files have nothing to report, and cloning costs. */
export function packOutcome(o: FileOutcome): FileOutcome | number {
  return o.skip || o.findings.length > 0 || o.notices.length > 0 ? o : o.bytes;
}

function taskPath(task: AnalyzeTask): string {
  return task.kind === 'file' ? task.entry.path : task.path;
}

function isDeferred(o: FileOutcome | number | DeferredText): o is DeferredText {
  return typeof o === 'object' && (o as DeferredText).kind === 'text';
}

/** Analyses batches of tasks. */
export interface Analyzer {
  /** How many batches run at once. */
  readonly parallelism: number;
  run(tasks: AnalyzeTask[]): Promise<FileOutcome[]>;
  /** Stops the workers (pending batches reject). */
  close(): Promise<void>;
}

/** Number of worker threads worth starting: one per core, at most `max`. */
export function defaultJobs(max = 8): number {
  return Math.max(1, Math.min(max, availableParallelism()));
}

/** Analyses on the calling thread, yielding to the event loop between batches. */
export class InlineAnalyzer implements Analyzer {
  readonly parallelism = 1;
  constructor(private readonly options: AnalyzerOptions) {}

  run(tasks: AnalyzeTask[]): Promise<FileOutcome[]> {
    return new Promise((resolve, reject) => setImmediate(() => {
      try {
        resolve(tasks.map((t) => analyzeTask(t, this.options)));
      } catch (e) {
        reject(e);
      }
    }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Runs one task on this thread. */
export function analyzeTask(task: AnalyzeTask, options: AnalyzerOptions): FileOutcome {
  if (task.kind === 'file') return analyzeFile(task.entry, options.maxFileSize, options.scanOptions, options.roots);
  if (task.kind === 'text') return analyzeDeferred(task, options.scanOptions);
  return analyzeBytes(task.data, task.path, task.languageId, options.scanOptions, options.roots);
}

interface Pending {
  tasks: AnalyzeTask[];
  resolve: (outcomes: FileOutcome[]) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** A pool of worker threads running dist/scanWorker.js (or the compiled module next to this one). */
export class WorkerPool implements Analyzer {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(jobs: number, options: AnalyzerOptions, script = workerScript()) {
    for (let i = 0; i < jobs; i++) {
      const worker = new Worker(script, { workerData: { ...options, index: i, count: jobs } satisfies WorkerSetup });
      const slot: Slot = { worker, pending: new Map() };
      worker.on('message', (reply: BatchReply) => {
        const p = slot.pending.get(reply.id);
        slot.pending.delete(reply.id);
        if (!p) return;
        const outcomes = reply.outcomes.map((o, i) => (typeof o === 'number' ? { path: taskPath(p.tasks[i]), bytes: o, findings: [], notices: [] } : o));
        const deferred = outcomes.flatMap((o, i) => (isDeferred(o) ? [i] : []));
        if (!deferred.length) { p.resolve(outcomes as FileOutcome[]); return; }
        // What the screen let through goes to the worker that owns its family; the batch resolves when that is done.
        const byOwner = new Map<number, number[]>();
        for (const i of deferred) {
          const owner = ownerOf((outcomes[i] as DeferredText).family, this.slots.length);
          byOwner.set(owner, [...(byOwner.get(owner) ?? []), i]);
        }
        Promise.all([...byOwner].map(([owner, idx]) => this.send(this.slots[owner], idx.map((i) => outcomes[i] as DeferredText)).then((done) => {
          idx.forEach((at, k) => { outcomes[at] = done[k]; });
        }))).then(() => p.resolve(outcomes as FileOutcome[]), p.reject);
      });
      const fail = (error: Error): void => {
        for (const p of slot.pending.values()) p.reject(error);
        slot.pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`scan worker exited (${code})`)));
      // An idle pool must not keep the process alive.
      worker.unref();
      this.slots.push(slot);
    }
  }

  get parallelism(): number {
    return this.slots.length;
  }

  run(tasks: AnalyzeTask[]): Promise<FileOutcome[]> {
    if (this.closed) return Promise.reject(new Error('worker pool closed'));
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    return this.send(slot, tasks);
  }

  private send(slot: Slot, tasks: AnalyzeTask[]): Promise<FileOutcome[]> {
    if (this.closed) return Promise.reject(new Error('worker pool closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { tasks, resolve, reject });
      if (slot.pending.size === 1) slot.worker.ref();
      const transfer = tasks.flatMap((t) => (t.kind === 'bytes' && t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength ? [t.data.buffer as ArrayBuffer] : []));
      slot.worker.postMessage({ id, tasks } satisfies BatchRequest, transfer);
    }).finally(() => {
      if (slot.pending.size === 0) slot.worker.unref();
    }) as Promise<FileOutcome[]>;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** The worker script: next to the bundle (dist/scanWorker.js) or to this compiled module. */
export function workerScript(): string {
  return path.join(__dirname, 'scanWorker.js');
}

/** True when a worker pool can be started here (the worker script exists). */
export function workersAvailable(): boolean {
  return existsSync(workerScript());
}
