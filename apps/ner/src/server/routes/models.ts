/** POST /v1/models/:version/activate (admin): serve another published version (rollback or roll forward). */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/http-error.js';
import type { ModelPublisher } from '../models/publisher.js';
import { publicPublished } from './meta.js';

export const ActivatedModel = z.object({
  version: z.string(),
  file: z.string(),
  jobId: z.string().nullable(),
  createdAt: z.string(),
  serving: z.literal(true),
  metrics: z.record(z.string(), z.unknown()),
});

export function activateModelHandler(publisher: ModelPublisher | undefined): RequestHandler {
  return (req, res, next) => {
    if (!publisher) throw new HttpError(403, 'training_disabled', 'this server has no model registry (start it with a state directory)');
    const version = String(req.params.version);
    publisher.activate(version).then(
      (model) => void res.json(ActivatedModel.parse(publicPublished(model))),
      (err: unknown) => {
        const message = (err as Error).message;
        next(/^no published model/.test(message) ? new HttpError(404, 'not_found', message) : err);
      },
    );
  };
}
