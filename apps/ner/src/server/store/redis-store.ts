/**
 * The registry in Redis (`serve --registry redis://…`): replicas on several machines share the published models,
 * the served version and the training jobs' records. Keys, all under `prefix`:
 *   models          hash    version -> JSON {version, sha256, bytes, file, jobId, metrics, createdAt}
 *   serving         string  the served version
 *   blob:<sha256>   string  a published model file's bytes (at most maxModelBytes): replicas share no disk
 *   job:<id>        hash    a job record's fields, plus its owner replica and the cancel flag
 *   jobs:running    set     running job ids: at most one, cluster-wide (insertJob checks and adds in one script)
 *   replica:<id>    string  with a TTL, refreshed by each live replica (its heartbeat)
 *   events          channel {"serving": version} after every publish and activate
 * A replica keeps its copies of model files in cacheDir as `<sha256>.sqlite`: fetched from blob:<sha256>,
 * verified by hash, written to a temp file and renamed into place, so a half-written model is never loaded.
 *
 * The pub/sub message makes replicas swap at once; the onServingChange listener also fires every pollMs while
 * connected and after a reconnect, so a missed message delays a swap by one poll at most. Commands fail at once
 * while Redis is away (no offline queue): the caller logs, tagging goes on with the loaded model.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../http/logger.js';
import type { JobRecord, JobStatus, PublishedModel, ServerStore } from './server-store.js';

export const DEFAULT_MAX_MODEL_BYTES = 256 * 1024 * 1024;
const DEFAULT_PREFIX = 'window-ner:registry:';
/** Finished job records expire after this long (a running one never does). */
const FINISHED_JOB_TTL_S = 30 * 24 * 3600;

export interface RedisStoreOptions {
  connection: RedisOptions;
  /** This replica's copies of model files (the server's models/ directory). */
  cacheDir: string;
  logger: Logger;
  /** Largest model file the registry takes (Redis strings stop at 512 MB; every replica holds a copy). */
  maxModelBytes?: number;
  prefix?: string;
  /** Heartbeat and fallback check period; a replica without a heartbeat for 3 periods is gone (default 3000). */
  pollMs?: number;
}

interface ModelEntry {
  version: string;
  sha256: string;
  bytes: number;
  file: string;
  jobId: string | null;
  metrics: Record<string, unknown>;
  createdAt: string;
}

const now = () => new Date().toISOString();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const CACHED = /^[0-9a-f]{64}\.sqlite$/;

/** Create a job unless one is running. KEYS: job, running set. ARGV: id, then field/value pairs. */
const INSERT_JOB = `
if redis.call('SCARD', KEYS[2]) > 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('SADD', KEYS[2], ARGV[1])
return 1`;

/**
 * Change a job only while it runs (the SQL store's "WHERE status = 'running'"). KEYS: job, running set.
 * ARGV: id if the change ends the job ('' if not), the finished record's TTL, then field/value pairs.
 */
const UPDATE_RUNNING = `
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
if ARGV[1] ~= '' then
  redis.call('SREM', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return 1`;

/** Serve a version only if it is published. KEYS: models, serving, events. ARGV: version, message. */
const ACTIVATE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('PUBLISH', KEYS[3], ARGV[2])
return 1`;

/** Forget versions (never the served one) and their bytes. KEYS: models, serving. ARGV: version, blob key, ... */
const PRUNE = `
local served = redis.call('GET', KEYS[2])
local removed = {}
for i = 1, #ARGV, 2 do
  if ARGV[i] ~= served and redis.call('HDEL', KEYS[1], ARGV[i]) == 1 then
    redis.call('DEL', ARGV[i + 1])
    table.insert(removed, ARGV[i])
  end
