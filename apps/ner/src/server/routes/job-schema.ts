/** The training job as GET/DELETE /v1/jobs/:id and POST /v1/train answer it (routes/train.ts publicJob), for /openapi.json. */
import { z } from 'zod';

const object = z.record(z.string(), z.unknown());

export const Job = z.strictObject({
  id: z.string(),
  status: z
    .enum(['running', 'succeeded', 'rejected', 'failed', 'cancelled'])
    .meta({ description: 'rejected: trained, but the publish gate kept the model out of service (error says why).' }),
  request: object,
  progress: object.nullable().meta({ description: 'phase, epoch/epochs, step/stepsPerEpoch, loss, devF1, etaSeconds.' }),
  result: object.nullable(),
  error: z.string().nullable(),
  modelVersion: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
