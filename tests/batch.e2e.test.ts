/**
 * Batch tagging on a real redis-server (started here on a loopback port) with real `window-ner worker` and
 * `tag-batch` processes: exactly-once output in input order, kill -9 of a worker mid-chunk, resume after
 * tag-batch or Redis is interrupted, and a worker refusing a model whose hash is not the batch's.
 */
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadTagger } from '@window-ner/ner';
import { initBackend } from '@window-ner/tensor';
import { spawnCli, type CliProcess } from './support/cli-process.js';
import { DATA_DIR } from './support/paths.js';
import { pollUntil } from './support/poll.js';
import { freePort, startRedis, type RedisServer } from '@window-ner/ner-app';

const fx = inject('fixtures');
const MAX_CHARS = 400;

let redis: RedisServer;
let dir: string;
let docs: { id: string; text: string }[];
const started: CliProcess[] = [];

/** BTC dev sentences as documents, ids "b0", "b1", ... */
function btcDocuments(limit: number): { id: string; text: string }[] {
  const out: { id: string; text: string }[] = [];
  let words: string[] = [];
  for (const line of readFileSync(resolve(DATA_DIR, 'btc/btc.dev'), 'utf8').split('\n')) {
    const word = line.split(/\s+/)[0];
    if (word) words.push(word);
    else if (words.length) {
      out.push({ id: `b${out.length}`, text: words.join(' ') });
      words = [];
      if (out.length === limit) break;
    }
  }
  return out;
}

/**
 * An input file: the documents, with a line that is not JSON and one over the size limit in the middle (too long
 * to be parsed, so its id is its line number).
 */
function writeInput(name: string, n: number): { path: string; ids: (string | number)[] } {
  const path = join(dir, name);
  const lines = docs.slice(0, n).map((d) => JSON.stringify(d));
  const mid = Math.floor(n / 2);
  lines.splice(mid, 0, '{"text": broken', JSON.stringify({ id: 'huge', text: 'word '.repeat(MAX_CHARS) }), '');
  writeFileSync(path, lines.join('\n') + '\n');
  const ids: (string | number)[] = docs.slice(0, n).map((d) => d.id);
  ids.splice(mid, 0, mid + 1, mid + 2);
  return { path, ids };
}

function worker(cache = 'cache', url = redis.url): CliProcess {
  const w = spawnCli(['worker', '--queue', url, '--concurrency', '1', '--embeddings', fx.storePath, '--model-cache', join(dir, cache), '--lock-ms', '2000']);
  started.push(w);
  return w;
}

function tagBatch(input: string, out: string, extra: string[] = [], url = redis.url): CliProcess {
  const t = spawnCli(['tag-batch', input, '--out', out, '--queue', url, '--model', fx.modelPath, '--chunk', '100', '--max-text-chars', String(MAX_CHARS), '--quiet', ...extra]);
  started.push(t);
  return t;
}

async function finished(p: CliProcess, timeoutMs = 90_000): Promise<number | null> {
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), timeoutMs);
  const { code } = await p.exited;
  clearTimeout(timer);
  return code;
}

type OutLine = { id: string | number; entities?: { text: string; label: string; start: number; end: number }[]; error?: { code: string } };

function readOut(path: string): OutLine[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as OutLine);
}

/** Each input document once, in input order; the two bad lines as errors at their places. */
function expectExactlyOnce(out: OutLine[], ids: (string | number)[]): void {
  expect(out.map((l) => l.id)).toEqual(ids);
  expect(out.filter((l) => l.error).map((l) => l.error!.code).sort()).toEqual(['invalid_json', 'text_too_long']);
}

/** Per chunk of one batch, how many times workers reported it done. */
function doneCounts(batchId: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const w of started) for (const l of w.logs) if (l.msg === 'chunk done' && l.batchId === batchId) counts.set(l.chunk as number, (counts.get(l.chunk as number) ?? 0) + 1);
  return counts;
}

async function stopAll(): Promise<void> {
  await Promise.all(started.map((p) => p.stop()));
}

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'window-ner-batch-'));
  docs = btcDocuments(1000);
});

