/**
 * POST /v1/corpora (admin): upload a training corpus as the raw request body, so a user without shell access to
 * the server can train on their own data. `Content-Type: text/x-conll` (or text/plain) for CoNLL,
 * `application/x-ndjson` (or application/jsonl) for JSONL. 201 with the corpus id (200 if that content was already
 * uploaded), which POST /v1/train then takes as "train" or "dev".
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/http-error.js';
import { type CorpusFormat, type CorpusUploads, UploadError } from '../store/corpus-uploads.js';

export const UploadedCorpus = z.strictObject({
  /** Path relative to the data directory, for POST /v1/train's "train" / "dev". */
  id: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  format: z.enum(['conll', 'jsonl']),
});

const FORMATS: Record<string, CorpusFormat> = {
  'text/x-conll': 'conll',
  'text/plain': 'conll',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/jsonlines': 'jsonl',
};

function formatOf(contentType: string | undefined): CorpusFormat {
  const [mime = '', ...params] = (contentType ?? '').split(';').map((s) => s.trim().toLowerCase());
  const format = FORMATS[mime];
  if (!format) {
    throw new HttpError(415, 'unsupported_media_type', `Content-Type must be text/x-conll (CoNLL) or application/x-ndjson (JSONL), got "${mime.slice(0, 100)}"`);
  }
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpError(415, 'unsupported_media_type', `charset must be utf-8, got "${charset.slice(0, 40)}"`);
  }
  return format;
}

const STATUS = {
  too_large: [413, 'payload_too_large'],
  storage_full: [507, 'storage_full'],
  not_utf8: [400, 'invalid_request'],
  cut_off: [400, 'invalid_request'],
} as const;

export function uploadCorpusHandler(uploads: CorpusUploads): RequestHandler {
  return (req, res, next) => {
    try {
      const format = formatOf(req.headers['content-type']);
      const encoding = req.headers['content-encoding'];
      if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
        throw new HttpError(415, 'unsupported_media_type', 'Content-Encoding is not supported; send the corpus uncompressed');
      }
      const length = req.headers['content-length'];
      const declared = length === undefined ? undefined : Number(length);
      // The response may end while the upload is still being saved (time limit): stop reading then, so the
      // partial file is removed. Once saved or refused, the connection is left alone (keep-alive).
      let saving = true;
      res.on('close', () => {
        if (saving) req.destroy();
      });
      uploads.save(req, format, declared).then(
        ({ created, ...corpus }) => {
          saving = false;
          res.status(created ? 201 : 200).json(UploadedCorpus.parse(corpus));
        },
        (err: unknown) => {
          saving = false;
          req.unpipe();
          req.resume(); // drain what the client still sends, so it can read the answer
          next(toHttp(err));
        },
      );
    } catch (err) {
      req.resume();
      next(toHttp(err));
    }
  };
}

function toHttp(err: unknown): unknown {
  if (!(err instanceof UploadError)) return err;
  const [status, code] = STATUS[err.kind];
  return new HttpError(status, code, err.message, status === 400 ? {} : { Connection: 'close' });
}
