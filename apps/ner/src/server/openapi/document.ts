/**
 * The OpenAPI 3.1 document served at /openapi.json. Its schemas are generated (z.toJSONSchema) from the zod
 * schemas that validate the requests and type the handlers' answers, so there is no second copy to keep in
 * step; this file only says which route answers what. A test sends real requests to every route and validates
 * the answers against the document.
 */
import { z } from 'zod';
import { ErrorBody } from '../http/http-error.js';
import type { Limits } from '../http/limits.js';
import { UploadedCorpus } from '../routes/corpora.js';
import { BatchEntitiesResponse, EntitiesResponse, Entity, entitiesRequestSchema } from '../routes/entities-schema.js';
import { Job } from '../routes/job-schema.js';
import { Health, ModelInfo, ModelsResponse, PublishedModel, Ready } from '../routes/meta-schema.js';
import { TrainJobInput } from '../routes/train.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
const text = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });

const adminErrors = {
  '401': error('Missing or wrong admin token.'),
  '403': error('Training over HTTP is off (no NER_ADMIN_TOKEN configured).'),
};
const bodyErrors = {
  '400': error('Invalid JSON, not UTF-8, or wrong shape/types.'),
  '413': error('Body, text or batch too large.'),
  '415': error('Content-Type is not application/json (utf-8), or the body is compressed.'),
};

/** Component schemas by name, each generated from its zod schema; references between them become $refs. */
function componentSchemas(limits: Limits): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  const named: Record<string, z.ZodType> = {
    Error: ErrorBody,
    EntitiesRequest: entitiesRequestSchema(limits),
    Entity,
    EntitiesResponse,
    BatchEntitiesResponse,
    ModelInfo,
    PublishedModel,
    ModelsResponse,
    TrainRequest: TrainJobInput,
    UploadedCorpus,
    Job,
    Health,
    Ready,
  };
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}` });
  // Each generated schema names itself ($id) and its dialect ($schema); inside one document both are noise.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $id: _id, $schema: _dialect, ...schema }]) => [id, schema]));
}

export function openApiDocument(limits: Limits) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'window-ner',
      version: '0.1.0',
      description: [
        'Named-entity recognition with a window-based neural network.',
        'Entity offsets are JavaScript string indices (UTF-16 code units) into the submitted text; `end` is exclusive,',
        'so `text.slice(start, end) === entity.text`.',
        `Limits (configurable): body ≤ ${limits.maxBodyBytes} bytes, text ≤ ${limits.maxTextChars} UTF-16 code units,`,
        `≤ ${limits.maxTexts} texts per batch, ${limits.requestTimeoutMs} ms per request.`,
        'Every error is JSON `{"error": {"code", "message"}}`.',
      ].join(' '),
    },
    paths: {
      '/v1/entities': {
        post: {
          summary: 'Tag one text or a batch of texts',
          requestBody: { required: true, content: { 'application/json': { schema: ref('EntitiesRequest') } } },
          responses: {
            '200': json({ oneOf: [ref('EntitiesResponse'), ref('BatchEntitiesResponse')] }, 'Entities per text.'),
            ...bodyErrors,
            '503': error('No model loaded yet, or the request exceeded its time limit.'),
          },
        },
      },
      '/v1/models': {
        get: {
          summary: 'The model being served and the models published by training jobs',
          responses: { '200': json(ref('ModelsResponse'), 'Models.'), '503': error('No model loaded yet.') },
        },
      },
      '/v1/train': {
        post: {
          summary: 'Start a training job (admin)',
          security: [{ adminToken: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('TrainRequest') } } },
          responses: { '202': json(ref('Job'), 'Job started; poll the Location header.'), ...bodyErrors, ...adminErrors, '409': error('A job is already running.') },
        },
      },
      '/v1/corpora': {
        post: {
          summary: 'Upload a training corpus as the raw body (admin); train on it by the returned id',
          security: [{ adminToken: [] }],
          requestBody: { required: true, content: { 'text/x-conll': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } } },
          responses: {
            '201': json(ref('UploadedCorpus'), 'Stored under its SHA-256.'),
            '200': json(ref('UploadedCorpus'), 'The same content was already stored.'),
            '400': error('Not UTF-8, or the upload was cut off.'),
            '413': error('Over the corpus size limit.'),
            '415': error('Content-Type is not a corpus type, or the body is encoded.'),
            '507': error('The uploads directory is at its limit.'),
            ...adminErrors,
          },
        },
      },
      '/v1/models/{version}/activate': {
        parameters: [{ name: 'version', in: 'path', required: true, schema: { type: 'string' } }],
        post: {
          summary: 'Serve a published version: rollback or roll forward (admin)',
          security: [{ adminToken: [] }],
          responses: { '200': json(ref('PublishedModel'), 'The version now served.'), ...adminErrors, '404': error('No such published version.') },
        },
      },
      '/v1/jobs/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          summary: 'Progress and metrics of a training job (admin)',
          security: [{ adminToken: [] }],
          responses: { '200': json(ref('Job'), 'The job.'), ...adminErrors, '404': error('No such job.') },
        },
        delete: {
          summary: 'Cancel a running training job (admin)',
          security: [{ adminToken: [] }],
          responses: { '200': json(ref('Job'), 'The job after cancelling.'), ...adminErrors, '404': error('No such job.') },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': json(ref('Health'), 'The process is up.') } } },
      '/readyz': {
        get: {
          summary: 'Readiness: model and embedding store loaded, warm-up done, not shutting down',
          responses: { '200': json(ref('Ready'), 'Ready.'), '503': json(ref('Ready'), 'Not ready.') },
        },
      },
      '/metrics': { get: { summary: 'Prometheus metrics (prom-client)', responses: { '200': text('text/plain', 'Text exposition format 0.0.4.') } } },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1.') } } },
      '/': { get: { summary: 'The web page', responses: { '200': text('text/html', 'HTML.') } } },
    },
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'The NER_ADMIN_TOKEN the server was started with.' } },
      schemas: componentSchemas(limits),
    },
  };
}
