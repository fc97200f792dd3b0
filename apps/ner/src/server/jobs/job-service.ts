/**
 * Training jobs: one at a time per server (they share the machine's cores with serving), each in a worker
 * thread running the TypeScript trainer. Progress goes to SQLite (throttled) so any cluster worker can answer
 * GET /v1/jobs/:id; a finished model goes through the publisher (atomic file move + DB transaction + swap).
 * Corpus paths are resolved inside the configured data directory and never outside it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveConfig } from '@window-ner/ner';
import type { TrainRequest } from '@window-ner/ner';
import { HttpError } from '../http/http-error';
import { errorFields, type Logger } from '../http/logger';
import type { ModelPublisher } from '../models/publisher';
import type { TrainingJobs, TrainJobInput } from '../routes/train';
import type { JobRecord, ServerDb } from '../store/server-db';
import type { FromWorker, TrainWorkerData } from './worker-protocol';

export interface JobServiceOptions {
  db: ServerDb;
  publisher: ModelPublisher;
  /** Corpus paths in requests are relative to this directory. */
  dataDir: string;
  /** Trainers write here; the publisher moves finished files out. */
  stagingDir: string;
  embeddingsPath?: string;
  logger: Logger;
  /** Minimum ms between progress writes to SQLite (phase changes are always written). */
  progressIntervalMs?: number;
}

interface Running {
  id: string;
  worker: Worker;
  outPath: string;
  /** Why the server stopped the job, if it did. */
  stopped: 'cancel' | 'shutdown' | null;
}

const WORKER_ENTRY = new URL('./train-worker.mjs', import.meta.url);
const TRAINER_HEAP_MB = 4096;

export class JobService implements TrainingJobs {
  private readonly runningJobs = new Map<string, Running>();
  private readonly settled = new Set<Promise<void>>();

  constructor(private readonly opts: JobServiceOptions) {
    mkdirSync(opts.stagingDir, { recursive: true });
  }

  running(): number {
    return this.runningJobs.size;
  }

  get(id: string): JobRecord | undefined {
    return this.opts.db.getJob(id);
  }

  /**
   * Start-up recovery: jobs whose process died are marked failed, and staging files no live job owns
   * (half-written by a killed trainer) are deleted. Run once per process start, before serving.
   */
  recover(): { failedJobs: string[]; removedFiles: string[] } {
    const failedJobs = this.opts.db.failOrphanedJobs();
    const live = new Set(this.opts.db.runningJobs().map((j) => j.id));
    const removedFiles: string[] = [];
    for (const name of readdirSync(this.opts.stagingDir)) {
      if ([...live].some((id) => name.includes(id))) continue;
      rmSync(join(this.opts.stagingDir, name), { force: true, recursive: true });
      removedFiles.push(name);
    }
    if (failedJobs.length || removedFiles.length) this.opts.logger.log('warn', 'recovered from an unclean stop', { failedJobs, removedFiles });
    return { failedJobs, removedFiles };
  }

  start(input: TrainJobInput): JobRecord {
    const { db, stagingDir, embeddingsPath } = this.opts;
    if (this.runningJobs.size > 0 || db.runningJobs().length > 0) {
      throw new HttpError(409, 'conflict', 'a training job is already running; wait for it or cancel it (DELETE /v1/jobs/:id)');
    }
    const trainPath = this.corpusPath(input.train, 'train');
    const devPath = input.dev === undefined ? undefined : this.corpusPath(input.dev, 'dev');
    try {
      resolveConfig(input.config ?? {});
    } catch (err) {
      throw new HttpError(400, 'invalid_request', `config: ${(err as Error).message.replace(/^config: /, '')}`);
    }
    const id = randomUUID();
    const outPath = join(stagingDir, `${id}.sqlite`);
    const request: TrainRequest = { trainPath, devPath, outPath, embeddingsPath, config: input.config };
    const job = db.insertJob(id, { train: input.train, dev: input.dev ?? null, config: input.config ?? {} });
    const workerData: TrainWorkerData = { request };
    // Its own heap limit: a server process may run with a small --max-old-space-size for serving, which the
    // trainer (corpus, windows, gradients) must not inherit.
    const worker = new Worker(WORKER_ENTRY, { workerData, stdout: true, stderr: true, resourceLimits: { maxOldGenerationSizeMb: TRAINER_HEAP_MB } });
    // The trainer's console chatter (tfjs banners) must not corrupt the server's JSON log lines.
    worker.stdout.resume();
    worker.stderr.resume();
    const run: Running = { id, worker, outPath, stopped: null };
    this.runningJobs.set(id, run);
    const done = this.supervise(run).finally(() => this.settled.delete(done));
    this.settled.add(done);
    this.opts.logger.log('info', 'training job started', { jobId: id, train: input.train, dev: input.dev });
    return job;
  }

