/**
 * A private redis-server (Debian's /usr/bin/redis-server, or $REDIS_SERVER) on a free loopback port with its own
 * temp dir: what the batch tests and `npm run bench:batch` run against, never a shared Redis. Append-only
 * persistence is on, so a restart on the same dir keeps the queue. Start-up and stop are bounded in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export interface RedisServer {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startRedis(opts: { port?: number; dir?: string; timeoutMs?: number } = {}): Promise<RedisServer> {
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'window-ner-redis-'));
  const proc = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`redis-server did not start in ${opts.timeoutMs ?? 10_000} ms: ${out.slice(-500)}`)), opts.timeoutMs ?? 10_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(e);
    };
    const early = (code: number | null) => fail(new Error(`redis-server exited with ${code}: ${out.slice(-500)}`));
    proc.once('error', fail);
    proc.once('exit', early);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (!out.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      proc.off('exit', early);
      proc.stdout!.off('data', onData);
      proc.stdout!.resume(); // keep draining its log so a full pipe never blocks it
      resolve();
    };
    proc.stdout!.on('data', onData);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    proc,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
