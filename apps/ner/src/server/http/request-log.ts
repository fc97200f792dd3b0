/**
 * One log line per request, by pino-http: on 'finish' ("request completed"), or on 'close' when the client went
 * away first ("request aborted", level warn). The status is the one sent: pino's response serializer logs null
 * when no headers went out, and the timeout middleware's 503 when it answered first. The line carries the
 * request (method, url, headers with secrets redacted), the response, responseTime (ms), the matched route and
 * what was tagged (texts, tokens, model).
 *
 * Each request gets a UUID (also the X-Request-Id response header).
 *
 * Cost: pino-http binds the raw request to a child logger on every request (req.log), which pino serializes and
 * redacts at once, whether or not a line is ever written: measured ~30 us of CPU per request, ~7% of a tagging
 * request, all of it wasted under --quiet. So that binding is named `rawReq` and serialized to nothing (req.log
 * is not used), no child is made for the response (quietResLogger) or the id (quietReqLogger off), and the
 * request goes through pino's standard serializer and the redaction only in a line that is written.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger.js';
import type { RequestContext } from './request-context.js';

/** A bounded label: the matched route pattern, never the raw URL (fuzzing would explode a metric's series). */
export function routeLabel(req: IncomingMessage): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? route.path : 'unmatched';
}

export interface RequestLogOptions {
  logger: Logger;
  /** Log only requests that failed (5xx, an error, or aborted), not every request. */
  errorsOnly?: boolean;
}

export function requestLog(opts: RequestLogOptions): RequestHandler {
  const middleware = pinoHttp({
    logger: opts.logger,
    quietResLogger: true,
    customAttributeKeys: { req: 'rawReq' },
    wrapSerializers: false,
    serializers: { rawReq: () => undefined, req: pino.stdSerializers.req, res: pino.stdSerializers.res, err: pino.stdSerializers.err },
    genReqId(_req, res) {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel(_req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      if (!res.writableEnded) return 'warn';
      return opts.errorsOnly ? 'silent' : 'info';
    },
    customSuccessMessage: (_req, res) => (res.writableEnded ? 'request completed' : 'request aborted'),
    customSuccessObject: (req, res, fields) => ({ ...fields, req, ...tagged(req, res) }),
    customErrorObject: (req, res, _err, fields) => ({ ...fields, req, ...tagged(req, res) }),
  });
  return middleware as unknown as RequestHandler;
}

function tagged(req: IncomingMessage, res: ServerResponse): Record<string, unknown> {
  const ctx = (res as ServerResponse & { locals?: { ctx?: RequestContext } }).locals?.ctx;
  return { route: routeLabel(req), texts: ctx?.texts, tokens: ctx?.tokens, model: ctx?.modelVersion };
}