  cancel(id: string): JobRecord | undefined {
    const run = this.runningJobs.get(id);
    if (run) this.stop(run);
    // The job may run in another cluster worker: it polls this flag (see supervise).
    else this.opts.db.requestCancel(id);
    return this.get(id);
  }

  private stop(run: Running): void {
    if (run.stopped) return;
    run.stopped = 'cancel';
    run.worker.postMessage({ type: 'cancel' });
    // If the trainer does not stop at its next batch boundary, stop the thread.
    setTimeout(() => void run.worker.terminate(), 5_000).unref();
  }

  /** Remove a job's staging files: its output and the trainer's temp file (".<id>.sqlite.tmp-…"). */
  private removeStaging(id: string): void {
    for (const name of readdirSync(this.opts.stagingDir)) {
      if (name.includes(id)) rmSync(join(this.opts.stagingDir, name), { force: true, recursive: true });
    }
  }

  /** Stop every job (server shutdown): the jobs are recorded as failed, their staging files removed. */
  async close(): Promise<void> {
    for (const run of this.runningJobs.values()) {
      run.stopped = 'shutdown';
      await run.worker.terminate();
    }
    await Promise.all([...this.settled]);
  }

  private corpusPath(given: string, field: string): string {
    const root = resolve(this.opts.dataDir);
    const path = resolve(root, given);
    const rel = relative(root, path);
    if (isAbsolute(given) || rel.startsWith('..') || isAbsolute(rel)) {
      throw new HttpError(400, 'invalid_request', `${field}: must be a path inside the server data directory, relative to it`);
    }
    if (!existsSync(path)) throw new HttpError(400, 'invalid_request', `${field}: no such corpus "${given.slice(0, 200)}" in the data directory`);
    return path;
  }

  private supervise(run: Running): Promise<void> {
    const { db, logger } = this.opts;
    const interval = this.opts.progressIntervalMs ?? 250;
    let lastWrite = 0;
    let lastPhase = '';
    let final: FromWorker | null = null;

    const cancelPoll = setInterval(() => {
      if (db.cancelRequested(run.id)) this.stop(run);
    }, 1000);
    cancelPoll.unref();

    return new Promise<void>((resolveDone) => {
      run.worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'progress') {
          const now = Date.now();
          if (msg.progress.phase !== lastPhase || now - lastWrite >= interval) {
            db.updateProgress(run.id, msg.progress as unknown as Record<string, unknown>);
            lastWrite = now;
            lastPhase = msg.progress.phase;
          }
          return;
        }
        final = msg;
        void run.worker.terminate();
      });
      run.worker.on('error', (err) => {
        final ??= { type: 'failed', message: `training worker crashed: ${err.message}`, cancelled: false };
      });
      run.worker.on('exit', () => {
        clearInterval(cancelPoll);
        this.finish(run, final)
          .catch((err: unknown) => logger.log('error', 'training job bookkeeping failed', { jobId: run.id, ...errorFields(err) }))
          .finally(() => {
            this.runningJobs.delete(run.id);
            resolveDone();
          });
      });
    });
  }

  private async finish(run: Running, final: FromWorker | null): Promise<void> {
    const { db, publisher, logger } = this.opts;
    if (final?.type === 'done' && run.stopped === null) {
      try {
        await publisher.publish(run.outPath, run.id, final.result);
        logger.log('info', 'training job succeeded', { jobId: run.id, seconds: final.result.seconds });
      } catch (err) {
        this.removeStaging(run.id);
        db.finishJob(run.id, 'failed', { error: `the trained model could not be published: ${(err as Error).message}` });
        logger.log('error', 'training job failed at publishing', { jobId: run.id, ...errorFields(err) });
      }
      return;
    }
    this.removeStaging(run.id);
    if (run.stopped === 'cancel') db.finishJob(run.id, 'cancelled', { error: 'cancelled by an admin request' });
    else if (run.stopped === 'shutdown') db.finishJob(run.id, 'failed', { error: 'the server shut down before the job finished' });
    else db.finishJob(run.id, 'failed', { error: final?.type === 'failed' ? final.message : 'the training worker stopped without a result' });
    logger.log('warn', 'training job did not succeed', { jobId: run.id, stopped: run.stopped, error: db.getJob(run.id)?.error });
  }
}
