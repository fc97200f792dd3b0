/**
 * `window-ner worker`: tag chunks from a Redis queue (the jobs `tag-batch` enqueues), on any number of machines.
 * Runs until SIGTERM/SIGINT, then finishes its running chunks (or leaves them to be taken over) and exits.
 */
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBatchWorker } from '../../batch/worker.js';
import { allowedPluginSpecs } from '@window-ner/ner';
import { parseFlags } from '../args.js';
import { allowPluginsFlag, pluginsUsage } from '../plugins-flag.js';
import { CliError, type Command } from '../command.js';
import { positiveInt, queueConnection } from './tag-batch.js';
import { resolveEmbeddings } from './train.js';
import { blasThreadsPerUnit } from '../blas-threads.js';

const usage = `Usage: window-ner worker --queue redis://HOST:PORT [--concurrency N] [--embeddings PATH|none] [--plugins LIST] [flags]

Tag the chunks of batches started by \`window-ner tag-batch\`. Each chunk runs in one of N worker threads.
A chunk's model is fetched from the path or URL the batch names, checked against the batch's sha256, and cached.
  --queue URL           Redis address, redis://[:password@]HOST:PORT[/db]
  --concurrency N       worker threads, one chunk each (default: the core count, ${availableParallelism()} here);
                        each gets cores / N BLAS threads unless OPENBLAS_NUM_THREADS is set
  --embeddings PATH     SQLite vector store (default data/embeddings.sqlite); "none" = the model's own vectors
  --model-cache DIR     verified copies of batch models, the 4 latest kept (default $TMPDIR/window-ner-models)
  --lock-ms N           a chunk's lock lifetime: if this worker dies, another takes its chunks over after about
                        this long (default 30000)
${pluginsUsage(24)}
  --quiet               no line per started and finished chunk

Logs are JSON lines on stdout.`;

export const command: Command = {
  name: 'worker',
  summary: 'tag chunks of tag-batch runs from a Redis queue (run on any number of machines)',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      queue: { type: 'string' },
      concurrency: { type: 'string' },
      embeddings: { type: 'string' },
      'model-cache': { type: 'string' },
      'lock-ms': { type: 'string' },
      plugins: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    }, usage);
    if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"\n\n${usage}`);
    if (!values.queue) throw new CliError(`--queue is required\n\n${usage}`);
    const connection = await queueConnection(values.queue);
    const concurrency = positiveInt(values.concurrency, 'concurrency', availableParallelism());
    const lockMs = positiveInt(values['lock-ms'], 'lock-ms', 30_000);
    await allowPluginsFlag(values.plugins);
    const embeddingsPath = await resolveEmbeddings(values.embeddings, values.quiet);
    // Before any chunk thread loads the BLAS library (it reads the variable once, at load).
    process.env.OPENBLAS_NUM_THREADS = blasThreadsPerUnit(concurrency);
    const log = (msg: string, fields: Record<string, unknown> = {}) =>
      console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', pid: process.pid, msg, ...fields }));
    const worker = startBatchWorker({
      connection,
      concurrency,
      embeddingsPath,
      plugins: allowedPluginSpecs(),
      modelCacheDir: values['model-cache'] ?? join(tmpdir(), 'window-ner-models'),
      lockMs,
      onStart: (info) => !values.quiet && log('chunk started', info),
      onChunk: (info) => !values.quiet && log('chunk done', info),
      onFailed: (info) => log('chunk failed', info),
    });
    worker.on('error', (err) => log('queue error', { error: err.message }));
    await worker.waitUntilReady();
    log('worker ready', { queue: values.queue, concurrency, blasThreads: Number(process.env.OPENBLAS_NUM_THREADS), lockMs });
    await new Promise<void>((done) => {
      process.once('SIGTERM', done);
      process.once('SIGINT', done);
    });
    log('stopping: finishing running chunks');
    await worker.close();
    return 0;
  },
};
