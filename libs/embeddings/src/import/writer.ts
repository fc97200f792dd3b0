/**
 * Writes a new store atomically: everything goes into a temp file beside the target (journal and fsync off —
 * the temp file is worthless until renamed), then meta is written, the file switched to WAL for readers,
 * fsynced, and renamed over the target. A crash at any point leaves the previous target as it was.
 */
import Database from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EmbeddingImportError } from './errors.js';
import { CREATE_SCHEMA, metaToRows, SCHEMA_VERSION, type StoreMeta } from '../store/schema.js';
import { vectorToBlob } from '../store/vector-bytes.js';

export interface WriterOptions {
  out: string;
  source: string;
  format: string;
  normalisation: 'none' | 'l2';
  /** 'replace' builds a fresh store; 'merge' starts from a copy of the existing one (same dim required). */
  mode: 'replace' | 'merge';
  /** Rows per transaction. */
  batchSize?: number;
}

export class StoreWriter {
  readonly tempPath: string;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, Buffer]>;
  private readonly batchSize: number;
  /** Rows inserted since the open transaction began (rows go straight to SQLite: nothing is buffered in JS). */
  private inTransaction = 0;
  private dimension: number | undefined;
  /** Rows inserted by this import (a word seen twice counts once: the first one wins). */
  inserted = 0;
  duplicates = 0;
  private closed = false;

  constructor(private readonly opts: WriterOptions) {
    removeStaleTemps(opts.out);
    this.tempPath = `${opts.out}.tmp-${process.pid}-${Date.now().toString(36)}`;
    if (opts.mode === 'merge' && existsSync(opts.out)) copyFileSync(opts.out, this.tempPath);
    this.db = new Database(this.tempPath);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -65536'); // 64 MB page cache: the primary-key index is built in memory
    this.db.exec(CREATE_SCHEMA);
    if (opts.mode === 'merge') {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'dim'").get() as { value: string } | undefined;
      if (row) this.dimension = Number(row.value);
    }
    this.insert = this.db.prepare('INSERT OR IGNORE INTO vectors (word, vec) VALUES (?, ?)');
    this.batchSize = opts.batchSize ?? 20_000;
  }

  get dim(): number | undefined {
    return this.dimension;
  }

  /** Fixes the dimension (first vector or a header); a store being merged into already has one. */
  setDim(dim: number, file: string, line: number | undefined): void {
    if (this.dimension === undefined) this.dimension = dim;
    else if (dim !== this.dimension) {
      throw new EmbeddingImportError(file, line, `dimension ${dim} differs from the store's dimension ${this.dimension}`);
    }
  }

  add(word: string, vec: Float32Array): void {
    if (this.opts.normalisation === 'l2') l2Normalise(vec);
    if (this.inTransaction === 0) this.db.exec('BEGIN');
    if (this.insert.run(word, vectorToBlob(vec)).changes === 1) this.inserted++;
    else this.duplicates++;
    if (++this.inTransaction >= this.batchSize) this.flush();
  }

  setUnk(vec: Float32Array): void {
    this.flush();
    this.db.prepare("INSERT OR REPLACE INTO special (name, vec) VALUES ('unk', ?)").run(vectorToBlob(vec));
  }

  private flush(): void {
    if (this.inTransaction === 0) return;
    this.db.exec('COMMIT');
    this.inTransaction = 0;
  }

  /** Completes the store and renames it over the target. Returns its meta. */
  commit(file: string): StoreMeta {
    this.flush();
    const count = (this.db.prepare('SELECT count(*) AS n FROM vectors').get() as { n: number }).n;
    if (count === 0 || this.dimension === undefined) throw new EmbeddingImportError(file, undefined, 'empty: no vectors found');
    const meta: StoreMeta = {
      dim: this.dimension,
      source: this.opts.source,
      format: this.opts.format,
      normalisation: this.opts.normalisation,
      count,
      created: new Date().toISOString(),
      schemaVersion: SCHEMA_VERSION,
    };
    const put = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    this.db.transaction(() => metaToRows(meta).forEach(([k, v]) => put.run(k, v)))();
    this.db.pragma('journal_mode = WAL'); // persistent in the file: readers of the served store never block
    this.db.close();
    this.closed = true;
    const fd = openSync(this.tempPath, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    // A -wal/-shm left by an old crashed writer must not be replayed onto the new file.
    for (const ext of ['-wal', '-shm']) rmSync(this.opts.out + ext, { force: true });
    renameSync(this.tempPath, this.opts.out);
    return meta;
  }

  /** Drops the temp file (on error); the target is untouched. */
  abort(): void {
    if (!this.closed) this.db.close();
    this.closed = true;
    for (const ext of ['', '-wal', '-shm', '-journal']) rmSync(this.tempPath + ext, { force: true });
  }
}

function l2Normalise(vec: Float32Array): void {
  let s = 0;
  for (const v of vec) s += v * v;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < vec.length; i++) vec[i] /= n;
}

/** Temp files of imports whose process is gone (killed mid-way) are removed; live ones are left alone. */
function removeStaleTemps(out: string): void {
  const dir = dirname(out);
  const prefix = `${basename(out)}.tmp-`;
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) continue;
    if (pid === process.pid) continue;
    rmSync(join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
