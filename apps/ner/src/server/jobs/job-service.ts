/**
 * Training jobs: one at a time per registry (they share the machine's cores with serving; with a shared registry,
 * one in the whole cluster), each in a worker thread running the TypeScript trainer. Progress goes to the
 * registry (throttled) so any cluster worker or replica can answer GET /v1/jobs/:id; a finished model passes the publish gate and then goes through the publisher (atomic file
 * move + DB transaction + swap), or is kept in rejected/ with the reason in the job.
 *
 * Before a job exists, its input is checked: corpus paths (training-input.ts) and the config, which must be inside
 * the operator's bounds, its estimated memory included.
 * Every phase can be stopped: a cancel aborts the trainer (corpus reads and batches check the signal), and the
 * thread is terminated if it has not ended CANCEL_GRACE_MS later; shutdown terminates at once. Error messages
 * that reach the job record name corpora relative to the data directory, never by absolute path.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { allowedPluginSpecs, checkConfigLimits, type ConfigLimits, DEFAULT_CONFIG_LIMITS, resolveConfig } from '@window-ner/ner';
import type { TrainRequest } from '@window-ner/ner';
import { HttpError } from '../http/http-error.js';
import type { Logger } from '../http/logger.js';
import { DEFAULT_KEEP_MODELS, type ModelPublisher } from '../models/publisher.js';
import type { TrainingJobs, TrainJobInput } from '../routes/train.js';
import type { JobRecord, ServerStore } from '../store/server-store.js';
import { DEFAULT_PUBLISH_GATE, gateVerdict, type PublishGate } from './publish-gate.js';
import { corpusFile, scrubPaths } from './training-input.js';
import type { FromWorker, TrainWorkerData } from './worker-protocol.js';
import { threadEntry } from '../../thread-entry.js';

/** Largest corpus file a job reads (train and dev each), unless the operator sets another. */
export const DEFAULT_MAX_CORPUS_BYTES = 20 * 1024 * 1024;

export interface JobServiceOptions {
  db: ServerStore;
  publisher: ModelPublisher;
  /** Kept models of rejected jobs go here (the newest `keepModels` are kept). */
  rejectedDir: string;
  /** The model served now, for the publish gate's comparison; null when none is loaded. */
  servingModel?: () => { path: string; version: string } | null;
  maxCorpusBytes?: number;
  configLimits?: Partial<ConfigLimits>;
  gate?: Partial<PublishGate>;
  keepModels?: number;
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

const WORKER_ENTRY = threadEntry('train-worker-main', import.meta.url);
const TRAINER_HEAP_MB = 4096;
/** A cancelled trainer gets this long to stop at its next check before its thread is terminated. */
const CANCEL_GRACE_MS = 2_000;

export class JobService implements TrainingJobs {
  private readonly runningJobs = new Map<string, Running>();
  private readonly settled = new Set<Promise<void>>();
  /** The data directory with symlinks resolved: corpora must resolve inside it. */
  private readonly dataRoot: string;
  readonly limits: ConfigLimits;
  readonly gate: PublishGate;
  readonly maxCorpusBytes: number;

  constructor(private readonly opts: JobServiceOptions) {
    mkdirSync(opts.stagingDir, { recursive: true });
    mkdirSync(opts.rejectedDir, { recursive: true });
    mkdirSync(opts.dataDir, { recursive: true });
    this.dataRoot = realpathSync(opts.dataDir);
    this.limits = { ...DEFAULT_CONFIG_LIMITS, ...opts.configLimits };
    this.gate = { ...DEFAULT_PUBLISH_GATE, ...opts.gate };
    this.maxCorpusBytes = opts.maxCorpusBytes ?? DEFAULT_MAX_CORPUS_BYTES;
  }

  running(): number {
    return this.runningJobs.size;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.opts.db.getJob(id);
  }

