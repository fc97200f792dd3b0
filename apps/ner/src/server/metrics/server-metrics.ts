/**
 * The metrics /metrics exposes, on prom-client: its default process and Node.js metrics (CPU, RSS, heap, event-loop
 * lag, GC durations by kind) plus ours: requests by route and status, latency, tagging volume, the backend and
 * model in use, and live tfjs tensors (the load benchmark reads RSS and tensors to check for leaks).
 *
 * One registry per app, not prom-client's global one, so tests can run several apps in one process. Labels are
 * few and bounded (route pattern, method, status): a series lookup stays cheap on the request path.
 */
import { backendInfo, tf } from '@window-ner/tensor';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ModelHolder } from '../models/model-holder.js';

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  latency: Histogram<'route'>;
  tokens: Counter;
  texts: Counter;
  entities: Counter;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A gauge whose value is read at scrape time (so memory or tensor counts are always current). */
function readGauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
}

/** An "info" gauge: value 1 with the labels of what is in use; no series while there is nothing. */
function infoGauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[], read: () => Record<L, string> | undefined): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      const labels = read();
      if (labels) this.set(labels as Partial<Record<L, string>>, 1);
    },
  });
}

export function createServerMetrics(models: ModelHolder, extra: { jobsRunning?: () => number } = {}): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({ name: 'window_ner_http_requests_total', help: 'HTTP requests answered, by route, method and status.', labelNames: ['method', 'route', 'status'] as const, registers });
  const latency = new Histogram({
    name: 'window_ner_http_request_duration_seconds',
    help: 'Time from request arrival to response end, by route.',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const tokens = new Counter({ name: 'window_ner_tokens_tagged_total', help: 'Tokens tagged by /v1/entities.', registers });
  const texts = new Counter({ name: 'window_ner_texts_tagged_total', help: 'Texts tagged by /v1/entities.', registers });
  const entities = new Counter({ name: 'window_ner_entities_found_total', help: 'Entities returned by /v1/entities.', registers });

  infoGauge(registry, 'window_ner_model_info', 'The model being served (value 1); the version is a content hash.', ['head', 'labels', 'version'], () => {
    const info = models.info;
    return info ? { head: info.head, labels: info.types.join(','), version: info.version } : undefined;
  });
  infoGauge(registry, 'window_ner_backend_info', 'The tensor backend in use (value 1).', ['backend', 'tf_backend'], () => {
    const info = backendInfo();
    return info ? { backend: info.name, tf_backend: info.tfBackend } : undefined;
  });
  new Counter({
    name: 'window_ner_model_swaps_total',
    help: 'Models swapped in since start.',
    registers,
    collect() {
      this.reset();
      this.inc(models.swapCount);
    },
  });
  readGauge(registry, 'window_ner_tf_tensors', 'Live tfjs tensors in this process (flat under load = no leak).', () => tf.memory().numTensors);
  readGauge(registry, 'window_ner_tf_bytes', 'Bytes held by live tfjs tensors in this process.', () => tf.memory().numBytes);
  readGauge(registry, 'window_ner_process_id', 'PID of the process that answered this scrape (one per cluster worker).', () => process.pid);
  const { jobsRunning } = extra;
  if (jobsRunning) readGauge(registry, 'window_ner_training_jobs_running', 'Training jobs running in this process.', jobsRunning);
  return { registry, requests, latency, tokens, texts, entities };
}
