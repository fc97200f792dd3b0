/** Response schemas of GET /v1/models, /healthz and /readyz: the handlers' answers are typed by them, and /openapi.json publishes them. */
import { z } from 'zod';

const object = z.record(z.string(), z.unknown());

export const ModelInfo = z.strictObject({
  version: z.string().meta({ description: 'Content hash of the model file.' }),
  file: z.string(),
  head: z.string(),
  labels: z.array(z.string()),
  types: z.array(z.string()),
  metrics: object,
  provenance: object,
  config: object,
});

export const PublishedModel = z.strictObject({
  version: z.string(),
  file: z.string(),
  jobId: z.string().nullable(),
  createdAt: z.string(),
  serving: z.boolean(),
  metrics: object,
});

export const ModelsResponse = z.strictObject({ serving: ModelInfo, published: z.array(PublishedModel) });
export const Health = z.object({ status: z.literal('ok') });
export const Ready = z.object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.boolean()) });
