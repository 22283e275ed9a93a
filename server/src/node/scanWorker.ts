/**
 * Worker-thread entry of the scan pool (bundled as dist/scanWorker.js): receives batches of files
 * or git blobs, analyses each with the core, and posts the outcomes back in batch order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { screenBytes, screenFile } from './analyzeFile';
import type { DeferredText, FileOutcome } from './analyzeFile';
import { analyzeDeferred } from './analyzeFile';
import { analyzeTask, ownerOf, packOutcome } from './workerPool';
import type { AnalyzeTask, BatchReply, BatchRequest, WorkerSetup } from './workerPool';

const options = workerData as WorkerSetup;

/** Screens a file; what the screen lets through is analysed here when this worker owns its family, else passed on. */
function handle(task: AnalyzeTask): FileOutcome | DeferredText {
  if (task.kind === 'text') return analyzeTask(task, options);
  const s = task.kind === 'file'
    ? screenFile(task.entry, options.maxFileSize, options.scanOptions, options.roots)
    : screenBytes(task.data, task.path, task.languageId, options.scanOptions, options.roots);
  if (!('kind' in s) || ownerOf(s.family, options.count) !== options.index) return s;
  return analyzeDeferred(s, options.scanOptions);
}

parentPort?.on('message', (request: BatchRequest) => {
  const outcomes = request.tasks.map((task) => {
    const o = handle(task);
    return 'kind' in o ? o : packOutcome(o);
  });
  const reply: BatchReply = { id: request.id, outcomes };
  parentPort?.postMessage(reply);
});
