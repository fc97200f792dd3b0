/**
 * Runs after the request log: gives the request a deadline, answers 503 when the time limit passes before the
 * handler did, marks connections to close while shutting down, and on finish records the request metrics.
 */
import type { RequestHandler, Response } from 'express';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { HttpError, sendError } from './http-error.js';
import type { RequestContext } from './request-context.js';
import { routeLabel } from './request-log.js';

export interface LifecycleOptions {
  metrics: ServerMetrics;
  timeoutMs: number;
  isShuttingDown: () => boolean;
}

export function requestLifecycle(opts: LifecycleOptions): RequestHandler {
  return (req, res: Response, next) => {
    const ctx: RequestContext = { startedAt: process.hrtime.bigint(), deadline: Date.now() + opts.timeoutMs };
    res.locals.ctx = ctx;
    if (opts.isShuttingDown()) res.setHeader('Connection', 'close');

    const timer = setTimeout(() => {
      sendError(res, new HttpError(503, 'timeout', `request exceeded the time limit of ${opts.timeoutMs} ms (limits.requestTimeoutMs)`, {
        Connection: 'close',
      }));
    }, opts.timeoutMs);
    timer.unref();

    res.on('close', () => clearTimeout(timer));
    res.on('finish', () => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - ctx.startedAt) / 1e9;
      const route = routeLabel(req);
      opts.metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
      opts.metrics.latency.observe({ route }, seconds);
    });
    next();
  };
}
