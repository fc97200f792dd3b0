/**
 * `npm run bench:batch`: batch tagging on BullMQ workers against tagging in-process, on this machine.
 * Corpus: CoNLL-2003 train + dev text (read at run time from ../shared/data/conll2003, never committed), one
 * article a line, repeated to >= 3M tokens (at 1M a run lasted ~4 s: start-up and the last chunks weighed too
 * much). Measures in-process tagging (one thread, same chunks), then a private redis-server with 1 and with 2 `window-ner worker --concurrency 1`
 * processes running `window-ner tag-batch` over the corpus. Worker throughput is timed from the workers' own logs (first chunk started to last chunk done,
 * after a warm-up batch that loads the model in every thread); tag-batch's wall time is reported beside it.
 * Writes bench/batch-results.json.
 *
 * Flags: --data DIR  --model FILE  --embeddings FILE  --chunk N (32 articles)  --min-tokens N (3000000)  --out FILE
 */
import './one-blas-thread.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadTagger } from '@window-ner/ner';
import { startRedis } from '@window-ner/ner-app';
import { initBackend } from '@window-ner/tensor';

const ROOT = resolve(dirname(resolve(process.argv[1])), '..');
const CLI = join(ROOT, 'apps/ner/bin/window-ner.js');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(ROOT, '../shared/data/conll2003') },
    model: { type: 'string', default: join(ROOT, 'data/models/default.sqlite') },
    embeddings: { type: 'string', default: join(ROOT, 'data/embeddings.sqlite') },
    chunk: { type: 'string', default: '32' },
    'min-tokens': { type: 'string', default: '3000000' },
    out: { type: 'string', default: join(ROOT, 'bench/batch-results.json') },
  },
});
const CHUNK = Number(values.chunk);
const TARGETS = { speedup2: 1.7, perWorkerVsInProcess: 0.7 };

/** CoNLL articles (between -DOCSTART- lines) as one line of text each. */
function articles(files: string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    let words: string[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const word = line.split(/\s+/)[0];
      if (word === '-DOCSTART-') {
        if (words.length) out.push(words.join(' '));
        words = [];
      } else if (word) words.push(word);
    }
    if (words.length) out.push(words.join(' '));
  }
  return out;
}

type Log = Record<string, unknown> & { msg: string; time: string };

