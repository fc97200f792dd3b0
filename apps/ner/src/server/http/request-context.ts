/**
 * Per-request bookkeeping shared by middleware: an id, a deadline (the per-request time limit), and counters the
 * request log line reports. Stored on res.locals so no global state is needed.
 */
import type { Response } from 'express';

export interface RequestContext {
  id: string;
  startedAt: bigint;
  deadline: number;
  texts?: number;
  tokens?: number;
  modelVersion?: string;
}

export function context(res: Response): RequestContext {
  return res.locals.ctx as RequestContext;
}