  /**
   * A registry write from a running job's bookkeeping: it must not throw into an event handler (a lost shared
   * registry rejects), so a failure is logged and the job goes on.
   */
  private async record(jobId: string, what: string, write: () => unknown): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.opts.logger.error({ jobId, err }, `could not record the job's ${what} in the registry`);
    }
  }

  /**
   * Start-up recovery: jobs whose process died are marked failed, and staging files no live job owns
   * (half-written by a killed trainer) are deleted. Run once per process start, before serving.
   */
  async recover(): Promise<{ failedJobs: string[]; removedFiles: string[] }> {
    const failedJobs = await this.opts.db.failOrphanedJobs();
    const live = new Set((await this.opts.db.runningJobs()).map((j) => j.id));
    const removedFiles: string[] = [];
    for (const name of readdirSync(this.opts.stagingDir)) {
      if ([...live].some((id) => name.includes(id))) continue;
      rmSync(join(this.opts.stagingDir, name), { force: true, recursive: true });
      removedFiles.push(name);
    }
    if (failedJobs.length || removedFiles.length) this.opts.logger.warn({ failedJobs, removedFiles }, 'recovered from an unclean stop');
    return { failedJobs, removedFiles };
  }

  async start(input: TrainJobInput): Promise<JobRecord> {
    const { db, stagingDir, embeddingsPath } = this.opts;
    const train = corpusFile(this.dataRoot, input.train, 'train', this.maxCorpusBytes);
    const dev = input.dev === undefined ? undefined : corpusFile(this.dataRoot, input.dev, 'dev', this.maxCorpusBytes);
    if (dev === undefined && this.gate.requireDev) {
      throw new HttpError(400, 'invalid_request', 'dev: required: this server publishes only models scored on a dev set (serve --publish-without-dev turns that off)');
    }
    try {
      checkConfigLimits(resolveConfig(input.config ?? {}), this.limits, train.bytes + (dev?.bytes ?? 0));
    } catch (err) {
      throw new HttpError(400, 'invalid_request', `config: ${(err as Error).message.replace(/^config: /, '')}`);
    }
    const busy = () => new HttpError(409, 'conflict', 'a training job is already running; wait for it or cancel it (DELETE /v1/jobs/:id)');
    if (this.runningJobs.size > 0) throw busy();
    const id = randomUUID();
    const outPath = join(stagingDir, `${id}.sqlite`);
    const request: TrainRequest = { trainPath: train.path, devPath: dev?.path, outPath, embeddingsPath, maxCorpusBytes: this.maxCorpusBytes, untrustedPaths: true, config: input.config };
    // The registry checks for a running job and records this one in one step: two processes or replicas
    // asking at once cannot both start.
    const job = await db.insertJob(id, { train: input.train, dev: input.dev ?? null, config: input.config ?? {} });
    if (!job) throw busy();
    const serving = this.gate.compareWithServing && dev ? this.opts.servingModel?.() : null;
    const workerData: TrainWorkerData = { request, baseline: serving ?? undefined, plugins: allowedPluginSpecs() };
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
    this.opts.logger.info({ jobId: id, train: input.train, dev: input.dev }, 'training job started');
    return job;
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const run = this.runningJobs.get(id);
    if (run) this.stop(run);
    // The job may run in another cluster worker or replica: it polls this flag (see supervise).
    else await this.opts.db.requestCancel(id);
    return this.get(id);
  }

  private stop(run: Running): void {
    if (run.stopped) return;
    run.stopped = 'cancel';
    run.worker.postMessage({ type: 'cancel' });
    // If the trainer does not stop at its next check (a long synchronous step), stop the thread.
    setTimeout(() => void run.worker.terminate(), CANCEL_GRACE_MS).unref();
  }

  /** Keep a model the gate refused in rejected/ (the newest keepModels of them), and say why in the job. */
  private async reject(run: Running, reason: string, result: Record<string, unknown>): Promise<void> {
    const { db, rejectedDir, logger } = this.opts;
    const file = basename(run.outPath);
    renameSync(run.outPath, join(rejectedDir, file));
    await this.record(run.id, 'rejection', () => db.rejectJob(run.id, `not published: ${reason}`, { ...result, rejectedModel: file }));
    logger.warn({ jobId: run.id, reason }, 'training job rejected by the publish gate');
    const keep = this.opts.keepModels ?? DEFAULT_KEEP_MODELS;
    const files = readdirSync(rejectedDir)
      .map((name) => ({ name, mtime: statSync(join(rejectedDir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of files.slice(keep)) rmSync(join(rejectedDir, old.name), { force: true });
  }

  /** Remove a job's staging files: its output and the trainer's temp file (".<id>.sqlite.tmp-…"). */
  private removeStaging(id: string): void {
    for (const name of readdirSync(this.opts.stagingDir)) {
      if (name.includes(id)) rmSync(join(this.opts.stagingDir, name), { force: true, recursive: true });
    }
  }

  /** Stop every job (server shutdown): the jobs are recorded as failed, their staging files removed. */
  async close(): Promise<void> {
    for (const run of this.runningJobs.values()) run.stopped = 'shutdown';
    // terminate() interrupts JavaScript wherever it is; corpus reads never block the thread (see read-stream).
    await Promise.all([...this.runningJobs.values()].map((run) => run.worker.terminate()));
    await Promise.all([...this.settled]);
  }

  private supervise(run: Running): Promise<void> {
    const { db, logger } = this.opts;
    const interval = this.opts.progressIntervalMs ?? 250;
    let lastWrite = 0;
    let lastPhase = '';
    let final: FromWorker | null = null;

    const cancelPoll = setInterval(() => {
      Promise.resolve()
        .then(() => db.cancelRequested(run.id))
        .then(
          (asked) => asked && this.stop(run),
          () => undefined, // registry away: asked again in a second
        );
    }, 1000);
    cancelPoll.unref();

    return new Promise<void>((resolveDone) => {
      run.worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'progress') {
          const now = Date.now();
          if (msg.progress.phase !== lastPhase || now - lastWrite >= interval) {
            void this.record(run.id, 'progress', () => db.updateProgress(run.id, msg.progress as unknown as Record<string, unknown>));
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
        this.finish(run, final)
          .catch((err: unknown) => logger.error({ jobId: run.id, err }, 'training job bookkeeping failed'))
          .finally(() => {
            clearInterval(cancelPoll);
            this.runningJobs.delete(run.id);
            resolveDone();
          });
      });
    });
  }

  private async finish(run: Running, final: FromWorker | null): Promise<void> {
    const { db, publisher, logger } = this.opts;
    if (final?.type === 'done' && run.stopped === null) {
      const { result, baseline } = final;
      const reason = gateVerdict(result.metrics, this.gate, baseline);
      if (reason) return this.reject(run, reason, { ...result, outPath: undefined, baseline });
      await this.record(run.id, 'progress', () => db.updateProgress(run.id, { phase: 'publish', epoch: result.epochs, epochs: result.epochs, step: 0, stepsPerEpoch: 0 }));
      try {
        const published = await publisher.publish(run.outPath, run.id, { ...result, baseline } as typeof result, () => run.stopped !== null);
        if (published) {
          logger.info({ jobId: run.id, seconds: result.seconds }, 'training job succeeded');
          return;
        }
      } catch (err) {
        this.removeStaging(run.id);
        const error = scrubPaths(this.dataRoot, `the trained model could not be published: ${(err as Error).message}`);
        await this.record(run.id, 'end', () => db.finishJob(run.id, 'failed', { error }));
        logger.error({ jobId: run.id, err }, 'training job failed at publishing');
        return;
      }
    }
    this.removeStaging(run.id);
    const [status, error]: ['cancelled' | 'failed', string] =
      run.stopped === 'cancel'
        ? ['cancelled', 'cancelled by an admin request']
        : run.stopped === 'shutdown'
          ? ['failed', 'the server shut down before the job finished']
          : ['failed', scrubPaths(this.dataRoot, final?.type === 'failed' ? final.message : 'the training worker stopped without a result')];
    await this.record(run.id, 'end', () => db.finishJob(run.id, status, { error }));
    logger.warn({ jobId: run.id, stopped: run.stopped, error }, 'training job did not succeed');
  }
}