function spawnCli(args: string[]) {
  const proc = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const logs: Log[] = [];
  createInterface({ input: proc.stdout }).on('line', (l) => l.startsWith('{') && logs.push(JSON.parse(l) as Log));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, logs, exited };
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  for (const until = Date.now() + timeoutMs; !check(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > until) throw new Error(`bench:batch: timed out waiting for ${what}`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'window-ner-bench-batch-'));
  const redis = await startRedis();
  const workers: ReturnType<typeof spawnCli>[] = [];
  try {
    await initBackend({ log: null });
    const base = articles([join(values.data, 'eng.train'), join(values.data, 'eng.testa')]);

    // Tokens of one pass, counted by the tagger itself; the corpus repeats it to >= --min-tokens.
    const tagger = await loadTagger(values.model, { embeddingsPath: values.embeddings });
    tagger.tag(base);
    const baseTokens = tagger.tokensTagged;
    const repeat = Math.ceil(Number(values['min-tokens']) / baseTokens);
    const docs = Array.from({ length: repeat }, () => base).flat();
    // In-process: the whole corpus through one tagger on this thread, in the same chunks (warm, as the workers are).
    const t0 = performance.now();
    for (let i = 0; i < docs.length; i += CHUNK) tagger.tag(docs.slice(i, i + CHUNK));
    const inProcess = { seconds: (performance.now() - t0) / 1000, tokens: tagger.tokensTagged - baseTokens, docs: docs.length };
    tagger.dispose();
    const corpus = join(dir, 'corpus.txt');
    writeFileSync(corpus, docs.join('\n') + '\n');
    const warm = join(dir, 'warm.txt');
    writeFileSync(warm, base.slice(0, CHUNK * 8).join('\n') + '\n');
    const inProcessTps = inProcess.tokens / inProcess.seconds;
    console.log(`corpus: ${docs.length} articles, ${baseTokens * repeat} tokens (CoNLL train+dev x${repeat}); in-process ${Math.round(inProcessTps)} tokens/s`);

    const runs = [];
    for (const n of [1, 2]) {
      while (workers.length < n) {
        const w = spawnCli(['worker', '--queue', redis.url, '--concurrency', '1', '--embeddings', values.embeddings, '--model-cache', join(dir, 'cache')]);
        workers.push(w);
        await waitFor('a worker to start', () => w.logs.some((l) => l.msg === 'worker ready'), 120_000);
      }
      const tagBatch = async (input: string, out: string) => {
        const t = spawnCli(['tag-batch', input, '--out', out, '--queue', redis.url, '--model', values.model, '--chunk', String(CHUNK), '--quiet']);
        const started = performance.now();
        const code = await t.exited;
        if (code !== 0) throw new Error(`tag-batch exited with ${code}`);
        return (performance.now() - started) / 1000;
      };
      // Warm-up: each worker's thread loads the model on its first chunk; a worker that got none would load it
      // in the timed run, so the warm-up repeats until every worker has tagged a chunk (bounded).
      for (let i = 0; i < 5 && !workers.every((w) => w.logs.some((l) => l.msg === 'chunk done')); i++) {
        writeFileSync(warm, base.slice(i, i + CHUNK * 8).join('\n') + '\n'); // a new file: a new batch
        await tagBatch(warm, join(dir, `warm-${n}-${i}.jsonl`));
      }
      const mark = workers.map((w) => w.logs.length);
      const wall = await tagBatch(corpus, join(dir, `out-${n}.jsonl`));
      const logs = workers.flatMap((w, i) => w.logs.slice(mark[i]));
      const startedAt = Math.min(...logs.filter((l) => l.msg === 'chunk started').map((l) => Date.parse(l.time)));
      const doneLogs = logs.filter((l) => l.msg === 'chunk done');
      const seconds = (Math.max(...doneLogs.map((l) => Date.parse(l.time))) - startedAt) / 1000;
      const tokens = doneLogs.reduce((s, l) => s + (l.tokens as number), 0);
      const perWorker = workers.map((w, i) => w.logs.slice(mark[i]).filter((l) => l.msg === 'chunk done').reduce((s, l) => s + (l.tokens as number), 0) / seconds);
      const run = {
        workers: n,
        documents: docs.length,
        tokens,
        seconds,
        documentsPerSecond: docs.length / seconds,
        tokensPerSecond: tokens / seconds,
        tagBatchWallSeconds: wall,
        perWorkerTokensPerSecond: perWorker,
        perWorkerVsInProcess: perWorker.map((t) => t / inProcessTps),
      };
      console.log(`${n} worker(s): ${Math.round(run.documentsPerSecond)} docs/s, ${Math.round(run.tokensPerSecond)} tokens/s over ${seconds.toFixed(1)} s (tag-batch wall ${wall.toFixed(1)} s); per worker ${perWorker.map((t) => `${Math.round(t)} (${((100 * t) / inProcessTps).toFixed(0)}% of in-process)`).join(', ')}`);
      runs.push(run);
    }
    const speedup2 = runs[1].tokensPerSecond / runs[0].tokensPerSecond;
    const worstShare = Math.min(...runs.flatMap((r) => r.perWorkerVsInProcess));
    const result = {
      date: new Date().toISOString(),
      host: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
      corpus: { source: 'CoNLL-2003 eng.train + eng.testa, one article a line', repeat, documents: docs.length, tokens: baseTokens * repeat, chunk: CHUNK },
      inProcess: { tokensPerSecond: inProcessTps, documentsPerSecond: inProcess.docs / inProcess.seconds },
      runs,
      speedup2,
      targets: TARGETS,
      checks: { speedup2: speedup2 >= TARGETS.speedup2, perWorkerVsInProcess: worstShare >= TARGETS.perWorkerVsInProcess },
    };
    console.log(`2 workers / 1 worker: ${speedup2.toFixed(2)}x (target ${TARGETS.speedup2}); lowest per-worker share of in-process: ${(worstShare * 100).toFixed(0)}% (target ${TARGETS.perWorkerVsInProcess * 100}%)`);
    writeFileSync(values.out, JSON.stringify(result, null, 2) + '\n');
    console.log(`wrote ${values.out}`);
  } finally {
    for (const w of workers) w.proc.kill('SIGTERM');
    await Promise.all(workers.map((w) => Promise.race([w.exited, new Promise((r) => setTimeout(r, 10_000))])));
    for (const w of workers) w.proc.kill('SIGKILL');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.stack ?? e);
  process.exitCode = 1;
});
