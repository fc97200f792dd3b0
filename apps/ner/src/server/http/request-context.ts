/**
 * Per-request bookkeeping shared by middleware: a start time and deadline (the per-request time limit), and what
 * was tagged, which the request log line reports (the request id is pino-http's req.id). Stored on res.locals so
 * no global state is needed.
 */
import type { Response } from 'express';

export interface RequestContext {
  startedAt: bigint;
  deadline: number;
  texts?: number;
  tokens?: number;
  modelVersion?: string;
}

export function context(res: Response): RequestContext {
  return res.locals.ctx as RequestContext;
}
