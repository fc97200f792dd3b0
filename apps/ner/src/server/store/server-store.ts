/**
 * The registry a server shares between its processes: training jobs (with live progress and cancel requests),
 * published models and which one is served. ServerDb keeps it in one SQLite file; a registry for replicas on
 * several machines implements the same interface. Every method that changes more than one record is atomic.
 */
import type { JobRecord, JobStatus, PublishedModel } from './server-db.js';

export type { JobRecord, JobStatus, PublishedModel } from './server-db.js';

export interface ServerStore {
  insertJob(id: string, request: Record<string, unknown>): JobRecord;
  getJob(id: string): JobRecord | undefined;
  runningJobs(): JobRecord[];
  updateProgress(id: string, progress: Record<string, unknown>): void;
  /** Ask the process running a job to cancel it (it polls cancelRequested). */
  requestCancel(id: string): void;
  cancelRequested(id: string): boolean;
  finishJob(id: string, status: Exclude<JobStatus, 'running' | 'succeeded' | 'rejected'>, fields?: { error?: string; result?: Record<string, unknown> }): void;
  rejectJob(id: string, reason: string, result: Record<string, unknown>): void;
  /** Mark running jobs whose process is gone as failed; returns their ids. */
  failOrphanedJobs(): string[];

  /** Record a model, make it the served one and mark its job succeeded, all or nothing. */
  publishModel(model: { version: string; path: string; jobId: string | null; metrics: Record<string, unknown> }, jobResult?: Record<string, unknown>): void;
  /** Serve a published version; false if there is none with that version. */
  activate(version: string): boolean;
  getModel(version: string): PublishedModel | undefined;
  servingModel(): PublishedModel | undefined;
  /** Newest first. */
  listModels(): PublishedModel[];
  /** Forget the oldest models beyond `keep` (never the served one); returns them so their files can go. */
  pruneModels(keep: number): PublishedModel[];
  close(): void;
}
