/**
 * The Redis address flags (`--queue`, `--registry`): a redis:// URL turned into ioredis options.
 * `maxRetriesPerRequest: null` is what BullMQ workers require: commands wait for a reconnect instead of failing,
 * so a Redis restart pauses a batch rather than ending it.
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/** ioredis options that name their address (for messages). */
export type RedisConnection = ConnectionOptions & { host: string; port: number };

export function redisConnection(url: string, flag = 'queue'): RedisConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`--${flag}: expected redis://HOST:PORT, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RangeError(`--${flag}: expected a redis:// or rediss:// URL, got "${url}"`);
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new RangeError(`--${flag}: database "${parsed.pathname.slice(1)}" in "${url}" is not a number`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/**
 * One PING without retries, so a wrong address fails at start with a clear message; once running, the
 * clients wait out outages instead.
 */
export async function checkRedis(connection: RedisConnection, timeoutMs: number): Promise<void> {
  const client = new Redis({ ...(connection as RedisOptions), lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  let cause = '';
  client.on('error', (e: Error) => (cause ||= e.message)); // the socket's error says more than the rejection
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new RangeError(`cannot reach Redis at ${connection.host}:${connection.port}: ${cause || (e as Error).message}`);
  } finally {
    client.disconnect();
  }
}
