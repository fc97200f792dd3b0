/**
 * The metrics /metrics exposes: requests by route and status, latency, tagging volume, the backend and model in
 * use, and process health figures (RSS, live tfjs tensors) that the load benchmark reads to check for leaks.
 */
import { monitorEventLoopDelay, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { backendInfo, tf } from '@window-ner/tensor';
import type { ModelHolder } from '../models/model-holder';
import { Counter, Gauge, Histogram, MetricsRegistry } from './registry';

export interface ServerMetrics {
  registry: MetricsRegistry;
  requests: Counter;
  latency: Histogram;
  tokens: Counter;
  texts: Counter;
  entities: Counter;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createServerMetrics(models: ModelHolder, extra: { jobsRunning?: () => number } = {}): ServerMetrics {
  const registry = new MetricsRegistry();
  const requests = registry.add(new Counter('window_ner_http_requests_total', 'HTTP requests answered, by route, method and status.'));
  const latency = registry.add(
    new Histogram('window_ner_http_request_duration_seconds', 'Time from request arrival to response end, by route.', LATENCY_BUCKETS),
  );
  const tokens = registry.add(new Counter('window_ner_tokens_tagged_total', 'Tokens tagged by /v1/entities.'));
  const texts = registry.add(new Counter('window_ner_texts_tagged_total', 'Texts tagged by /v1/entities.'));
  const entities = registry.add(new Counter('window_ner_entities_found_total', 'Entities returned by /v1/entities.'));
  registry.add(
    new Gauge('window_ner_model_info', 'The model being served (value 1); the version is a content hash.', () => {
      const info = models.info;
      return info ? [{ labels: { version: info.version, head: info.head, labels: info.types.join(',') }, value: 1 }] : [];
    }),
  );
  registry.add(new Gauge('window_ner_model_swaps_total', 'Models swapped in since start.', () => [{ value: models.swapCount }], 'counter'));
  registry.add(
    new Gauge('window_ner_backend_info', 'The tensor backend in use (value 1).', () => {
      const info = backendInfo();
      return info ? [{ labels: { backend: info.name, tf_backend: info.tfBackend }, value: 1 }] : [];
    }),
  );
  registry.add(new Gauge('window_ner_tf_tensors', 'Live tfjs tensors in this process (flat under load = no leak).', () => [{ value: tf.memory().numTensors }]));
  registry.add(new Gauge('window_ner_tf_bytes', 'Bytes held by live tfjs tensors in this process.', () => [{ value: tf.memory().numBytes }]));
  registry.add(
    new Gauge('process_resident_memory_bytes', 'Resident set size of this process.', () => [{ value: process.memoryUsage.rss() }]),
  );
  registry.add(
    new Gauge(
      'process_cpu_seconds_total',
      'CPU time (user + system) this process has used since start.',
      () => {
        const { user, system } = process.cpuUsage();
        return [{ value: (user + system) / 1e6 }];
      },
      'counter',
    ),
  );
  registry.add(new Gauge('nodejs_heap_used_bytes', 'V8 heap in use.', () => [{ value: process.memoryUsage().heapUsed }]));
  registry.add(new Gauge('window_ner_process_id', 'PID of the process that answered this scrape (one per cluster worker).', () => [{ value: process.pid }]));
  addRuntimeMetrics(registry);
  if (extra.jobsRunning) {
    const jobsRunning = extra.jobsRunning;
    registry.add(new Gauge('window_ner_training_jobs_running', 'Training jobs running in this process.', () => [{ value: jobsRunning() }]));
  }
  return { registry, requests, latency, tokens, texts, entities };
}

/** GC kinds as node:perf_hooks reports them (entry.detail.kind). */
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

/**
 * Event-loop delay and GC pauses: they tell a slow server (a long GC, a blocking task) from a busy machine when
 * latency tails grow. One monitor per process, shared by every app created in it.
 */
let runtime: { delay: ReturnType<typeof monitorEventLoopDelay>; gcSeconds: Map<string, number> } | null = null;

function addRuntimeMetrics(registry: MetricsRegistry): void {
  if (!runtime) {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const gcSeconds = new Map<string, number>();
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = GC_KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
        gcSeconds.set(kind, (gcSeconds.get(kind) ?? 0) + e.duration / 1000);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    runtime = { delay, gcSeconds };
  }
  const { delay, gcSeconds } = runtime;
  registry.add(
    new Gauge('nodejs_eventloop_delay_seconds', 'Event-loop delay since start (10 ms resolution), by quantile.', () =>
      [0.5, 0.99, 1].map((q) => ({ labels: { quantile: q === 1 ? 'max' : String(q) }, value: (q === 1 ? delay.max : delay.percentile(q * 100)) / 1e9 })),
    ),
  );
  registry.add(
    new Gauge('nodejs_gc_pause_seconds_total', 'Time spent in GC pauses since start, by kind.', () =>
      [...gcSeconds.entries()].map(([kind, value]) => ({ labels: { kind }, value })),
      'counter',
    ),
  );
}
