/**
 * The server's own SQLite file: training jobs (with live progress, so any cluster worker can answer
 * GET /v1/jobs/:id) and published models with the one being served. WAL mode so cluster workers can read
 * while one writes; every multi-row change is a transaction so a crash leaves either the old or the new state.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ServerStore } from './server-store.js';

/** 'rejected': trained, but the publish gate kept the model out of service (the job's error says why). */
export type JobStatus = 'running' | 'succeeded' | 'rejected' | 'failed' | 'cancelled';

export interface JobRecord {
  id: string;
  status: JobStatus;
  request: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  error: string | null;
  pid: number;
  modelVersion: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface PublishedModel {
  version: string;
  path: string;
  jobId: string | null;
  metrics: Record<string, unknown>;
  createdAt: string;
  serving: boolean;
}

const JOBS_TABLE = (name: string) => `
CREATE TABLE ${name} (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'rejected', 'failed', 'cancelled')),
  request TEXT NOT NULL,
  progress TEXT,
  result TEXT,
  error TEXT,
  pid INTEGER NOT NULL,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  model_version TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS models (
  version TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  job_id TEXT,
  metrics TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS serving (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version TEXT NOT NULL REFERENCES models(version),
  updated_at TEXT NOT NULL
);
`;

interface JobRow {
  id: string;
  status: JobStatus;
  request: string;
  progress: string | null;
  result: string | null;
  error: string | null;
  pid: number;
  model_version: string | null;
  created_at: string;
  finished_at: string | null;
}

interface ModelRow {
  version: string;
  path: string;
  job_id: string | null;
  metrics: string;
  created_at: string;
  serving: number;
}

const json = (s: string | null) => (s === null ? null : (JSON.parse(s) as Record<string, unknown>));
const now = () => new Date().toISOString();

function toJob(r: JobRow): JobRecord {
  return {
    id: r.id,
    status: r.status,
    request: json(r.request) ?? {},
    progress: json(r.progress),
    result: json(r.result),
    error: r.error,
    pid: r.pid,
    modelVersion: r.model_version,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

function toModel(r: ModelRow): PublishedModel {
  return { version: r.version, path: r.path, jobId: r.job_id, metrics: json(r.metrics) ?? {}, createdAt: r.created_at, serving: r.serving === 1 };
}

/** Is a process with this pid alive? (signal 0 checks without signalling; EPERM means alive but not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The registry on one SQLite file (WAL), shared by the processes of one machine. */
export class ServerDb implements ServerStore {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // busy_timeout first: cluster workers open the file at the same moment, and switching to WAL takes a lock.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    this.migrate();
  }

  /** Changes since the first release of the schema, for databases created before them. */
  private migrate(): void {
    const jobsSql = (this.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").get() as { sql: string } | undefined)?.sql;
    if (!jobsSql) this.db.exec(JOBS_TABLE('jobs'));
    else if (!jobsSql.includes("'rejected'")) {
      // SQLite cannot change a CHECK constraint in place: copy into a table with the new one, in one transaction.
      this.db.transaction(() => {
        const old = (this.db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).map((c) => c.name).join(', ');
        this.db.exec(JOBS_TABLE('jobs_new'));
        this.db.exec(`INSERT INTO jobs_new (${old}) SELECT ${old} FROM jobs; DROP TABLE jobs; ALTER TABLE jobs_new RENAME TO jobs`);
      })();
    }
    const columns = (this.db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).map((c) => c.name);
    if (!columns.includes('cancel_requested')) this.db.exec('ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0');
  }

  close(): void {
    this.db.close();
  }

  /** Undefined when a job is running already: the check and the insert are one transaction. */
  insertJob(id: string, request: Record<string, unknown>): JobRecord | undefined {
    return this.db.transaction(() => {
      if (this.db.prepare("SELECT 1 FROM jobs WHERE status = 'running' LIMIT 1").get()) return undefined;
      this.db
        .prepare('INSERT INTO jobs (id, status, request, pid, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, 'running', JSON.stringify(request), process.pid, now());
      return this.getJob(id) as JobRecord;
    })();
  }

  getJob(id: string): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  runningJobs(): JobRecord[] {
    return (this.db.prepare("SELECT * FROM jobs WHERE status = 'running' ORDER BY created_at").all() as JobRow[]).map(toJob);
  }

  updateProgress(id: string, progress: Record<string, unknown>): void {
    this.db.prepare("UPDATE jobs SET progress = ? WHERE id = ? AND status = 'running'").run(JSON.stringify(progress), id);
  }

  /** Ask the process running a job to cancel it (it may be another cluster worker; it polls this flag). */
  requestCancel(id: string): void {
    this.db.prepare("UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND status = 'running'").run(id);
  }

  cancelRequested(id: string): boolean {
    const row = this.db.prepare('SELECT cancel_requested FROM jobs WHERE id = ?').get(id) as { cancel_requested: number } | undefined;
    return row?.cancel_requested === 1;
  }

  finishJob(id: string, status: Exclude<JobStatus, 'running'>, fields: { error?: string; result?: Record<string, unknown> } = {}): void {
    this.db
      .prepare("UPDATE jobs SET status = ?, error = ?, result = ?, finished_at = ? WHERE id = ? AND status = 'running'")
      .run(status, fields.error ?? null, fields.result ? JSON.stringify(fields.result) : null, now(), id);
  }

  /**
   * Jobs whose process died (kill -9, crash, power loss) stay 'running' forever unless someone notices:
   * mark every running job whose owner process is gone as failed. Returns the ids it failed.
   */
  failOrphanedJobs(): string[] {
    const orphans = this.runningJobs().filter((j) => j.pid !== process.pid && !alive(j.pid));
    const fail = this.db.transaction((ids: string[]) => {
      for (const id of ids) this.finishJob(id, 'failed', { error: 'the server process running this job stopped before it finished' });
    });
    fail(orphans.map((j) => j.id));
    return orphans.map((j) => j.id);
  }

  /** Record a model, make it the served one and mark its job succeeded, all or nothing. */
  publishModel(model: { version: string; path: string; jobId: string | null; metrics: Record<string, unknown> }, jobResult?: Record<string, unknown>): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO models (version, path, job_id, metrics, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(model.version, model.path, model.jobId, JSON.stringify(model.metrics), now());
      this.db
        .prepare('INSERT INTO serving (id, version, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at')
        .run(model.version, now());
      if (model.jobId) {
        this.db
          .prepare("UPDATE jobs SET status = 'succeeded', model_version = ?, result = ?, finished_at = ? WHERE id = ?")
          .run(model.version, JSON.stringify(jobResult ?? {}), now(), model.jobId);
      }
    })();
  }

  /** The job ran to the end but the publish gate refused its model; `result` names the kept file. */
  rejectJob(id: string, reason: string, result: Record<string, unknown>): void {
    this.db
      .prepare("UPDATE jobs SET status = 'rejected', error = ?, result = ?, finished_at = ? WHERE id = ? AND status = 'running'")
      .run(reason, JSON.stringify(result), now(), id);
  }

  /** Serve a model already published (rollback or roll forward). Returns false if no such version. */
  activate(version: string): boolean {
    return this.db.transaction(() => {
      if (!this.getModel(version)) return false;
      this.db
        .prepare('INSERT INTO serving (id, version, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at')
        .run(version, now());
      return true;
    })();
  }

  getModel(version: string): PublishedModel | undefined {
    const row = this.db
      .prepare('SELECT m.*, (s.version IS NOT NULL) AS serving FROM models m LEFT JOIN serving s ON s.version = m.version WHERE m.version = ?')
      .get(version) as ModelRow | undefined;
    return row && toModel(row);
  }

  /**
   * Forget the oldest published models beyond `keep` (never the served one) and return them, so the caller can
   * delete their files after the rows are gone (a crash in between leaves files that removeOrphans deletes).
   */
  pruneModels(keep: number): PublishedModel[] {
    return this.db.transaction(() => {
      const all = this.listModels();
      const others = keep - (all.some((m) => m.serving) ? 1 : 0);
      const old = all.filter((m) => !m.serving).slice(Math.max(0, others));
      for (const m of old) this.db.prepare('DELETE FROM models WHERE version = ?').run(m.version);
      return old;
    })();
  }

  servingModel(): PublishedModel | undefined {
    const row = this.db
      .prepare('SELECT m.*, 1 AS serving FROM serving s JOIN models m ON m.version = s.version WHERE s.id = 1')
      .get() as ModelRow | undefined;
    return row && toModel(row);
  }

  /** The processes of one machine share its disk: the recorded path is the file. */
  localFile(model: PublishedModel): string {
    if (!existsSync(model.path)) throw new Error(`model ${model.version}: its file ${model.path} is missing`);
    return model.path;
  }

  listModels(): PublishedModel[] {
    const rows = this.db
      .prepare('SELECT m.*, (s.version IS NOT NULL) AS serving FROM models m LEFT JOIN serving s ON s.version = m.version ORDER BY m.created_at DESC')
      .all() as ModelRow[];
    return rows.map(toModel);
  }
}
