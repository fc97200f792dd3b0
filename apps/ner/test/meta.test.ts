import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelHolder } from '../src/server/models/model-holder.js';
import { postJson, request } from './support/http-client.js';
import { RuleTagger } from './support/rule-tagger.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.shutdown(1000);
});

describe('health, readiness, models, metrics', () => {
  it('/healthz is ok and /readyz is ready with a model loaded', async () => {
    expect((await request(srv.url, { path: '/healthz' })).json).toEqual({ status: 'ok' });
    const ready = await request(srv.url, { path: '/readyz' });
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready', checks: { model: true, accepting: true } });
  });

  it('before a model is loaded: /readyz 503, /v1/entities 503 not_ready, /healthz still ok', async () => {
    const empty = await startTestServer({ tagger: null, models: new ModelHolder() });
    try {
      expect((await request(empty.url, { path: '/readyz' })).status).toBe(503);
      const tag = await postJson(empty.url, '/v1/entities', { text: 'Berlin' });
      expect(tag.status).toBe(503);
      expect(tag.json).toMatchObject({ error: { code: 'not_ready' } });
      expect((await request(empty.url, { path: '/healthz' })).status).toBe(200);
    } finally {
      await empty.shutdown(1000);
    }
  });

  it('/v1/models describes the served model without server paths', async () => {
    const res = await request(srv.url, { path: '/v1/models' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ serving: { version: 'rule-v1', file: 'rule-v1.sqlite', types: ['PER', 'LOC', 'ORG'] }, published: [] });
    // The rule tagger's provenance names an absolute path; clients see only the file name.
    expect((res.json as { serving: { provenance: unknown } }).serving.provenance).toEqual({ source: 'test gazetteer', train: { path: 'train.conll', sentences: 3 } });
  });

  it('/metrics counts requests by route and status, tokens, model and process figures', async () => {
    await postJson(srv.url, '/v1/entities', { text: 'Ada Lovelace in London' });
    await request(srv.url, { path: '/nope/12345' });
    const text = (await request(srv.url, { path: '/metrics' })).text;
    expect(text).toMatch(/^window_ner_http_requests_total\{method="POST",route="\/v1\/entities",status="200"\} [1-9]/m);
    // Unmatched URLs share one label, so random paths cannot blow up the series count.
    expect(text).toMatch(/route="unmatched",status="404"/);
    expect(text).not.toContain('12345');
    expect(text).toMatch(/^window_ner_http_request_duration_seconds_bucket\{le="\+Inf",route="\/v1\/entities"\} [1-9]/m);
    expect(text).toMatch(/^window_ner_tokens_tagged_total [1-9]/m);
    expect(text).toMatch(/^window_ner_model_info\{head="rules",labels="PER,LOC,ORG",version="rule-v1"\} 1$/m);
    expect(text).toMatch(/^window_ner_tf_tensors \d+$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
    expect(Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    // prom-client's default metrics: event-loop lag, GC durations by kind, heap.
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds [\d.e-]+$/m);
    expect(text).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    expect(text).toMatch(/^nodejs_heap_size_used_bytes [1-9]\d*$/m);
  });

  it('/metrics is valid Prometheus text: every sample follows its HELP and TYPE lines', async () => {
    const text = (await request(srv.url, { path: '/metrics' })).text;
    const typed = new Map<string, string>();
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.e+-]+|NaN|Nan|[+-]Inf)$/;
    for (const line of text.trimEnd().split('\n')) {
      if (line === '') continue; // the format allows blank lines between families
      const meta = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line);
      if (meta) {
        if (meta[1] === 'TYPE') typed.set(meta[2], meta[3]);
        continue;
      }
      const m = sample.exec(line);
      expect(m, line).not.toBeNull();
      const family = m![1].replace(/_(bucket|sum|count)$/, '');
      expect(typed.has(m![1]) || typed.get(family) === 'histogram', `TYPE before ${line}`).toBe(true);
    }
    expect(text.endsWith('\n')).toBe(true);
    // prom-client writes NaN as "Nan" (a figure with no samples yet); Prometheus parses floats case-insensitively.
  });
});

describe('ModelHolder', () => {
  it('swaps: new leases get the new tagger, the old one is disposed after its last lease', () => {
    const holder = new ModelHolder();
    const a = new RuleTagger({ version: 'a' });
    const b = new RuleTagger({ version: 'b' });
    holder.install(a);
    const lease = holder.acquire()!;
    holder.install(b);
    expect(holder.info?.version).toBe('b');
    expect(a.disposed).toBe(false);
    expect(lease.tagger.tag(['Berlin'])[0][0].label).toBe('LOC');
    lease.release();
    lease.release();
    expect(a.disposed).toBe(true);
    expect(b.disposed).toBe(false);
    expect(holder.swapCount).toBe(1);
    holder.close();
    expect(b.disposed).toBe(true);
    expect(holder.acquire()).toBeNull();
  });
});