afterAll(async () => {
  await stopAll();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tag-batch on workers', () => {
  it('two workers: every document once, in input order, entities as in-process tagging gives them', async () => {
    worker();
    worker();
    const { path, ids } = writeInput('plain.jsonl', 1000);
    const out = join(dir, 'plain.out.jsonl');
    const run = tagBatch(path, out);
    expect(await finished(run), run.stderr.join('\n')).toBe(0);
    const lines = readOut(out);
    expectExactlyOnce(lines, ids);
    expect(run.stderr.join('\n')).toMatch(new RegExp(`tag-batch: ${ids.length} documents \\(2 with an error\\), [1-9]\\d* tokens in `));
    expect(existsSync(`${out}.partial`)).toBe(false);

    await initBackend({ log: null });
    const tagger = await loadTagger(fx.modelPath, { embeddingsPath: fx.storePath });
    try {
      const sample = docs.slice(0, 300);
      const expected = tagger.tag(sample.map((d) => d.text));
      const got = new Map(lines.map((l) => [l.id, l.entities]));
      const strip = (es: OutLine['entities']) => es?.map(({ text, label, start, end }) => ({ text, label, start, end }));
      sample.forEach((d, i) => expect(strip(got.get(d.id)), d.id).toEqual(strip(expected[i])));
      expect(expected.flat().length).toBeGreaterThan(20); // the fixture model finds names: the comparison has teeth
    } finally {
      tagger.dispose();
    }
    await stopAll();
  });

  it('kill -9 of a worker mid-chunk: another worker takes the chunk over; output still exactly once', async () => {
    const first = worker('cache-a');
    const ready = await first.waitForLog((l) => l.msg === 'worker ready');
    // One chunk thread gets the machine's cores as BLAS threads (cores / concurrency), unless the environment chose.
    expect(ready.blasThreads).toBe(Number(process.env.OPENBLAS_NUM_THREADS ?? availableParallelism()));
    const { path, ids } = writeInput('kill.jsonl', 1000);
    const out = join(dir, 'kill.out.jsonl');
    const run = tagBatch(path, out);
    // The first chunk of a fresh worker thread includes starting the thread and loading the model: seconds.
    const active = await first.waitForLog((l) => l.msg === 'chunk started');
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(first.logs.some((l) => l.msg === 'chunk done')).toBe(false);

    const second = worker('cache-b');
    expect(await finished(run), run.stderr.join('\n')).toBe(0);
    expectExactlyOnce(readOut(out), ids);
    const taken = second.logs.find((l) => l.msg === 'chunk done' && l.batchId === active.batchId && l.chunk === active.chunk);
    expect(taken, 'the killed chunk was tagged by the second worker').toBeDefined();
    expect([...doneCounts(active.batchId as string).values()].every((n) => n === 1)).toBe(true);
    await stopAll();
  });

  it('tag-batch killed and re-run: resumes, no chunk is tagged twice, output exactly once', async () => {
    worker();
    const { path, ids } = writeInput('resume.jsonl', 1000);
    const out = join(dir, 'resume.out.jsonl');
    const args = ['--chunk', '50', '--window', '2'];
    const first = tagBatch(path, out, args);
    const state = await pollUntil(
      'three chunks written',
      async () => (existsSync(`${out}.partial.json`) ? (JSON.parse(readFileSync(`${out}.partial.json`, 'utf8')) as { chunks: number; batchId: string }) : null),
      (s) => (s?.chunks ?? 0) >= 3,
      60_000,
      5,
    );
    first.proc.kill('SIGKILL');
    await first.exited;
    const second = tagBatch(path, out, args);
    expect(await finished(second), second.stderr.join('\n')).toBe(0);
    const resumedAt = Number(/resuming batch \w+ after chunk (\d+)/.exec(second.stderr.join('\n'))?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(state!.chunks);
    expectExactlyOnce(readOut(out), ids);
    const counts = doneCounts(state!.batchId);
    expect(counts.size).toBe(Math.ceil(ids.length / 50));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    await stopAll();
  });

  it('Redis restarted empty mid-run: the chunks in flight are enqueued again and the run completes', async () => {
    const own = await startRedis();
    try {
      worker('cache', own.url);
      const { path, ids } = writeInput('redis-restart.jsonl', 1000);
      const out = join(dir, 'redis-restart.out.jsonl');
      const run = tagBatch(path, out, ['--chunk', '50', '--window', '2'], own.url);
      await pollUntil('two chunks written', async () => (existsSync(`${out}.partial.json`) ? (JSON.parse(readFileSync(`${out}.partial.json`, 'utf8')) as { chunks: number }).chunks : 0), (n) => n >= 2, 60_000, 5);
      own.proc.kill('SIGKILL');
      await new Promise((r) => own.proc.once('exit', r));
      const again = await startRedis({ port: own.port });
      try {
        expect(await finished(run), run.stderr.join('\n')).toBe(0);
        expectExactlyOnce(readOut(out), ids);
      } finally {
        await stopAll();
        await again.stop();
      }
    } finally {
      await own.stop();
    }
  });

  it('a worker refuses a model whose sha256 is not the batch\'s, and tag-batch stops with that message', async () => {
    const model = join(dir, 'model-copy.sqlite');
    copyFileSync(fx.modelPath, model);
    const { path } = writeInput('mismatch.jsonl', 300);
    const out = join(dir, 'mismatch.out.jsonl');
    const run = spawnCli(['tag-batch', path, '--out', out, '--queue', redis.url, '--model', model, '--chunk', '100', '--quiet']);
    started.push(run);
    await pollUntil('the batch to start', async () => existsSync(`${out}.partial`), Boolean, 60_000, 20);
    appendFileSync(model, 'changed after tag-batch recorded it');
    const w = worker('cache-mismatch');
    expect(await finished(run)).toBe(1);
    const message = run.stderr.join('\n');
    expect(message).toMatch(/chunk 0 .*failed: model .*model-copy\.sqlite has sha256 [0-9a-f]{16}, but the batch was started with [0-9a-f]{16}/);
    expect(message).not.toMatch(/\n\s+at /); // a clear message, no stack trace
    const failed = w.logs.filter((l) => l.msg === 'chunk failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(w.logs.some((l) => l.msg === 'chunk done')).toBe(false);
    expect(readdirSync(join(dir, 'cache-mismatch'))).toEqual([]); // the refused copy is not kept, nor its temp file
    await stopAll();
  });

  it('a Redis address nobody answers at: one clear line, exit 2, no output file started', async () => {
    const port = await freePort();
    const { path } = writeInput('unreachable.jsonl', 10);
    const out = join(dir, 'unreachable.out.jsonl');
    const run = spawnCli(['tag-batch', path, '--out', out, '--queue', `redis://127.0.0.1:${port}`, '--model', fx.modelPath]);
    started.push(run);
    expect(await finished(run, 30_000)).toBe(2);
    expect(run.stderr.join('\n')).toBe(`window-ner tag-batch: --queue: cannot reach Redis at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
