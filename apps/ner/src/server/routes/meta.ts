/** GET /v1/models, /healthz, /readyz, /metrics: what is served and whether it can serve. */
import type { ModelInfo } from '@window-ner/ner';
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { basename, isAbsolute } from 'node:path';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { ModelHolder } from '../models/model-holder.js';
import type { PublishedModel, ServerStore } from '../store/server-store.js';
import { HttpError } from '../http/http-error.js';
import type { Health, ModelInfo as PublicModelInfo, ModelsResponse, PublishedModel as PublicPublished, Ready } from './meta-schema.js';

/** Absolute paths (training corpora, stores) reduced to file names, at any depth of a JSON value. */
function withoutServerPaths(value: unknown): unknown {
  if (typeof value === 'string') return isAbsolute(value) && value.includes('/') ? basename(value) : value;
  if (Array.isArray(value)) return value.map(withoutServerPaths);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutServerPaths(v)]));
  return value;
}

/** Model info for clients: file names, never the server's directory layout. */
export function publicModelInfo(info: ModelInfo): z.input<typeof PublicModelInfo> {
  return {
    version: info.version,
    file: basename(info.path),
    head: info.head,
    labels: info.labels,
    types: info.types,
    metrics: info.metrics,
    provenance: withoutServerPaths(info.provenance) as Record<string, unknown>,
    config: withoutServerPaths(info.config) as Record<string, unknown>,
  };
}

export function publicPublished(m: PublishedModel): z.input<typeof PublicPublished> {
  return { version: m.version, file: basename(m.path), jobId: m.jobId, createdAt: m.createdAt, serving: m.serving, metrics: m.metrics };
}

export function modelsHandler(models: ModelHolder, db?: ServerStore): RequestHandler {
  return async (_req, res) => {
    const info = models.info;
    if (!info) throw new HttpError(503, 'not_ready', 'no model loaded yet; retry shortly', { 'Retry-After': '1' });
    const published = db ? (await db.listModels()).map(publicPublished) : [];
    res.json({ serving: publicModelInfo(info), published } satisfies z.input<typeof ModelsResponse>);
  };
}

export const healthHandler: RequestHandler = (_req, res) => {
  res.json({ status: 'ok' } satisfies z.input<typeof Health>);
};

export type ReadyChecks = Record<string, () => boolean>;

export function readyHandler(checks: ReadyChecks): RequestHandler {
  return (_req, res) => {
    const results = Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, check()]));
    const ready = Object.values(results).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results } satisfies z.input<typeof Ready>);
  };
}

export function metricsHandler(metrics: ServerMetrics): RequestHandler {
  return async (_req, res) => {
    const text = await metrics.registry.metrics();
    res.type(metrics.registry.contentType).send(text);
  };
}
