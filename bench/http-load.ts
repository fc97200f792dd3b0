/**
 * `npm run bench:http`: load test of the real server (a child process running `window-ner serve`, default model,
 * full embedding store) on 127.0.0.1 (load generator: bench/http-client.ts): 60 s at saturation (closed loop)
 * with ~200-token texts, then 60 s at half the saturated request rate (open loop). Reports errors, requests/s,
 * tokens/s, p50/p99 latency, the load split between workers, worker CPU per request, RSS and live tfjs tensors
 * per worker before/after (scraped from /metrics), checks the targets, writes bench/http-results.json.
 *
 * Flags (or env): --model FILE  --embeddings FILE  --workers N (2)  --duration S (60)  --connections N (16)
 *                 --serve-args "..." (extra serve flags)  --out FILE
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { LoadClient, type LoadResult } from './http-client.js';
import { makeTexts, roughTokens } from './http-texts.js';

// The repo root, from this script's path (root package.json is CommonJS, so no import.meta here).
const ROOT = resolve(dirname(resolve(process.argv[1])), '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: process.env.BENCH_MODEL ?? join(ROOT, 'data/models/default.sqlite') },
    embeddings: { type: 'string', default: process.env.BENCH_EMBEDDINGS ?? join(ROOT, 'data/embeddings.sqlite') },
    workers: { type: 'string', default: process.env.BENCH_WORKERS ?? '2' },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '60' },
    connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '16' },
    out: { type: 'string', default: join(ROOT, 'bench/http-results.json') },
    /** Extra `serve` flags for experiments, e.g. "--max-heap-mb 0". */
    'serve-args': { type: 'string', default: process.env.BENCH_SERVE_ARGS ?? '' },
  },
});
const WORKERS = Number(values.workers);
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const TARGETS = { errors: 0, tokensPerSecond: 200_000, p99AtHalfMs: 20, rssMb: 400 };

interface WorkerMetrics {
  rss: number;
  tensors: number;
  tokens: number;
  requests200: number;
  /** Seconds of GC pauses since start (all kinds: the sum of nodejs_gc_duration_seconds). */
  gcSeconds: number;
  /** CPU seconds (user + system) since start. */
  cpuSeconds: number;
  /** Event-loop delay since the previous scrape of this worker (prom-client resets it per scrape), p99 and max, in ms. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Server-side latency histogram of POST /v1/entities: cumulative count per upper bound (seconds). */
  latencyBuckets: Map<number, number>;
}

