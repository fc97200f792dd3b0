/**
 * First middleware of every request: assigns an id and a deadline, answers 503 when the time limit passes
 * before the handler did, refuses work while shutting down, and on finish records metrics and one log line.
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { ServerMetrics } from '../metrics/server-metrics';
import { HttpError, sendError } from './http-error';
import type { Logger } from './logger';
import type { RequestContext } from './request-context';

export interface LifecycleOptions {
  metrics: ServerMetrics;
  logger: Logger;
  timeoutMs: number;
  isShuttingDown: () => boolean;
}

/** A bounded label: the matched route pattern, never the raw URL (fuzzing would explode the series count). */
function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? route.path : 'unmatched';
}

export function requestLifecycle(opts: LifecycleOptions): RequestHandler {
  return (req, res: Response, next) => {
    const ctx: RequestContext = {
      id: randomUUID(),
      startedAt: process.hrtime.bigint(),
      deadline: Date.now() + opts.timeoutMs,
    };
    res.locals.ctx = ctx;
    res.setHeader('X-Request-Id', ctx.id);
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
      opts.metrics.requests.inc({ route, method: req.method, status: String(res.statusCode) });
      opts.metrics.latency.observe({ route }, seconds);
      opts.logger.log(res.statusCode >= 500 ? 'error' : 'info', 'request', {
        id: ctx.id,
        method: req.method,
        path: req.path.slice(0, 200),
        route,
        status: res.statusCode,
        ms: Math.round(seconds * 1e5) / 100,
        bytesIn: Number(req.headers['content-length'] ?? 0),
        texts: ctx.texts,
        tokens: ctx.tokens,
        model: ctx.modelVersion,
      });
    });
    next();
  };
}
