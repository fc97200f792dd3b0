import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createExpressServer } from '../src/server/http/express-server.js';
import { request } from './support/http-client.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(app: Express): Promise<{ server: http.Server; url: string }> {
  const server = createExpressServer(app).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('createExpressServer', () => {
  it('constructs requests and responses with the app prototypes, so Express has nothing to re-parent', async () => {
    const app = express();
    app.get('/where', (req, res) => void res.status(201).json({ path: req.path, host: req.get('host'), sameApp: req.app === app }));
    const { server, url } = await serve(app);
    const atArrival: boolean[] = [];
    // Runs before Express's handler sees the request: what Node constructed.
    server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      atArrival.push(Object.getPrototypeOf(req) === app.request, Object.getPrototypeOf(res) === app.response);
    });

    const res = await request(url, { path: '/where?x=1' });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json).toEqual({ path: '/where', host: url.slice('http://'.length), sameApp: true });
    expect(atArrival).toEqual([true, true]);
  });

  it('keeps the chain to Node and Express: instanceof, Express methods, and one app per server', async () => {
    const a = express();
    const b = express();
    for (const [name, app] of [['a', a], ['b', b]] as const) {
      app.get('/', (req, res) => {
        res.json({ name, sameApp: req.app === app, isIncoming: req instanceof (Object.getPrototypeOf(express.request).constructor as typeof http.IncomingMessage) });
      });
    }
    const [sa, sb] = [await serve(a), await serve(b)];
    expect((await request(sa.url, { path: '/' })).json).toEqual({ name: 'a', sameApp: true, isIncoming: true });
    expect((await request(sb.url, { path: '/' })).json).toEqual({ name: 'b', sameApp: true, isIncoming: true });
    expect(Object.getPrototypeOf(Object.getPrototypeOf(a.request))).toBe(express.request);
  });
});
