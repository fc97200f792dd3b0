/** POST /v1/train starts a training job; GET /v1/jobs/:id reports it; DELETE /v1/jobs/:id cancels it. */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { findUnsafeKey } from '@window-ner/ner';
import { HttpError } from '../http/http-error.js';
import type { JobRecord } from '../store/server-store.js';
import { describeIssue } from './entities-schema.js';

export const TrainJobInput = z.strictObject({
  /**
   * Training corpus (CoNLL, or JSONL when the name ends .jsonl/.json): a path relative to the server's data
   * directory, or the `id` POST /v1/corpora returned for an uploaded corpus ("uploads/<sha256>.conll").
   */
  train: z.string().min(1).max(500),
  dev: z.string().min(1).max(500).optional(),
  /** Partial model/training config merged over the library defaults. */
  config: z.record(z.string(), z.unknown()).optional(),
});
export type TrainJobInput = z.infer<typeof TrainJobInput>;

/** What the routes need from the job runner (implemented by JobService). */
export interface TrainingJobs {
  start(input: TrainJobInput): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  cancel(id: string): Promise<JobRecord | undefined>;
}

export function publicJob(job: JobRecord) {
  return {
    id: job.id,
    status: job.status,
    request: job.request,
    progress: job.progress,
    result: job.result,
    error: job.error,
    modelVersion: job.modelVersion,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}

export function startTrainHandler(jobs: TrainingJobs): RequestHandler {
  return async (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'invalid_request', 'body: expected a JSON object {"train": "<corpus path>", "dev"?: "...", "config"?: {...}}');
    }
    // Refused, not dropped: a merge would skip "__proto__" or write through it, so the user would get another config.
    const unsafe = findUnsafeKey(body);
    if (unsafe) throw new HttpError(400, 'invalid_request', `${unsafe}: key not allowed`);
    const parsed = TrainJobInput.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid_request', describeIssue(parsed.error));
    const job = await jobs.start(parsed.data);
    res.status(202).location(`/v1/jobs/${job.id}`).json(publicJob(job));
  };
}

async function findJob(jobs: TrainingJobs, id: string): Promise<JobRecord> {
  const job = await jobs.get(id);
  if (!job) throw new HttpError(404, 'not_found', `no job with id "${id.slice(0, 100)}"`);
  return job;
}

export function getJobHandler(jobs: TrainingJobs): RequestHandler {
  return async (req, res) => {
    res.json(publicJob(await findJob(jobs, String(req.params.id))));
  };
}

export function cancelJobHandler(jobs: TrainingJobs): RequestHandler {
  return async (req, res) => {
    await findJob(jobs, String(req.params.id));
    const job = await jobs.cancel(String(req.params.id));
    res.json(publicJob(job ?? (await findJob(jobs, String(req.params.id)))));
  };
}
