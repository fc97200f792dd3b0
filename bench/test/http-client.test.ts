import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadClient } from '../http-client.js';

// A real loopback server: /healthz answers 200, POST /v1/entities answers 200 unless the body asks for 500.
let server: http.Server;
let url = '';
const seen = { posts: 0, healthz: 0, connections: 0 };
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      seen.healthz++;
      res.end('{"status":"ok"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.posts++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string };
      res.statusCode = body.text === 'fail' ? 500 : 200;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ entities: [], echo: body.text }));
    });
  });
  server.on('connection', () => seen.connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('LoadClient', () => {
  it('paced: sends rate x seconds requests on a warmed pool, counts statuses, reports latency and send lag', async () => {
    const client = new LoadClient(url);
    const requests = client.entityRequests(['{"text":"a"}', '{"text":"fail"}', '{"text":"b"}', '{"text":"c"}']);
    const before = { ...seen };
    const r = await client.paced(requests, 200, 1);
    client.close();
    expect(r.requests).toBe(200);
    expect(seen.posts - before.posts).toBe(200);
    expect(r.non2xx).toBe(50); // every fourth request asked for a 500
    expect(r.errors + r.timeouts).toBe(0);
    // The pool (rate x 100 ms = 20) is opened and warmed with /healthz before the clock starts, never during the run.
    expect(r.connections).toBe(20);
    expect(seen.connections - before.connections).toBe(20);
    expect(seen.healthz - before.healthz).toBe(20);
    expect(r.requestsPerSecond).toBeGreaterThan(120);
    expect(r.requestsPerSecond).toBeLessThan(260);
    expect(r.latencyMs.p50).toBeGreaterThan(0);
    expect(r.latencyMs.p50).toBeLessThanOrEqual(r.latencyMs.p99);
    expect(r.sendLagMs).toBeDefined();
    // The client's own delay is part of the latency it measures, never more than it.
    expect(r.sendLagMs!.p99).toBeLessThanOrEqual(r.latencyMs.max);
  });

  it('closed loop: each connection sends its next request when the last is answered; no send lag reported', async () => {
    const client = new LoadClient(url);
    const requests = client.entityRequests(['{"text":"a"}']);
    const r = await client.closedLoop(requests, 0.5, 4);
    client.close();
    expect(r.connections).toBe(4);
    expect(r.requests).toBeGreaterThan(20);
    expect(r.non2xx + r.errors + r.timeouts).toBe(0);
    expect(r.sendLagMs).toBeUndefined();
  });

  it('a refused connection is an error with a message, not a hang', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const client = new LoadClient(`http://127.0.0.1:${port}`);
    await expect(client.open(1)).rejects.toThrow(/ECONNREFUSED/);
    client.close();
  });
});
