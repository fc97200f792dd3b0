/**
 * Listening and graceful shutdown. shutdown(): readiness turns false, the listening socket closes (new
 * connections are refused), idle keep-alive connections close, in-flight requests finish (their connections
 * close after the response), and only after `graceMs` are stragglers cut off.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreatedApp } from '../app.js';
import { createExpressServer } from '../http/express-server.js';

const KEEP_ALIVE_MS = 65_000;

export interface ListenOptions {
  port: number;
  host: string;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Resolves when every connection is closed; `forced` says whether the grace period ran out. */
  shutdown(graceMs?: number): Promise<{ forced: boolean }>;
}

export async function listen(created: CreatedApp, opts: ListenOptions): Promise<RunningServer> {
  const server = createExpressServer(created.app).listen(opts.port, opts.host);
  await once(server, 'listening');
  // Slow uploads must not outlive the per-request limit (the app answers 503 at the limit; this is the backstop).
  server.requestTimeout = created.limits.requestTimeoutMs + 5_000;
  // Idle keep-alive connections live longer than clients and proxies keep theirs (60 s is the common proxy idle
  // timeout): when the server closes first, a client reusing the socket at that moment gets ECONNRESET.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closing: Promise<{ forced: boolean }> | null = null;

  const shutdown = (graceMs = 10_000) => {
    closing ??= new Promise((resolve) => {
      created.state.shuttingDown = true;
      let forced = false;
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = setTimeout(() => {
        forced = true;
        server.closeAllConnections();
      }, graceMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
        resolve({ forced });
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return { server, url: `http://${host}:${port}`, port, shutdown };
}
