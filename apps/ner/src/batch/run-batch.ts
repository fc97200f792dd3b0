/**
 * `tag-batch`'s engine: reads the input as a stream, enqueues it as chunk jobs a bounded window ahead of the
 * output, and writes each chunk's results in input order as it completes, then removes its job from Redis.
 *
 * Exactly once: a chunk's output is the return value of its job, read and appended once by this loop (a second
 * run of the chunk after a takeover overwrites nothing). Resume: the batch id hashes the input file's identity,
 * the model hash and the chunking, so re-running the same command finds BatchOutput's recorded progress and the
 * jobs still in Redis (`add` with an existing job id is a no-op; a finished job is collected, not re-tagged). If
 * Redis lost the jobs (restarted without persistence), the chunks still held in the window are enqueued again.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue } from 'bullmq';
import type { RedisConnection } from './connection.js';
import { readDocuments, type InputFormat } from './input.js';
import { BatchOutput } from './output.js';
import { QUEUE_NAME, chunkJobId, type BatchDocument, type BatchModel, type ChunkJob, type ChunkResult } from './protocol.js';

export interface BatchOptions {
  input: string;
  out: string;
  format: InputFormat;
  connection: RedisConnection;
  model: BatchModel;
  /** Documents per chunk (one job). */
  chunk: number;
  maxChars: number;
  /** Chunks enqueued ahead of the output (bounds memory here and in Redis). */
  window: number;
  pollMs?: number;
  /** A Redis connection error, once per distinct message (the client keeps retrying). */
  onRedisError?: (e: Error) => void;
  onProgress?: (p: BatchProgress) => void;
}

export interface BatchProgress {
  batchId: string;
  docs: number;
  errors: number;
  tokens: number;
  chunks: number;
  inputBytes: number;
  totalBytes: number;
  /** Chunks found already written when the run started. */
  resumedChunks: number;
}

/** A chunk failed for good (e.g. every worker refused the model): the run stops, its output stays resumable. */
export class BatchFailedError extends Error {}

const KEEP_SECONDS = 7 * 24 * 3600;

export function batchIdOf(opts: Pick<BatchOptions, 'input' | 'format' | 'chunk' | 'maxChars' | 'model'>): string {
  const path = resolve(opts.input);
  const { size, mtimeMs } = statSync(path);
  const key = JSON.stringify([path, size, mtimeMs, opts.format, opts.chunk, opts.maxChars, opts.model.sha256]);
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}

interface Pending {
  index: number;
  docs: BatchDocument[];
  /** Input bytes read up to the end of this chunk. */
  bytes: number;
}

export async function runBatch(opts: BatchOptions): Promise<BatchProgress> {
  const batchId = batchIdOf(opts);
  const totalBytes = statSync(opts.input).size;
  const queue = new Queue<ChunkJob, ChunkResult>(QUEUE_NAME, { connection: opts.connection });
  let lastError = '';
  queue.on('error', (e) => {
    if (e.message !== lastError) opts.onRedisError?.(e);
    lastError = e.message;
  });
  const output = BatchOutput.open(opts.out, batchId);
  const resumedChunks = output.state.chunks;
  const progress = (): BatchProgress => ({ ...output.state, resumedChunks, totalBytes });
  const enqueue = async (p: Pending) => {
    const job = await queue.add('chunk', { batchId, chunk: p.index, model: opts.model, docs: p.docs }, {
      jobId: chunkJobId(batchId, p.index),
      attempts: 3,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    });
    // A chunk that failed in an earlier run (e.g. all its workers died) gets another go on re-run.
    if ((await job.getState()) === 'failed') await job.retry('failed');
  };
  let finished = false;
  try {
    const chunks = readChunks(opts);
    const pending: Pending[] = [];
    let index = 0;
    let eof = false;
    opts.onProgress?.(progress());
    for (;;) {
      while (!eof && pending.length < opts.window) {
        const next = await chunks.next();
        if (next.done) eof = true;
        else if (index++ >= resumedChunks) {
          const p = { index: index - 1, ...next.value };
          await enqueue(p);
          pending.push(p);
        }
      }
      const head = pending.shift();
      if (!head) break;
      const result = await waitForChunk(queue, chunkJobId(batchId, head.index), () => Promise.all(pending.concat(head).map(enqueue)), opts.pollMs ?? 50);
      const lines = result.results.map((r) => JSON.stringify(r) + '\n').join('');
      output.appendChunk(lines, result.results.length, result.results.filter((r) => 'error' in r).length, result.tokens, head.bytes);
      await queue.remove(chunkJobId(batchId, head.index));
      opts.onProgress?.(progress());
    }
    output.finish();
    finished = true;
    return progress();
  } finally {
    if (!finished) output.close();
    await queue.close();
  }
}

async function* readChunks(opts: BatchOptions): AsyncGenerator<{ docs: BatchDocument[]; bytes: number }> {
  let docs: BatchDocument[] = [];
  let bytes = 0;
  for await (const d of readDocuments(opts.input, opts.format, opts.maxChars)) {
    docs.push(d.doc);
    bytes = d.bytes;
    if (docs.length === opts.chunk) {
      yield { docs, bytes };
      docs = [];
    }
  }
  if (docs.length) yield { docs, bytes };
}

async function waitForChunk(
  queue: Queue<ChunkJob, ChunkResult>,
  jobId: string,
  reenqueue: () => Promise<unknown>,
  pollMs: number,
): Promise<ChunkResult> {
  for (;;) {
    // State first, then the job: a job read before its state could be one fetched just before it completed.
    const state = await queue.getJobState(jobId);
    const job = state === 'unknown' ? undefined : await Job.fromId<ChunkJob, ChunkResult>(queue, jobId);
    if (!job) {
      await reenqueue();
      continue;
    }
    if (state === 'completed') return job.returnvalue;
    if (state === 'failed') {
      const { chunk, docs } = job.data;
      throw new BatchFailedError(`chunk ${chunk} (documents ${docs[0]?.id} to ${docs.at(-1)?.id}) failed: ${job.failedReason}`);
    }
    await sleep(pollMs);
  }
}
