/**
 * The OpenAPI 3.1 description served at /openapi.json. Hand-written next to the routes; a test sends real
 * requests to every route and validates the answers against these schemas, so it cannot drift unnoticed.
 */
import type { Limits } from '../http/limits';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);

const adminErrors = {
  '401': error('Missing or wrong admin token.'),
  '403': error('Training over HTTP is off (no NER_ADMIN_TOKEN configured).'),
};
const bodyErrors = {
  '400': error('Invalid JSON, not UTF-8, or wrong shape/types.'),
  '413': error('Body, text or batch too large.'),
  '415': error('Content-Type is not application/json (utf-8), or the body is compressed.'),
};

export function openApiSpec(limits: Limits) {
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
          responses: {
            '202': json(ref('Job'), 'Job started; poll the Location header.'),
            ...bodyErrors,
            ...adminErrors,
            '409': error('A job is already running.'),
          },
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
      '/metrics': {
        get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Text exposition format 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } } } },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1.') } } },
      '/': { get: { summary: 'The web page', responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } } } },
    },
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'The NER_ADMIN_TOKEN the server was started with.' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          additionalProperties: false,
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              additionalProperties: false,
              properties: { code: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
        EntitiesRequest: {
          oneOf: [
            { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', maxLength: limits.maxTextChars } } },
            {
              type: 'object',
              required: ['texts'],
              additionalProperties: false,
              properties: { texts: { type: 'array', maxItems: limits.maxTexts, items: { type: 'string', maxLength: limits.maxTextChars } } },
            },
          ],
        },
        Entity: {
          type: 'object',
          required: ['text', 'label', 'start', 'end', 'score'],
          additionalProperties: false,
          properties: {
            text: { type: 'string', description: 'Equal to input.slice(start, end).' },
            label: { type: 'string', description: 'Entity type, e.g. PER, ORG, LOC.' },
            start: { type: 'integer', minimum: 0, description: 'UTF-16 code-unit offset of the first character.' },
            end: { type: 'integer', minimum: 0, description: 'UTF-16 code-unit offset after the last character (exclusive).' },
            score: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
        ModelRef: { type: 'object', required: ['version'], additionalProperties: false, properties: { version: { type: 'string' } } },
        EntitiesResponse: {
          type: 'object',
          required: ['model', 'entities'],
          additionalProperties: false,
          properties: { model: ref('ModelRef'), entities: { type: 'array', items: ref('Entity') } },
        },
        BatchEntitiesResponse: {
          type: 'object',
          required: ['model', 'results'],
          additionalProperties: false,
          properties: {
            model: ref('ModelRef'),
            results: {
              type: 'array',
              items: { type: 'object', required: ['entities'], additionalProperties: false, properties: { entities: { type: 'array', items: ref('Entity') } } },
            },
          },
        },
        ModelInfo: {
          type: 'object',
          required: ['version', 'file', 'head', 'labels', 'types', 'metrics', 'provenance', 'config'],
          additionalProperties: false,
          properties: {
            version: { type: 'string', description: 'Content hash of the model file.' },
            file: { type: 'string' },
            head: { type: 'string' },
            labels: { type: 'array', items: { type: 'string' } },
            types: { type: 'array', items: { type: 'string' } },
            metrics: { type: 'object' },
            provenance: { type: 'object' },
            config: { type: 'object' },
          },
        },
        PublishedModel: {
          type: 'object',
          required: ['version', 'file', 'jobId', 'createdAt', 'serving', 'metrics'],
          additionalProperties: false,
          properties: {
            version: { type: 'string' },
            file: { type: 'string' },
            jobId: { type: ['string', 'null'] },
            createdAt: { type: 'string' },
            serving: { type: 'boolean' },
            metrics: { type: 'object' },
          },
        },
        ModelsResponse: {
          type: 'object',
          required: ['serving', 'published'],
          additionalProperties: false,
          properties: { serving: ref('ModelInfo'), published: { type: 'array', items: ref('PublishedModel') } },
        },
        TrainRequest: {
          type: 'object',
          required: ['train'],
          additionalProperties: false,
          properties: {
            train: { type: 'string', description: 'Training corpus (CoNLL or JSONL), relative to the server data directory, or an id from POST /v1/corpora.' },
            dev: { type: 'string', description: 'Dev corpus for early stopping and threshold calibration.' },
            config: { type: 'object', description: 'Partial model/training config merged over the defaults.' },
          },
        },
        UploadedCorpus: {
          type: 'object',
          required: ['id', 'sha256', 'bytes', 'format'],
          additionalProperties: false,
          properties: { id: { type: 'string' }, sha256: { type: 'string' }, bytes: { type: 'integer' }, format: { enum: ['conll', 'jsonl'] } },
        },
        Job: {
          type: 'object',
          required: ['id', 'status', 'request', 'progress', 'result', 'error', 'modelVersion', 'createdAt', 'finishedAt'],
          additionalProperties: false,
          properties: {
            id: { type: 'string' },
            status: { enum: ['running', 'succeeded', 'rejected', 'failed', 'cancelled'], description: 'rejected: trained, but the publish gate kept the model out of service (error says why).' },
            request: { type: 'object' },
            progress: { type: ['object', 'null'], description: 'phase, epoch/epochs, step/stepsPerEpoch, loss, devF1, etaSeconds.' },
            result: { type: ['object', 'null'] },
            error: { type: ['string', 'null'] },
            modelVersion: { type: ['string', 'null'] },
            createdAt: { type: 'string' },
            finishedAt: { type: ['string', 'null'] },
          },
        },
        Health: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } },
        Ready: {
          type: 'object',
          required: ['status', 'checks'],
          properties: { status: { enum: ['ready', 'not_ready'] }, checks: { type: 'object', additionalProperties: { type: 'boolean' } } },
        },
      },
    },
  };
}
