import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelHolder } from '../src/server/models/model-holder';
import { postJson, request } from './support/http-client';
import { RuleTagger } from './support/rule-tagger';
import { startTestServer, type TestServer } from './support/test-server';

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
    expect(text).toMatch(/^window_ner_http_request_duration_seconds_bucket\{route="\/v1\/entities",le="\+Inf"\} [1-9]/m);
    expect(text).toMatch(/^window_ner_tokens_tagged_total [1-9]/m);
    expect(text).toMatch(/^window_ner_model_info\{head="rules",labels="PER,LOC,ORG",version="rule-v1"\} 1$/m);
    expect(text).toMatch(/^window_ner_tf_tensors \d+$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
    expect(Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_delay_seconds\{quantile="0.99"\} [\d.e-]+$/m);
    expect(text).toContain('# TYPE nodejs_gc_pause_seconds_total counter');
  });

  it('/metrics is valid Prometheus text: every sample follows its HELP and TYPE lines', async () => {
    const text = (await request(srv.url, { path: '/metrics' })).text;
    const typed = new Map<string, string>();
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;
    for (const line of text.trimEnd().split('\n')) {
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

describe('request logs', () => {
  it('one JSON line per request with id, route, status, duration, texts, tokens and model', async () => {
    const { createLogger } = await import('../src/server/http/logger');
    const lines: string[] = [];
    const logged = await startTestServer({ logger: createLogger({ write: (l) => lines.push(l) }) });
    try {
      const res = await postJson(logged.url, '/v1/entities', { texts: ['Barack Obama', 'Paris'] });
      await request(logged.url, { path: '/nope' });
      await new Promise((r) => setTimeout(r, 50));
      const entries = lines.map((l) => JSON.parse(l));
      expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
      expect(entries.filter((e) => e.msg === 'request')).toEqual([
        expect.objectContaining({ level: 'info', method: 'POST', route: '/v1/entities', status: 200, texts: 2, tokens: 3, model: 'rule-v1', id: res.headers['x-request-id'] }),
        expect.objectContaining({ method: 'GET', path: '/nope', route: 'unmatched', status: 404 }),
      ]);
      expect(typeof entries[0].ms).toBe('number');
    } finally {
      await logged.shutdown(1000);
    }
  });
});