end
return removed`;

function toJob(h: Record<string, string>): JobRecord {
  const json = (s: string | undefined) => (s === undefined ? null : (JSON.parse(s) as Record<string, unknown>));
  return {
    id: h.id,
    status: h.status as JobStatus,
    request: json(h.request) ?? {},
    progress: json(h.progress),
    result: json(h.result),
    error: h.error ?? null,
    pid: Number(h.pid),
    modelVersion: h.modelVersion ?? null,
    createdAt: h.createdAt,
    finishedAt: h.finishedAt ?? null,
  };
}

/** Field/value pairs for HSET, leaving out what is unset (a record's null is a missing field). */
function fields(values: Record<string, string | Record<string, unknown> | undefined>): string[] {
  return Object.entries(values).flatMap(([k, v]) => (v === undefined ? [] : [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

export class RedisStore implements ServerStore {
  /** Names this process's jobs and heartbeat: unique per process start. */
  readonly replicaId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly prefix: string;
  private readonly maxModelBytes: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | null = null;
  private lost = false;
  private onChange: () => void = () => {};

  private constructor(
    private readonly client: Redis,
    private readonly sub: Redis,
    private readonly opts: RedisStoreOptions,
  ) {
    this.prefix = opts.prefix ?? DEFAULT_PREFIX;
    this.maxModelBytes = opts.maxModelBytes ?? DEFAULT_MAX_MODEL_BYTES;
    this.pollMs = opts.pollMs ?? 3000;
    mkdirSync(opts.cacheDir, { recursive: true });
  }

  /** Connect (rejects if Redis does not answer), subscribe, and start the heartbeat. */
  static async open(opts: RedisStoreOptions): Promise<RedisStore> {
    const options: RedisOptions = { ...opts.connection, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    const client = new Redis(options);
    const sub = new Redis({ ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
    const store = new RedisStore(client, sub, opts);
    try {
      await Promise.all([client.connect(), sub.connect()]);
      await sub.subscribe(store.key('events'));
    } catch (err) {
      client.disconnect();
      sub.disconnect();
      throw new Error(`cannot reach the registry at ${String(opts.connection.host)}:${String(opts.connection.port)}: ${(err as Error).message}`, { cause: err });
    }
    store.watch();
    await store.beat();
    return store;
  }

  /** Call `listener` when the served version may have changed (a message, a poll, a reconnect). */
  onServingChange(listener: () => void): void {
    this.onChange = listener;
  }

  private key(name: string): string {
    return this.prefix + name;
  }

  private watch(): void {
    const { logger } = this.opts;
    // Without a listener ioredis prints each reconnect failure to the console; the state changes are logged below.
    this.client.on('error', () => {});
    this.sub.on('error', () => {});
    this.client.on('close', () => {
      if (this.lost || this.timer === null) return;
      this.lost = true;
      logger.error('registry connection lost: serving the current model, publishing and training records wait for it');
    });
    this.client.on('ready', () => {
      if (!this.lost) return;
      this.lost = false;
      logger.info('registry connection restored');
      void this.beat();
      this.onChange();
    });
    this.sub.on('message', () => this.onChange());
    this.timer = setInterval(() => {
      if (this.lost) return;
      void this.beat();
      this.onChange();
    }, this.pollMs);
    this.timer.unref();
  }

  /** Refresh this replica's heartbeat, then fail the jobs of replicas whose heartbeat ran out. Never throws. */
  private async beat(): Promise<void> {
    try {
      await this.client.set(this.key(`replica:${this.replicaId}`), '1', 'PX', this.pollMs * 3);
      const failed = await this.failOrphanedJobs();
      if (failed.length) this.opts.logger.warn({ failedJobs: failed }, 'jobs of a replica that stopped were marked failed');
    } catch (err) {
      this.opts.logger.debug({ err }, 'registry heartbeat failed');
    }
  }

  get connected(): boolean {
    return !this.lost;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.client.del(this.key(`replica:${this.replicaId}`)).catch(() => undefined);
    this.client.disconnect();
    this.sub.disconnect();
  }

  // ---- jobs

  async insertJob(id: string, request: Record<string, unknown>): Promise<JobRecord | undefined> {
    const record = fields({ id, status: 'running', request, pid: String(process.pid), owner: this.replicaId, cancel: '0', createdAt: now() });
    const ok = await this.client.eval(INSERT_JOB, 2, this.key(`job:${id}`), this.key('jobs:running'), id, ...record);
    return ok === 1 ? this.getJob(id) : undefined;
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const h = await this.client.hgetall(this.key(`job:${id}`));
    return h.status ? toJob(h) : undefined;
  }

  async runningJobs(): Promise<JobRecord[]> {
    return (await this.runningRecords()).map(toJob);
  }

  private async runningRecords(): Promise<Record<string, string>[]> {
    const ids = await this.client.smembers(this.key('jobs:running'));
    const pipe = this.client.pipeline();
    for (const id of ids) pipe.hgetall(this.key(`job:${id}`));
    const rows = ((await pipe.exec()) ?? []).map(([err, h]) => (err ? {} : (h as Record<string, string>)));
    // A running id without a record (expired or deleted by hand) would hold the one-job limit forever.
    const stale = ids.filter((_, i) => rows[i].status !== 'running');
    if (stale.length) await this.client.srem(this.key('jobs:running'), ...stale);
    return rows.filter((h) => h.status === 'running').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  private async update(id: string, ends: boolean, values: Record<string, string | Record<string, unknown> | undefined>): Promise<void> {
    await this.client.eval(UPDATE_RUNNING, 2, this.key(`job:${id}`), this.key('jobs:running'), ends ? id : '', FINISHED_JOB_TTL_S, ...fields(values));
  }

  updateProgress(id: string, progress: Record<string, unknown>): Promise<void> {
    return this.update(id, false, { progress });
  }

  /** The owner replica polls the flag every second (JobService), wherever the DELETE arrived. */
  requestCancel(id: string): Promise<void> {
    return this.update(id, false, { cancel: '1' });
  }

  async cancelRequested(id: string): Promise<boolean> {
    return (await this.client.hget(this.key(`job:${id}`), 'cancel')) === '1';
  }

  finishJob(id: string, status: Exclude<JobStatus, 'running' | 'succeeded' | 'rejected'>, f: { error?: string; result?: Record<string, unknown> } = {}): Promise<void> {
    return this.update(id, true, { status, error: f.error, result: f.result, finishedAt: now() });
  }

  rejectJob(id: string, reason: string, result: Record<string, unknown>): Promise<void> {
    return this.update(id, true, { status: 'rejected', error: reason, result, finishedAt: now() });
  }

  /** Running jobs whose owner's heartbeat ran out (its process or machine is gone) are marked failed. */
  async failOrphanedJobs(): Promise<string[]> {
    const failed: string[] = [];
    for (const job of await this.runningRecords()) {
      if (job.owner === this.replicaId || (await this.client.exists(this.key(`replica:${job.owner}`)))) continue;
      await this.finishJob(job.id, 'failed', { error: 'the server process running this job stopped before it finished' });
      failed.push(job.id);
    }
    return failed;
  }

  // ---- models

  private toModel(e: ModelEntry, served: string | null): PublishedModel {
    return { version: e.version, path: join(this.opts.cacheDir, `${e.sha256}.sqlite`), jobId: e.jobId, metrics: e.metrics, createdAt: e.createdAt, serving: e.version === served };
  }

  /**
   * Upload the file's bytes (once per content), keep a copy under its hash in the cache, then in one MULTI record
   * it, serve it, mark its job succeeded and tell the other replicas.
   */
  async publishModel(model: { version: string; path: string; jobId: string | null; metrics: Record<string, unknown> }, jobResult?: Record<string, unknown>): Promise<void> {
    const size = statSync(model.path).size;
    if (size > this.maxModelBytes) {
      throw new Error(`model file is ${size} bytes, over the registry's limit of ${this.maxModelBytes} (serve --registry-max-model-mb)`);
    }
    const bytes = readFileSync(model.path);
    const hash = sha256(bytes);
    const blob = this.key(`blob:${hash}`);
    if (!(await this.client.exists(blob))) await this.client.set(blob, bytes);
    this.keepCopy(model.path, hash);
    const entry: ModelEntry = { version: model.version, sha256: hash, bytes: size, file: basename(model.path), jobId: model.jobId, metrics: model.metrics, createdAt: now() };
    const multi = this.client.multi().hset(this.key('models'), model.version, JSON.stringify(entry)).set(this.key('serving'), model.version);
    if (model.jobId) {
      const job = this.key(`job:${model.jobId}`);
      multi
        .hset(job, ...fields({ status: 'succeeded', modelVersion: model.version, result: jobResult ?? {}, finishedAt: now() }))
        .srem(this.key('jobs:running'), model.jobId)
        .expire(job, FINISHED_JOB_TTL_S);
    }
    multi.publish(this.key('events'), JSON.stringify({ serving: model.version }));
    const results = (await multi.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0] as Error;
  }

  /** The cache's copy of a file being published: a hard link when it can be (same disk), else a copy. */
  private keepCopy(path: string, hash: string): void {
    const target = join(this.opts.cacheDir, `${hash}.sqlite`);
    if (existsSync(target)) return;
    const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      try {
        linkSync(path, tmp);
      } catch {
        copyFileSync(path, tmp);
      }
      renameSync(tmp, target);
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  async activate(version: string): Promise<boolean> {
    const ok = await this.client.eval(ACTIVATE, 3, this.key('models'), this.key('serving'), this.key('events'), version, JSON.stringify({ serving: version }));
    return ok === 1;
  }

  private async entries(): Promise<{ all: ModelEntry[]; served: string | null }> {
    const [[, all], [, served]] = ((await this.client.multi().hgetall(this.key('models')).get(this.key('serving')).exec()) ?? []) as [unknown, unknown][];
    const list = Object.values(all as Record<string, string>).map((s) => JSON.parse(s) as ModelEntry);
    list.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { all: list, served: served as string | null };
  }

  async getModel(version: string): Promise<PublishedModel | undefined> {
    const [[, entry], [, served]] = ((await this.client.multi().hget(this.key('models'), version).get(this.key('serving')).exec()) ?? []) as [unknown, unknown][];
    return entry ? this.toModel(JSON.parse(entry as string) as ModelEntry, served as string | null) : undefined;
  }

  async servingModel(): Promise<PublishedModel | undefined> {
    const served = await this.client.get(this.key('serving'));
    return served ? this.getModel(served) : undefined;
  }

  async listModels(): Promise<PublishedModel[]> {
    const { all, served } = await this.entries();
    return all.map((e) => this.toModel(e, served));
  }

  async pruneModels(keep: number): Promise<PublishedModel[]> {
    const { all, served } = await this.entries();
    const others = keep - (all.some((e) => e.version === served) ? 1 : 0);
    const old = all.filter((e) => e.version !== served).slice(Math.max(0, others));
    if (!old.length) return [];
    const args = old.flatMap((e) => [e.version, this.key(`blob:${e.sha256}`)]);
    const removed = new Set((await this.client.eval(PRUNE, 2, this.key('models'), this.key('serving'), ...args)) as string[]);
    return old.filter((e) => removed.has(e.version)).map((e) => this.toModel(e, served));
  }

  /** The cached copy, or the bytes fetched from the registry, verified by hash and renamed into place. */
  async localFile(model: PublishedModel): Promise<string> {
    if (existsSync(model.path)) return model.path;
    const hash = basename(model.path, '.sqlite');
    const bytes = await this.client.getBuffer(this.key(`blob:${hash}`));
    if (!bytes) throw new Error(`model ${model.version}: the registry has no bytes for it (blob:${hash.slice(0, 16)}…)`);
    const got = sha256(bytes);
    if (got !== hash) throw new Error(`model ${model.version}: the registry's bytes have sha256 ${got.slice(0, 16)}…, not ${hash.slice(0, 16)}…; not loaded`);
    const tmp = `${model.path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, bytes);
      renameSync(tmp, model.path);
    } finally {
      rmSync(tmp, { force: true });
    }
    await this.pruneCache();
    return model.path;
  }

  /** Delete cached copies of versions the registry forgot (another replica pruned them). */
  private async pruneCache(): Promise<void> {
    const known = new Set((await this.entries()).all.map((e) => `${e.sha256}.sqlite`));
    for (const name of readdirSync(this.opts.cacheDir)) if (CACHED.test(name) && !known.has(name)) rmSync(join(this.opts.cacheDir, name), { force: true });
  }
}
