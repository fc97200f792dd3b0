/**
 * The whole service in one process: the registry (server.sqlite, or Redis with `registry`) and start-up recovery,
 * the app, listening, the model (the one the registry says is served, else the configured default), training
 * jobs, and an orderly shutdown. Listening starts before the model loads so /healthz answers at once and /readyz
 * says when it can serve.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp } from './app.js';
import type { Limits } from './http/limits.js';
import type { Logger } from './http/logger.js';
import { JobService } from './jobs/job-service.js';
import type { PublishGate } from './jobs/publish-gate.js';
import { listen } from './lifecycle/listen.js';
import { loadWarmTagger, type TaggerLoader } from './models/load-model.js';
import { ModelHolder } from './models/model-holder.js';
import { ModelPublisher } from './models/publisher.js';
import { CorpusUploads } from './store/corpus-uploads.js';
import { RedisStore, type RedisStoreOptions } from './store/redis-store.js';
import { ServerDb } from './store/server-db.js';
import type { ServerStore } from './store/server-store.js';
import type { ConfigLimits } from '@window-ner/ner';

export interface ServiceOptions {
  host: string;
  port: number;
  /** Model served when the database names none (first start, or no model trained over HTTP yet). */
  modelPath: string;
  /** Opens a model file for serving (the library's loadTagger with the embedding store). */
  load: TaggerLoader;
  /** Holds server.sqlite, models/ (published by training jobs) and staging/ (being trained). */
  stateDir: string;
  /** Training corpora named in POST /v1/train are relative to this directory. */
  dataDir: string;
  embeddingsPath?: string;
  adminToken?: string;
  limits?: Partial<Limits>;
  logger: Logger;
  /** Log only failed or aborted requests. */
  logErrorsOnly?: boolean;
  /** Clients reach the server over HTTPS through a proxy: send HSTS (see AppOptions). */
  behindTls?: boolean;
  /** How often to check whether another process published a model (cluster mode); 0 = never. */
  syncIntervalMs?: number;
  /**
   * A registry shared by replicas on several machines (serve --registry): published models (their bytes too),
   * the served version and job records live in Redis instead of server.sqlite.
   */
  registry?: Pick<RedisStoreOptions, 'connection' | 'maxModelBytes' | 'pollMs'>;
  /** Grace period for in-flight requests at shutdown. */
  graceMs?: number;
  training?: TrainingLimits;
}

/** What the operator bounds about training (serve flags); defaults in JobService, the publisher and here. */
export interface TrainingLimits {
  maxCorpusBytes?: number;
  /** All uploaded corpora together (default 1 GiB). */
  maxUploadsBytes?: number;
  config?: Partial<ConfigLimits>;
  gate?: Partial<PublishGate>;
  /** Published versions kept, the served one included; also rejected models kept. */
  keepModels?: number;
}

export const DEFAULT_MAX_UPLOADS_BYTES = 1024 * 1024 * 1024;

export interface Service {
  url: string;
  port: number;
  models: ModelHolder;
  /** Resolves once the first model is loaded and warmed up (rejects if none can be). */
  ready: Promise<void>;
  shutdown(): Promise<{ forced: boolean }>;
}

export async function startService(opts: ServiceOptions): Promise<Service> {
  const stateDir = resolve(opts.stateDir);
  const modelsDir = join(stateDir, 'models');
  mkdirSync(modelsDir, { recursive: true });
  const shared = opts.registry ? await RedisStore.open({ ...opts.registry, cacheDir: modelsDir, logger: opts.logger }) : undefined;
  const db: ServerStore = shared ?? new ServerDb(join(stateDir, 'server.sqlite'));
  try {
    return await start(opts, stateDir, db, shared);
  } catch (err) {
    // Redis connections would keep a process that failed to start alive.
    await db.close();
    throw err;
  }
}

async function start(opts: ServiceOptions, stateDir: string, db: ServerStore, shared: RedisStore | undefined): Promise<Service> {
  const { logger } = opts;
  const modelsDir = join(stateDir, 'models');
  const models = new ModelHolder((err) => logger.error({ err }, 'disposing a model failed'));
  const training = opts.training ?? {};
  const publisher = new ModelPublisher({ db, modelsDir, models, load: opts.load, logger, keepModels: training.keepModels });
  shared?.onServingChange(() => void publisher.syncServing());
  const jobs = new JobService({
    db,
    publisher,
    dataDir: opts.dataDir,
    stagingDir: join(stateDir, 'staging'),
    rejectedDir: join(stateDir, 'rejected'),
    servingModel: () => (models.info ? { path: models.info.path, version: models.info.version } : null),
    maxCorpusBytes: training.maxCorpusBytes,
    configLimits: training.config,
    gate: training.gate,
    keepModels: training.keepModels,
    embeddingsPath: opts.embeddingsPath,
    logger,
  });
  const uploads = new CorpusUploads(opts.dataDir, { maxBytes: jobs.maxCorpusBytes, maxTotalBytes: training.maxUploadsBytes ?? DEFAULT_MAX_UPLOADS_BYTES });
  await jobs.recover();
  await publisher.removeOrphans();

  const created = createApp({
    models,
    limits: opts.limits,
    adminToken: opts.adminToken,
    jobs,
    db,
    publisher,
    uploads,
    logger,
    logErrorsOnly: opts.logErrorsOnly,
    behindTls: opts.behindTls,
    registryReachable: shared && (() => shared.connected),
  });
  const running = await listen(created, { host: opts.host, port: opts.port });
  logger.info({ url: running.url, training: opts.adminToken ? 'on' : 'off', registry: shared ? shared.replicaId : 'local' }, 'listening');

  const ready = (async () => {
    await publisher.syncServing();
    if (!models.ready) {
      const named = shared && (await shared.servingModel());
      // A replica must serve what the others serve: --model is only for a registry that serves nothing yet.
      if (named) throw new Error(`the registry serves model ${named.version}, which could not be loaded here (see the error above)`);
      if (!existsSync(opts.modelPath)) throw new Error(`no model file at ${opts.modelPath} (train one with \`window-ner train\` or pass --model)`);
      const tagger = await loadWarmTagger(opts.load, opts.modelPath);
      // Recorded like a published version, so POST /v1/models/:version/activate can roll back to it later.
      await db.publishModel({ version: tagger.info.version, path: tagger.info.path, jobId: null, metrics: tagger.info.metrics ?? {} });
      models.install(tagger);
    }
    const info = models.info!;
    logger.info({ model: info.version, file: info.path, types: info.types }, 'ready');
  })();
  ready.catch((err: unknown) => logger.error({ err }, 'no model could be loaded'));

  // A shared registry checks by itself (pub/sub and its own poll, see RedisStore).
  const sync = opts.syncIntervalMs && !shared ? setInterval(() => void publisher.syncServing(), opts.syncIntervalMs) : null;
  sync?.unref();

  let stopping: Promise<{ forced: boolean }> | null = null;
  const shutdown = () => {
    stopping ??= (async () => {
      logger.info('shutting down');
      if (sync) clearInterval(sync);
      // Jobs stop while requests drain, so a job never adds to the grace period (terminate() takes milliseconds).
      const [result] = await Promise.all([running.shutdown(opts.graceMs ?? 10_000), jobs.close()]);
      await ready.catch(() => undefined);
      models.close();
      await db.close();
      logger.info(result, 'stopped');
      return result;
    })();
    return stopping;
  };
  return { url: running.url, port: running.port, models, ready, shutdown };
}
