/**
 * Worker-thread entry of the scan pool (bundled as dist/scanWorker.js): receives batches of files
 * or git blobs, analyses each with the core, and posts the outcomes back in batch order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeBytes, analyzeFile } from './analyzeFile';
import { packOutcome } from './workerPool';
import type { AnalyzerOptions, BatchReply, BatchRequest } from './workerPool';

const options = workerData as AnalyzerOptions;

parentPort?.on('message', (request: BatchRequest) => {
  const outcomes = request.tasks.map((task) => packOutcome(task.kind === 'file'
    ? analyzeFile(task.entry, options.maxFileSize, options.scanOptions)
    : analyzeBytes(task.data, task.path, task.languageId, options.scanOptions)));
  const reply: BatchReply = { id: request.id, outcomes };
  parentPort?.postMessage(reply);
});
