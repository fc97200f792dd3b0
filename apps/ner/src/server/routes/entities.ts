/**
 * POST /v1/entities: tag one text or a batch. Tagging is synchronous, so a large batch is tagged in chunks with
 * an event-loop turn between them: other requests keep flowing, and the per-request time limit and client
 * disconnects are honoured between chunks. The request holds a lease on the tagger, so a model swap mid-batch
 * finishes this request on the model it started with (one version per response).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Entity } from '@window-ner/ner';
import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { ModelHolder } from '../models/model-holder.js';
import { HttpError } from '../http/http-error.js';
import type { Limits } from '../http/limits.js';
import { context } from '../http/request-context.js';
import { type BatchEntitiesResponse, entitiesRequestSchema, type EntitiesResponse, parseEntitiesRequest } from './entities-schema.js';

/** Characters tagged between two event-loop turns: a few ms of work on one core. */
const CHUNK_CHARS = 8_000;

export interface EntitiesDeps {
  models: ModelHolder;
  limits: Limits;
  metrics: ServerMetrics;
}

function* chunks(texts: string[]): Generator<string[]> {
  let chunk: string[] = [];
  let chars = 0;
  for (const t of texts) {
    if (chunk.length > 0 && chars + t.length > CHUNK_CHARS) {
      yield chunk;
      chunk = [];
      chars = 0;
    }
    chunk.push(t);
    chars += t.length;
  }
  if (chunk.length > 0) yield chunk;
}

/** The timeout middleware already answered, or the client went away: stop working for this request. */
function abandoned(res: Response): boolean {
  return res.headersSent || res.req.socket.destroyed;
}

export function entitiesHandler({ models, limits, metrics }: EntitiesDeps): RequestHandler {
  const schema = entitiesRequestSchema(limits);
  return async (req, res) => {
    const { texts, batch } = parseEntitiesRequest(req.body, schema, limits);
    const lease = models.acquire();
    if (!lease) throw new HttpError(503, 'not_ready', 'no model loaded yet; retry shortly', { 'Retry-After': '1' });
    try {
      const ctx = context(res);
      const results: Entity[][] = [];
      const tokensBefore = lease.tagger.tokensTagged;
      let first = true;
      for (const chunk of chunks(texts)) {
        if (!first) await nextTurn();
        first = false;
        if (abandoned(res)) return;
        results.push(...lease.tagger.tag(chunk));
      }
      if (abandoned(res)) return;
      const tokens = lease.tagger.tokensTagged - tokensBefore;
      const version = lease.tagger.info.version;
      ctx.texts = texts.length;
      ctx.tokens = tokens;
      ctx.modelVersion = version;
      metrics.tokens.inc(tokens);
      metrics.texts.inc(texts.length);
      metrics.entities.inc(results.reduce((n, r) => n + r.length, 0));
      const model = { version };
      // Typed by the schemas /openapi.json publishes, so the compiler holds the answer to the document.
      if (batch) res.json({ model, results: results.map((entities) => ({ entities })) } satisfies z.input<typeof BatchEntitiesResponse>);
      else res.json({ model, entities: results[0] } satisfies z.input<typeof EntitiesResponse>);
    } finally {
      lease.release();
    }
  };
}
