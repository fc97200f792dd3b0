/**
 * A batch worker: one BullMQ Worker whose jobs run in `concurrency` worker threads (BullMQ's sandbox), so a
 * machine's cores tag chunks in parallel while the main thread renews the jobs' locks. A worker that dies
 * (kill -9, a lost machine) stops renewing; once its lock expires, another worker's stalled-job check puts the
 * chunk back in the queue and it is tagged again there (the dead worker never wrote anything: the result is
 * only the job's return value, which tag-batch reads once).
 */
import { fileURLToPath } from 'node:url';
import { Worker, type ConnectionOptions } from 'bullmq';
import { ENV_EMBEDDINGS, ENV_MODEL_CACHE, ENV_PLUGINS, QUEUE_NAME, type ChunkJob, type ChunkResult } from './protocol.js';
import { threadEntry } from '../thread-entry.js';

export interface BatchWorkerOptions {
  connection: ConnectionOptions;
  concurrency: number;
  embeddingsPath?: string;
  /** The allowed plugin specs (see allowPlugins); each thread allows them before loading a model. */
  plugins: string[];
  modelCacheDir: string;
  /** How long a chunk's lock lasts without renewal; a dead worker's chunk is taken over after about this. */
  lockMs: number;
  onStart?: (info: { batchId: string; chunk: number; docs: number }) => void;
  /** Called once per finished chunk. */
  onChunk?: (info: { batchId: string; chunk: number; docs: number; tokens: number; tagMs: number }) => void;
  onFailed?: (info: { batchId: string; chunk: number; error: string }) => void;
}

const PROCESSOR = fileURLToPath(threadEntry('chunk-processor', import.meta.url));

export function startBatchWorker(opts: BatchWorkerOptions): Worker<ChunkJob, ChunkResult> {
  const worker = new Worker<ChunkJob, ChunkResult>(QUEUE_NAME, PROCESSOR, {
    connection: opts.connection,
    concurrency: opts.concurrency,
    useWorkerThreads: true,
    workerThreadsOptions: {
      env: { ...process.env, [ENV_EMBEDDINGS]: opts.embeddingsPath ?? '', [ENV_MODEL_CACHE]: opts.modelCacheDir, [ENV_PLUGINS]: JSON.stringify(opts.plugins) },
    },
    lockDuration: opts.lockMs,
    stalledInterval: Math.max(250, Math.round(opts.lockMs / 2)),
    // A chunk whose workers keep dying fails after this many takeovers instead of looping forever.
    maxStalledCount: 3,
  });
  worker.on('active', (job) => opts.onStart?.({ batchId: job.data.batchId, chunk: job.data.chunk, docs: job.data.docs.length }));
  worker.on('completed', (job, r) => opts.onChunk?.({ batchId: job.data.batchId, chunk: job.data.chunk, docs: r.results.length, tokens: r.tokens, tagMs: r.tagMs }));
  worker.on('failed', (job, err) => job && opts.onFailed?.({ batchId: job.data.batchId, chunk: job.data.chunk, error: err.message }));
  return worker;
}
