/** `window-ner tag-batch`: tag a large file on the batch workers of a Redis queue; resumable, output in input order. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkRedis, redisConnection, type RedisConnection } from '../../batch/connection.js';
import { formatOf } from '../../batch/input.js';
import { describeModel, isUrl } from '../../batch/model-source.js';
import { BatchFailedError, runBatch } from '../../batch/run-batch.js';
import { DEFAULT_LIMITS } from '../../server/http/limits.js';
import { numberFlag, parseFlags } from '../args.js';
import { CliError, type Command } from '../command.js';
import { ProgressBar } from '../progress.js';
import { REPO_ROOT } from './train.js';

const usage = `Usage: window-ner tag-batch INPUT --out OUT.jsonl --queue redis://HOST:PORT [--chunk N] [--model FILE|URL] [flags]

Tag INPUT on the workers of a Redis queue (start them with \`window-ner worker --queue ...\` on any machines).
INPUT is JSONL with a "text" field (and an optional "id"), or plain text with one document a line; it is read as a
stream. OUT gets one line per document, in input order: {"id", "entities": [...]} or {"id", "error": {code, message}}
(id = the input's "id", else its line number). Re-running the same command after an interruption resumes it.
  --out FILE            output JSONL (written as FILE.partial, renamed when complete)
  --queue URL           Redis address, redis://[:password@]HOST:PORT[/db]
  --chunk N             documents per job (default 256)
  --model FILE|URL      the batch's model (default data/models/default.sqlite); workers fetch it from this path or
                        URL and refuse it if its sha256 differs from the one recorded now
  --format jsonl|text   input format (default: jsonl for .jsonl/.ndjson files, else text)
  --max-text-chars N    longer documents get an error line instead of entities (default ${DEFAULT_LIMITS.maxTextChars})
  --window N            chunks in flight ahead of the output (default 32)
  --quiet               no progress bar`;

export const command: Command = {
  name: 'tag-batch',
  summary: 'tag a large file on the batch workers of a Redis queue (resumable)',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      out: { type: 'string' },
      queue: { type: 'string' },
      chunk: { type: 'string' },
      model: { type: 'string' },
      format: { type: 'string' },
      'max-text-chars': { type: 'string' },
      window: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    }, usage);
    if (positionals.length !== 1) throw new CliError(`expected one INPUT file, got ${positionals.length}\n\n${usage}`);
    const input = positionals[0];
    if (!existsSync(input)) throw new CliError(`no such file: ${input}`);
    if (!values.out) throw new CliError(`--out is required\n\n${usage}`);
    if (!values.queue) throw new CliError(`--queue is required\n\n${usage}`);
    const format = values.format ?? formatOf(input);
    if (format !== 'jsonl' && format !== 'text') throw new CliError(`--format must be jsonl or text, got "${format}"`);
    const chunk = positiveInt(values.chunk, 'chunk', 256);
    const maxChars = positiveInt(values['max-text-chars'], 'max-text-chars', DEFAULT_LIMITS.maxTextChars);
    const window = positiveInt(values.window, 'window', 32);
    const modelSource = values.model ?? resolve(REPO_ROOT, 'data/models/default.sqlite');
    if (!isUrl(modelSource) && !existsSync(modelSource)) throw new CliError(`--model: no such file: ${modelSource}`);
    const connection = await queueConnection(values.queue);
    const model = await describeModel(modelSource).catch((e: Error) => {
      throw new CliError(`--model: ${e.message}`);
    });

    let bar: ProgressBar | null = null;
    let resumed = false;
    let started = { at: Date.now(), tokens: 0, bytes: 0 };
    try {
      const done = await runBatch({
        input, out: values.out, format, connection, model, chunk, maxChars, window,
        onRedisError: (e) => console.error(`tag-batch: Redis at ${connection.host}:${connection.port}: ${e.message} (retrying)`),
        onProgress: (p) => {
          if (p.resumedChunks && !bar && !resumed) {
            resumed = true;
            console.error(`tag-batch: resuming batch ${p.batchId} after chunk ${p.resumedChunks} (${p.docs} documents already in ${values.out}.partial)`);
          }
          if (values.quiet) return;
          if (!bar) {
            started = { at: Date.now(), tokens: p.tokens, bytes: p.inputBytes };
            bar = new ProgressBar({ label: 'tag-batch', total: p.totalBytes - p.inputBytes, unit: 'B' });
          }
          const secs = Math.max(1e-3, (Date.now() - started.at) / 1000);
          bar.update(p.inputBytes - started.bytes, `${p.docs} docs ${Math.round((p.tokens - started.tokens) / secs)} tokens/s`);
        },
      });
      (bar as ProgressBar | null)?.finish(`${done.docs} docs`);
      console.error(`tag-batch: ${done.docs} documents (${done.errors} with an error), ${done.tokens} tokens in ${values.out} (model ${model.sha256.slice(0, 16)})`);
      return 0;
    } catch (e) {
      if (e instanceof BatchFailedError) throw new CliError(`${e.message}\n(the output so far is kept; fix the cause and run the same command again to resume)`, 1);
      throw e;
    }
  },
};

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  const n = numberFlag(value, flag, fallback);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${flag}: expected a whole number >= 1, got "${value}"`);
  return n;
}

/** A Redis URL flag as connection options, once Redis answers there; a bad URL or address is a usage error. */
export async function queueConnection(url: string, flag = 'queue'): Promise<RedisConnection> {
  try {
    const connection = redisConnection(url, flag);
    await checkRedis(connection, 10_000);
    return connection;
  } catch (e) {
    throw new CliError(`--${flag}: ${(e as Error).message.replace(`--${flag}: `, '')}`);
  }
}
