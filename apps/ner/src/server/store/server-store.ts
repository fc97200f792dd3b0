/**
 * The registry a server shares between its processes: training jobs (with live progress and cancel requests),
 * published models and which one is served. ServerDb keeps it in one SQLite file (the processes of one machine);
 * RedisStore keeps it in Redis (replicas on several machines). Every method that changes more than one record is
 * atomic. SQLite answers synchronously and Redis does not, so callers always `await` the result.
 */
import type { JobRecord, JobStatus, PublishedModel } from './server-db.js';

export type { JobRecord, JobStatus, PublishedModel } from './server-db.js';

/** A value now (SQLite) or later (Redis). */
export type Awaitable<T> = T | Promise<T>;

export interface ServerStore {
  /** Record a running job; undefined when a job is running already (the one-at-a-time limit, checked atomically). */
  insertJob(id: string, request: Record<string, unknown>): Awaitable<JobRecord | undefined>;
  getJob(id: string): Awaitable<JobRecord | undefined>;
  runningJobs(): Awaitable<JobRecord[]>;
  updateProgress(id: string, progress: Record<string, unknown>): Awaitable<void>;
  /** Ask the process running a job to cancel it (it polls cancelRequested). */
  requestCancel(id: string): Awaitable<void>;
  cancelRequested(id: string): Awaitable<boolean>;
  finishJob(id: string, status: Exclude<JobStatus, 'running' | 'succeeded' | 'rejected'>, fields?: { error?: string; result?: Record<string, unknown> }): Awaitable<void>;
  rejectJob(id: string, reason: string, result: Record<string, unknown>): Awaitable<void>;
  /** Mark running jobs whose process is gone as failed; returns their ids. */
  failOrphanedJobs(): Awaitable<string[]>;

  /** Record a model, make it the served one and mark its job succeeded, all or nothing. */
  publishModel(model: { version: string; path: string; jobId: string | null; metrics: Record<string, unknown> }, jobResult?: Record<string, unknown>): Awaitable<void>;
  /** Serve a published version; false if there is none with that version. */
  activate(version: string): Awaitable<boolean>;
  getModel(version: string): Awaitable<PublishedModel | undefined>;
  servingModel(): Awaitable<PublishedModel | undefined>;
  /** Newest first. */
  listModels(): Awaitable<PublishedModel[]>;
  /** Forget the oldest models beyond `keep` (never the served one); returns them so their files can go. */
  pruneModels(keep: number): Awaitable<PublishedModel[]>;
  /**
   * A local file with the model's bytes, to load: its path where the registry shares this machine's disk, else
   * a verified copy fetched from the registry. Throws when neither exists.
   */
  localFile(model: PublishedModel): Awaitable<string>;
  close(): Awaitable<void>;
}
