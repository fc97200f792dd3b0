/**
 * createApp builds the Express app (routes, limits, errors, headers) without listening, so tests and the
 * `serve` command start it however they like. Every route is declared once in a table: its handlers, and a
 * 405 with an Allow header for the other methods; anything else is a JSON 404.
 */
import { randomBytes } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { requireAdmin } from './http/admin-auth.js';
import { errorHandler, HttpError } from './http/http-error.js';
import { jsonBody } from './http/json-body.js';
import { type Limits, resolveLimits } from './http/limits.js';
import { type Logger, silentLogger } from './http/logger.js';
import { requestLifecycle } from './http/request-lifecycle.js';
import { requestLog } from './http/request-log.js';
import { createServerMetrics, type ServerMetrics } from './metrics/server-metrics.js';
import type { ModelHolder } from './models/model-holder.js';
import { openApiDocument } from './openapi/document.js';
import { entitiesHandler } from './routes/entities.js';
import { healthHandler, metricsHandler, modelsHandler, type ReadyChecks, readyHandler } from './routes/meta.js';
import { uploadCorpusHandler } from './routes/corpora.js';
import { activateModelHandler } from './routes/models.js';
import { cancelJobHandler, getJobHandler, startTrainHandler, type TrainingJobs } from './routes/train.js';
import type { ModelPublisher } from './models/publisher.js';
import type { CorpusUploads } from './store/corpus-uploads.js';
import type { ServerStore } from './store/server-store.js';
import { renderPage } from '../web/page.js';

export interface AppOptions {
  /** The model being served (swappable). */
  models: ModelHolder;
  limits?: Partial<Limits>;
  /** Bearer token for the admin routes; without one, training over HTTP is off. */
  adminToken?: string;
  /** Training job runner; without one, POST /v1/train answers 403. */
  jobs?: TrainingJobs & { running(): number };
  /** Published-model history for GET /v1/models. */
  db?: ServerStore;
  /** Serves another published version (POST /v1/models/:version/activate); without one, that route answers 403. */
  publisher?: ModelPublisher;
  /** Where POST /v1/corpora stores uploads; without one, that route answers 403. */
  uploads?: CorpusUploads;
  logger?: Logger;
  /** Log only failed or aborted requests (serve --quiet). */
  logErrorsOnly?: boolean;
  /**
   * The server is reached over HTTPS through a proxy (serve --behind-tls): only then do responses carry HSTS and
   * does the page ask the browser to upgrade insecure requests (over plain HTTP either would break the page).
   */
  behindTls?: boolean;
  /** Extra readiness checks besides "a model is loaded and warmed up" and "not shutting down". */
  readyChecks?: ReadyChecks;
  /**
   * False while a shared registry (serve --registry) is unreachable: a route that needed it then fails with a
   * 503 the client may retry instead of a 500. Tagging does not need it.
   */
  registryReachable?: () => boolean;
}

export interface AppState {
  shuttingDown: boolean;
}

export interface CreatedApp {
  app: Express;
  state: AppState;
  metrics: ServerMetrics;
  limits: Limits;
}

type Methods = Partial<Record<'get' | 'post' | 'delete', RequestHandler[]>>;

export function createApp(opts: AppOptions): CreatedApp {
  const limits = resolveLimits(opts.limits);
  const logger = opts.logger ?? silentLogger;
  const state: AppState = { shuttingDown: false };
  const metrics = createServerMetrics(opts.models, { jobsRunning: opts.jobs ? () => opts.jobs!.running() : undefined });
  const spec = openApiDocument(limits);
  const app = express();
  app.set('etag', false);
  app.set('query parser', false);

  app.use(requestLog({ logger, errorsOnly: opts.logErrorsOnly }));
  app.use(requestLifecycle({ metrics, timeoutMs: limits.requestTimeoutMs, isShuttingDown: () => state.shuttingDown }));
  // Every response gets helmet's headers with a CSP that allows nothing (JSON needs no scripts, frames, forms or
  // base URLs): useDefaults off, or helmet would merge its own default directives (script-src 'self', ...) in.
  // The page replaces it with its own policy and a fresh nonce, so only GET / pays for the random bytes.
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] } },
      strictTransportSecurity: opts.behindTls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
  );
  const upgrade = opts.behindTls ? '; upgrade-insecure-requests' : '';
  const pagePolicy = (nonce: string) =>
    `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; ` +
    `base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; object-src 'none'; script-src-attr 'none'${upgrade}`;
  const page: RequestHandler = (_req, res) => {
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', pagePolicy(nonce));
    res.type('html').send(renderPage(nonce));
  };

  const body = jsonBody(limits.maxBodyBytes);
  const admin = requireAdmin(opts.adminToken);
  const jobs: TrainingJobs = opts.jobs ?? {
    start: () => {
      throw new HttpError(403, 'training_disabled', 'training over HTTP is off: this server has no job runner (start it with a state directory)');
    },
    get: async () => undefined,
    cancel: async () => undefined,
  };
  const uploads: RequestHandler = opts.uploads
    ? uploadCorpusHandler(opts.uploads)
    : () => {
        throw new HttpError(403, 'training_disabled', 'corpus uploads are off: this server has no data directory for them');
      };
  const ready: ReadyChecks = {
    model: () => opts.models.ready,
    accepting: () => !state.shuttingDown,
    ...opts.readyChecks,
  };

  const routes: Record<string, Methods> = {
    '/': { get: [page] },
    '/v1/entities': { post: [body, entitiesHandler({ models: opts.models, limits, metrics })] },
    '/v1/models': { get: [modelsHandler(opts.models, opts.db)] },
    '/v1/models/:version/activate': { post: [admin, activateModelHandler(opts.publisher)] },
    '/v1/corpora': { post: [admin, uploads] },
    '/v1/train': { post: [admin, body, startTrainHandler(jobs)] },
    '/v1/jobs/:id': { get: [admin, getJobHandler(jobs)], delete: [admin, cancelJobHandler(jobs)] },
    '/healthz': { get: [healthHandler] },
    '/readyz': { get: [readyHandler(ready)] },
    '/metrics': { get: [metricsHandler(metrics)] },
    '/openapi.json': { get: [(_req, res) => void res.json(spec)] },
  };
  for (const [path, methods] of Object.entries(routes)) {
    const route = app.route(path);
    const allowed: string[] = [];
    for (const [method, handlers] of Object.entries(methods) as [keyof Methods, RequestHandler[]][]) {
      route[method](...handlers);
      allowed.push(method.toUpperCase());
      if (method === 'get') allowed.push('HEAD');
    }
    route.all(() => {
      throw new HttpError(405, 'method_not_allowed', `${path} allows ${allowed.join(', ')}`, { Allow: allowed.join(', ') });
    });
  }

  app.use(() => {
    throw new HttpError(404, 'not_found', 'no such route; see /openapi.json');
  });
  app.use(((err, _req, _res, next) => {
    const registryDown = opts.registryReachable && !opts.registryReachable() && !(err instanceof HttpError);
    next(registryDown ? new HttpError(503, 'not_ready', 'the model registry is unreachable; retry shortly', { 'Retry-After': '5' }) : err);
  }) as ErrorRequestHandler);
  app.use(
    errorHandler((err) => {
      logger.error({ err }, 'unhandled error');
    }),
  );
  return { app, state, metrics, limits };
}