async function startServer(stateDir: string): Promise<{ url: string; stop(): Promise<number | null> }> {
  const args = ['apps/ner/bin/window-ner.js', 'serve', '--port', '0', '--quiet', '--workers', String(WORKERS), '--model', values.model!, '--embeddings', values.embeddings!, '--state-dir', stateDir, ...values['serve-args']!.split(' ').filter(Boolean)];
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  let url = '';
  let ready = 0;
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not become ready within 300 s')), 300_000);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const log = JSON.parse(line) as { level?: string; msg: string; url?: string; error?: string };
      if (log.msg === 'listening' && log.url) url = log.url;
      if (log.level === 'error') console.error(line);
      if (log.msg === 'ready' && ++ready === WORKERS) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    void exited.then((code) => reject(new Error(`server exited with code ${code} before it was ready`)));
  });
  return {
    url,
    async stop() {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

function get(url: string): Promise<string> {
  return new Promise((res, rej) => {
    http.get(url, { agent: false }, (r) => {
      let text = '';
      r.on('data', (c) => (text += c));
      r.on('end', () => res(text));
    }).on('error', rej);
  });
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

/** One scrape reaches one worker; scrape on fresh connections until every worker answered. */
async function scrapeAll(url: string): Promise<Map<number, WorkerMetrics>> {
  const byPid = new Map<number, WorkerMetrics>();
  for (let i = 0; i < 200 && byPid.size < WORKERS; i++) {
    const text = await get(`${url}/metrics`);
    byPid.set(metric(text, 'window_ner_process_id'), {
      rss: metric(text, 'process_resident_memory_bytes'),
      tensors: metric(text, 'window_ner_tf_tensors'),
      tokens: metric(text, 'window_ner_tokens_tagged_total'),
      requests200: metric(text, 'window_ner_http_requests_total\\{method="POST",route="/v1/entities",status="200"\\}'),
      cpuSeconds: metric(text, 'process_cpu_seconds_total'),
      gcSeconds: [...text.matchAll(/^nodejs_gc_duration_seconds_sum\{kind="[a-z]+"\} (\S+)$/gm)].reduce((t, m) => t + Number(m[1]), 0),
      // prom-client's event-loop lag figures cover the time since this worker's previous scrape.
      loopP99Ms: metric(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
      loopMaxMs: metric(text, 'nodejs_eventloop_lag_max_seconds') * 1000,
      latencyBuckets: new Map(
        [...text.matchAll(/^window_ner_http_request_duration_seconds_bucket\{le="([^"]+)",route="\/v1\/entities"\} (\S+)$/gm)].map((m) => [m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]),
      ),
    });
  }
  if (byPid.size < WORKERS) throw new Error(`reached ${byPid.size} of ${WORKERS} workers through /metrics`);
  return byPid;
}

const sum = (m: Map<number, WorkerMetrics>, k: Exclude<keyof WorkerMetrics, 'latencyBuckets'>) => [...m.values()].reduce((s, w) => s + (Number.isFinite(w[k]) ? w[k] : 0), 0);

/** Requests answered 200 by each worker during a phase, from /metrics before and after. */
function split(before: Map<number, WorkerMetrics>, after: Map<number, WorkerMetrics>): number[] {
  return [...after.entries()].map(([pid, w]) => w.requests200 - (before.get(pid)?.requests200 ?? 0)).sort((a, b) => b - a);
}

/**
 * The server's own view of a phase (arrival of the request to the end of the response, all workers): the share
 * answered within 20 ms and the histogram bucket holding the 99th percentile. The gap to the client's figures is
 * time spent before the server read the request (its loop busy or descheduled) or in the client.
 */
function serverLatency(before: Map<number, WorkerMetrics>, after: Map<number, WorkerMetrics>): { within20msPercent: number; p99BucketMs: string } {
  const counts = new Map<number, number>();
  for (const [pid, w] of after) {
    for (const [le, n] of w.latencyBuckets) counts.set(le, (counts.get(le) ?? 0) + n - (before.get(pid)?.latencyBuckets.get(le) ?? 0));
  }
  const bounds = [...counts.keys()].sort((a, b) => a - b);
  const total = counts.get(Infinity) ?? 0;
  const at99 = bounds.findIndex((le) => counts.get(le)! >= 0.99 * total);
  const ms = (le: number | undefined) => (le === undefined ? '0' : le === Infinity ? '+Inf' : String(Math.round(le * 1e4) / 10));
  return {
    within20msPercent: total ? Math.round(((counts.get(0.02) ?? 0) / total) * 1e4) / 100 : NaN,
    p99BucketMs: at99 < 0 ? '?' : `${ms(bounds[at99 - 1])}-${ms(bounds[at99])}`,
  };
}

/** Linux: CPU time counters of the whole machine (/proc/stat), to tell how much a hypervisor took (steal). */
function cpuTimes(): { total: number; steal: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: f.reduce((a, b) => a + b, 0), steal: f[7] ?? 0 };
  } catch {
    return null;
  }
}

async function phase(name: string, url: string, targetRate: number | null, load: () => Promise<LoadResult>): Promise<PhaseSummary> {
  const before = await scrapeAll(url);
  const cpu0 = cpuTimes();
  const started = Date.now();
  const result = await load();
  const elapsed = (Date.now() - started) / 1000;
  const cpu1 = cpuTimes();
  const after = await scrapeAll(url);
  return report({
    name,
    server: serverLatency(before, after),
    stealPercent: cpu0 && cpu1 && cpu1.total > cpu0.total ? Math.round(((cpu1.steal - cpu0.steal) / (cpu1.total - cpu0.total)) * 1000) / 10 : null,
    gcPauseSecondsPerWorker: (sum(after, 'gcSeconds') - sum(before, 'gcSeconds')) / WORKERS,
    serverCpuMsPerRequest: Math.round(((sum(after, 'cpuSeconds') - sum(before, 'cpuSeconds')) / Math.max(1, result.requests)) * 1e6) / 1e3,
    seconds: elapsed,
    targetRate,
    requests: result.requests,
    requestsPerSecond: result.requestsPerSecond,
    tokensPerSecond: Math.round((sum(after, 'tokens') - sum(before, 'tokens')) / elapsed),
    latencyMs: result.latencyMs,
    errors: result.errors,
    timeouts: result.timeouts,
    errorSamples: result.errorSamples,
    non2xx: result.non2xx,
    connections: result.connections,
    requestsPerWorker: split(before, after),
    clientCpuCores: result.clientCpuCores,
    clientSendLagMs: result.sendLagMs ?? null,
  });
}

interface PhaseSummary {
  name: string;
  /** Latency as the server measured it (see serverLatency). */
  server: { within20msPercent: number; p99BucketMs: string };
  /** Share of the machine's CPU time the hypervisor gave to others during the phase (null off Linux). */
  stealPercent: number | null;
  /** GC pause time during the phase, mean per worker. */
  gcPauseSecondsPerWorker: number;
  /** Worker CPU per request answered: compares phases (an open loop wakes a worker per request) and runs (host speed). */
  serverCpuMsPerRequest: number;
  /** Paced phase: the client's own share of the latency (scheduled start to bytes on the socket). */
  clientSendLagMs: { p90: number; p99: number } | null;
  seconds: number;
  targetRate: number | null;
  requests: number;
  requestsPerSecond: number;
  tokensPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  errorSamples: string[];
  non2xx: number;
  connections: number;
  /** 200 answers per worker, largest first: an uneven split overloads one worker long before saturation. */
  requestsPerWorker: number[];
  /** The load generator's own CPU use (it shares the cores with the server). */
  clientCpuCores: number;
}

function report(s: PhaseSummary): PhaseSummary {
  console.log(
    `${s.name}: ${s.requestsPerSecond.toFixed(0)} req/s, ${s.tokensPerSecond} tokens/s, p50 ${s.latencyMs.p50} ms, p90 ${s.latencyMs.p90} ms, p99 ${s.latencyMs.p99} ms (server: ${s.server.within20msPercent}% within 20 ms, p99 in ${s.server.p99BucketMs} ms), ` +
      `errors ${s.errors}, non-2xx ${s.non2xx}, timeouts ${s.timeouts}${s.errorSamples.length ? ` (${s.errorSamples.join('; ')})` : ''}, ` +
      `${s.connections} connections, requests per worker ${s.requestsPerWorker.join('/')}, GC pauses ${s.gcPauseSecondsPerWorker.toFixed(2)} s/worker, server CPU ${s.serverCpuMsPerRequest} ms/request, client ${s.clientCpuCores} cores` +
      (s.clientSendLagMs ? ` (send lag p99 ${s.clientSendLagMs.p99} ms)` : '') +
      (s.stealPercent === null ? '' : `, CPU steal ${s.stealPercent}%`),
  );
  return s;
}

function perWorker(m: Map<number, WorkerMetrics>) {
  return [...m.entries()].map(([pid, w]) => ({
    pid,
    rssMb: Math.round(w.rss / 1048576),
    tensors: w.tensors,
    eventLoopDelayP99Ms: Math.round(w.loopP99Ms * 10) / 10,
    eventLoopDelayMaxMs: Math.round(w.loopMaxMs * 10) / 10,
  }));
}

async function main(): Promise<void> {
  const texts = makeTexts(64, 200);
  const meanTokens = texts.reduce((s, t) => s + roughTokens(t), 0) / texts.length;
  console.log(`texts: ${texts.length} paragraphs, ~${meanTokens.toFixed(0)} tokens each; ${WORKERS} workers, ${CONNECTIONS} connections, ${DURATION} s per phase`);
  const stateDir = mkdtempSync(join(tmpdir(), 'window-ner-bench-'));
  const server = await startServer(stateDir);
  try {
    const client = new LoadClient(server.url);
    const requests = client.entityRequests(texts.map((text) => JSON.stringify({ text })));
    await client.closedLoop(requests, 5, CONNECTIONS); // warm-up: JIT, caches, the store's page cache
    const before = await scrapeAll(server.url);
    // Other processes on the machine skew every figure; record how busy it was.
    const loadBefore = loadavg()[0];
    const saturation = await phase('saturation (closed loop)', server.url, null, () => client.closedLoop(requests, DURATION, CONNECTIONS));
    const rate = Math.max(1, Math.round(saturation.requestsPerSecond / 2));
    const half = await phase('half saturation (paced, open loop)', server.url, rate, () => client.paced(requests, rate, DURATION));
    client.close();
    const after = await scrapeAll(server.url);
    const workersBefore = perWorker(before);
    const workersAfter = perWorker(after);
    const maxRss = Math.max(...workersAfter.map((w) => w.rssMb), ...workersBefore.map((w) => w.rssMb));
    const tensorsFlat = workersAfter.every((w) => w.tensors === workersBefore.find((b) => b.pid === w.pid)?.tensors);
    const errors = saturation.errors + saturation.non2xx + saturation.timeouts + half.errors + half.non2xx + half.timeouts;
    const checks = {
      zeroErrors: errors === TARGETS.errors,
      tokensPerSecond: saturation.tokensPerSecond >= TARGETS.tokensPerSecond,
      p99AtHalf: half.latencyMs.p99 <= TARGETS.p99AtHalfMs,
      rssPerWorker: maxRss <= TARGETS.rssMb,
      tensorsFlat,
    };
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAverage1m: { before: loadBefore, after: loadavg()[0] } },
      config: { serveArgs: values['serve-args'], model: values.model, embeddings: values.embeddings, workers: WORKERS, connections: CONNECTIONS, durationSeconds: DURATION, texts: texts.length, meanTokens: Math.round(meanTokens) },
      targets: TARGETS,
      phases: [saturation, half],
      workers: { before: workersBefore, after: workersAfter },
      checks,
    };
    writeFileSync(values.out!, JSON.stringify(results, null, 2) + '\n');
    console.log(`workers before: ${JSON.stringify(workersBefore)}\nworkers after:  ${JSON.stringify(workersAfter)}`);
    console.log(`load average (1 min) before/after: ${loadBefore.toFixed(2)} / ${loadavg()[0].toFixed(2)} on ${cpus().length} cores`);
    console.log(`checks: ${JSON.stringify(checks)}\nwrote ${values.out}`);
  } finally {
    const code = await server.stop();
    if (code !== 0) console.error(`server exited with code ${code} after SIGTERM`);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
