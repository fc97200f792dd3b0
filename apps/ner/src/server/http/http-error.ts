/**
 * Every error the API returns has the shape {"error": {"code": "...", "message": "..."}}. Handlers throw
 * HttpError; the error middleware turns it (or anything unexpected, as a 500 without internals) into JSON.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';

export type ErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'payload_too_large'
  | 'text_too_long'
  | 'too_many_texts'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'training_disabled'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'storage_full'
  | 'timeout'
  | 'not_ready'
  | 'shutting_down'
  | 'internal';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The error body every route answers with; /openapi.json publishes this schema. */
export const ErrorBody = z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof ErrorBody> & { error: { code: ErrorCode } };

export function sendError(res: Response, err: HttpError): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  res.status(err.status).json(body);
}

/** Last middleware: known errors as themselves, anything else as an opaque 500 (logged with its stack). */
export function errorHandler(onUnexpected: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpError) return sendError(res, err);
    // Express itself raises http-errors with a 4xx status (e.g. a malformed %-escape in a path parameter).
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const exposed = (err as { expose?: boolean }).expose ? String((err as Error).message).slice(0, 200) : 'bad request';
      return sendError(res, new HttpError(status, status === 404 ? 'not_found' : 'invalid_request', exposed));
    }
    onUnexpected(err);
    sendError(res, new HttpError(500, 'internal', 'internal server error'));
  };
}
