/** The SQLite registry: retention never drops the served version, and a database from before 'rejected' migrates. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ServerDb } from '../src/server/store/server-db.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'server-db-')), 'server.sqlite');

describe('ServerDb', () => {
  it('pruneModels keeps the newest `keep` versions counting the served one, and never drops the served one', async () => {
    const db = new ServerDb(fresh());
    for (const v of ['v1', 'v2', 'v3', 'v4']) {
      db.publishModel({ version: v, path: `/m/${v}.sqlite`, jobId: null, metrics: {} });
      await new Promise((r) => setTimeout(r, 5)); // distinct created_at
    }
    expect(db.activate('v1')).toBe(true);
    expect(db.activate('nope')).toBe(false);
    expect(db.pruneModels(2).map((m) => m.version)).toEqual(['v3', 'v2']);
    expect(db.listModels().map((m) => [m.version, m.serving])).toEqual([['v4', false], ['v1', true]]);
    expect(db.pruneModels(1).map((m) => m.version)).toEqual(['v4']);
    expect(db.servingModel()?.version).toBe('v1');
    db.close();
  });

  it('a jobs table from before the rejected status is migrated with its rows', () => {
    const path = fresh();
    const old = new Database(path);
    old.exec(`CREATE TABLE jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
      request TEXT NOT NULL, progress TEXT, result TEXT, error TEXT, pid INTEGER NOT NULL, model_version TEXT, created_at TEXT NOT NULL, finished_at TEXT)`);
    old.prepare("INSERT INTO jobs (id, status, request, pid, created_at) VALUES ('old', 'succeeded', '{}', 1, '2026-01-01')").run();
    old.close();
    const db = new ServerDb(path);
    expect(db.getJob('old')).toMatchObject({ id: 'old', status: 'succeeded' });
    db.insertJob('new', {});
    db.rejectJob('new', 'not published: because', { rejectedModel: 'new.sqlite' });
    expect(db.getJob('new')).toMatchObject({ status: 'rejected', error: 'not published: because', result: { rejectedModel: 'new.sqlite' } });
    db.close();
  });
});