describe('time limit', () => {
  it('answers 503 timeout when the body does not arrive in time, and keeps serving', async () => {
    const slow = await startTestServer({ limits: { requestTimeoutMs: 150 } });
    try {
      // Promise a 100-byte body, send 10 bytes, then stall.
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        import('node:http').then(({ default: http }) => {
          const req = http.request(`${slow.url}/v1/entities`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 100 } }, (r) => {
            let body = '';
            r.on('data', (c) => (body += c));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.write('{"text": "');
        }, reject);
      });
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'timeout' } });
      expect((await postJson(slow.url, '/v1/entities', { text: 'Berlin' })).status).toBe(200);
    } finally {
      await slow.shutdown(1000);
    }
  });
});

/** A pino logger that keeps its lines in memory, parsed; `raw` keeps the text to check nothing secret was written. */
async function memoryLogger() {
  const { createLogger } = await import('../src/server/http/logger.js');
  const raw: string[] = [];
  const logger = createLogger({ destination: { write: (line: string) => void raw.push(line) } });
  const entries = () => raw.map((l) => JSON.parse(l) as Record<string, any>);
  return { logger, raw, entries };
}

/** Waits (bounded) until a log line matches. */
async function lineMatching(entries: () => Record<string, any>[], match: (e: Record<string, any>) => boolean) {
  for (let i = 0; i < 100; i++) {
    const found = entries().find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line matched; lines: ${JSON.stringify(entries().slice(-3))}`);
}

describe('request logs (pino-http)', () => {
  it('one JSON line per request: id, route, status sent, response time, texts, tokens, model; Authorization redacted', async () => {
    const { logger, raw, entries } = await memoryLogger();
    const logged = await startTestServer({ logger, adminToken: 'sup3r-s3cret' });
    try {
      const res = await postJson(logged.url, '/v1/entities', { texts: ['Barack Obama', 'Paris'] });
      await request(logged.url, { path: '/nope' });
      await request(logged.url, { path: '/v1/jobs/x', headers: { authorization: 'Bearer sup3r-s3cret', cookie: 'session=c00kie' } });
      await lineMatching(entries, (e) => e.req?.url === '/v1/jobs/x');
      expect(raw.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
      const requests = entries().filter((e) => e.req);
      expect(requests[0]).toMatchObject({
        level: 'info',
        msg: 'request completed',
        req: { id: res.headers['x-request-id'], method: 'POST', url: '/v1/entities' },
        res: { statusCode: 200 },
        route: '/v1/entities',
        texts: 2,
        tokens: 3,
        model: 'rule-v1',
      });
      expect(typeof requests[0].responseTime).toBe('number');
      expect(typeof requests[0].time).toBe('string');
      expect(requests[1]).toMatchObject({ req: { method: 'GET', url: '/nope' }, route: 'unmatched', res: { statusCode: 404 } });
      expect(requests[2]).toMatchObject({ req: { headers: { authorization: '[redacted]', cookie: '[redacted]' } }, res: { statusCode: 404 } });
      expect(raw.join('')).not.toMatch(/sup3r-s3cret|c00kie/);
    } finally {
      await logged.shutdown(1000);
    }
  });

  it('logs the status actually sent: 503 when the time limit answered, none for a client that went away', async () => {
    const { logger, entries } = await memoryLogger();
    const logged = await startTestServer({ logger, limits: { requestTimeoutMs: 150 } });
    try {
      const { default: http } = await import('node:http');
      // Aborted: promise a 100-byte body, send 10 bytes, hang up before any answer.
      const aborted = http.request(`${logged.url}/v1/entities`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 100 } });
      aborted.on('error', () => undefined);
      aborted.write('{"text": "');
      await new Promise((r) => setTimeout(r, 50));
      aborted.destroy();
      const gone = await lineMatching(entries, (e) => e.msg === 'request aborted');
      expect(gone).toMatchObject({ level: 'warn', req: { method: 'POST', url: '/v1/entities' }, res: { statusCode: null } });
      // Timed out: the same stalled upload, kept open; the 503 the server sent is the status logged.
      const stalled = http.request(`${logged.url}/v1/entities`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 100 } });
      stalled.on('error', () => undefined);
      const status = new Promise<number>((resolve) => stalled.on('response', (r) => resolve(r.statusCode ?? 0)));
      stalled.write('{"text": "');
      expect(await status).toBe(503);
      stalled.destroy();
      const timedOut = await lineMatching(entries, (e) => e.res?.statusCode === 503);
      expect(timedOut).toMatchObject({ level: 'error', req: { url: '/v1/entities' } });
    } finally {
      await logged.shutdown(1000);
    }
  });

  it('errors only (serve --quiet): no line for a request that went well, a line for one that failed', async () => {
    const { logger, entries } = await memoryLogger();
    const logged = await startTestServer({ logger, logErrorsOnly: true, limits: { requestTimeoutMs: 150 } });
    try {
      expect((await postJson(logged.url, '/v1/entities', { text: 'Paris' })).status).toBe(200);
      expect((await request(logged.url, { path: '/nope' })).status).toBe(404);
      const { default: http } = await import('node:http');
      const stalled = http.request(`${logged.url}/v1/entities`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 100 } });
      stalled.on('error', () => undefined);
      stalled.write('{');
      await lineMatching(entries, (e) => e.res?.statusCode === 503);
      stalled.destroy();
      expect(entries().filter((e) => e.req).map((e) => e.res.statusCode)).toEqual([503]);
    } finally {
      await logged.shutdown(1000);
    }
  });
});
