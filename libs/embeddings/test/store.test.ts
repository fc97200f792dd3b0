import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EmbeddingStore, importEmbeddings, LruCache } from '../src/index.js';
import { SAMPLE, tempDir, writeGlove } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let store: EmbeddingStore;
const close = (a: ArrayLike<number> | null | undefined, b: number[]) => expect(Array.from(a!)).toEqual(b);

beforeEach(async () => {
  tmp = tempDir();
  const out = join(tmp.dir, 'store.sqlite');
  await importEmbeddings({ source: writeGlove(join(tmp.dir, 'v.txt')), out });
  store = EmbeddingStore.open(out);
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

describe('EmbeddingStore', () => {
  it('records meta and serves exact vectors as float32', () => {
    expect(store.dim).toBe(3);
    expect(store.count).toBe(SAMPLE.length);
    expect(store.meta).toMatchObject({ dim: 3, source: 'v.txt', format: 'glove', normalisation: 'none', count: 6 });
    close(store.get('Paris'), [1, 2, 3]);
    close(store.get('london'), [-1, 0.125, 2.5]);
    expect(store.get('London')).toBeNull();
  });

  it('uses float32 little-endian BLOBs, WAL mode, and the documented tables', () => {
    const db = new Database(store.path, { readonly: true });
    const row = db.prepare('SELECT vec FROM vectors WHERE word = ?').get('Paris') as { vec: Buffer };
    expect(row.vec.length).toBe(12);
    expect([row.vec.readFloatLE(0), row.vec.readFloatLE(4), row.vec.readFloatLE(8)]).toEqual([1, 2, 3]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const metaKeys = (db.prepare('SELECT key FROM meta').all() as Array<{ key: string }>).map((r) => r.key);
    expect(metaKeys).toEqual(expect.arrayContaining(['dim', 'source', 'normalisation', 'count', 'created']));
    db.close();
  });

  it('getMany batches, keeps order and repeats, and returns null for misses', () => {
    const many = ['x', 'the', 'paris', 'the', 'nope', ...Array.from({ length: 1200 }, (_, i) => `w${i}`), 'café'];
    const out = store.getMany(many);
    expect(out).toHaveLength(many.length);
    close(out[1], [0.5, -0.25, 1]);
    close(out[3], [0.5, -0.25, 1]);
    close(out[2], [4, 5, 6]);
    expect(out[0]).toBeNull();
    expect(out[4]).toBeNull();
    close(out.at(-1), [0.75, 0.5, 0.25]);
  });

  it('looks up with fallbacks exact -> lower -> digits -> unk', () => {
    expect(store.lookup('Paris').via).toBe('exact');
    close(store.lookup('Paris').vector, [1, 2, 3]);
    expect(store.lookup('LONDON')).toMatchObject({ via: 'lower' });
    expect(store.lookup('1996')).toMatchObject({ via: 'digits' });
    close(store.lookup('1996').vector, [9, 9, 9]);
    const unk = store.lookup('Xyzzy');
    expect(unk.via).toBe('unk');
    close(unk.vector, [0, 0, 0]);
    expect(store.find('Xyzzy')).toBeNull();
    close(store.find('LONDON'), [-1, 0.125, 2.5]);
  });

  it('reports coverage by fallback, weighted by frequency', () => {
    const report = store.coverage(['the', 'the', 'LONDON', '2024', 'Zork', 'Zork', 'blip']);
    expect(report.total).toBe(7);
    expect(report.distinct).toBe(5);
    expect(report.byVia).toEqual({ exact: 2, lower: 1, digits: 1, unk: 3 });
    expect(report.found).toBeCloseTo(4 / 7);
    expect(report.topUnknown).toEqual([{ word: 'Zork', count: 2 }, { word: 'blip', count: 1 }]);
  });

  it('keeps serving the old vectors to an open reader while a new import replaces the file', async () => {
    await importEmbeddings({ source: writeGlove(join(tmp.dir, 'new.txt'), [['london', [7, 7, 7]]]), out: store.path });
    close(store.get('london'), [-1, 0.125, 2.5]); // old file, still open (not cached before)
    const fresh = EmbeddingStore.open(store.path);
    close(fresh.get('london'), [7, 7, 7]);
    expect(fresh.count).toBe(1);
    fresh.close();
  });

  it('iterates every word', () => {
    expect([...store.words()].sort()).toEqual(SAMPLE.map(([w]) => w).sort());
  });

  it('is read-only when opened for serving, and rejects missing or foreign files', () => {
    const db = (store as unknown as { db: Database.Database }).db;
    expect(() => db.prepare("INSERT INTO vectors VALUES ('a', x'00')").run()).toThrow(/readonly/i);
    expect(() => EmbeddingStore.open(join(tmp.dir, 'missing.sqlite'))).toThrow(/not found/);
    const other = join(tmp.dir, 'other.sqlite');
    new Database(other).exec('CREATE TABLE t (x)');
    expect(() => EmbeddingStore.open(other)).toThrow(/not an embedding store/);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect(c.has('b')).toBe(false);
    expect(c.get('a')).toBe(1);
    expect(c.get('c')).toBe(3);
    expect(c.size).toBe(2);
  });
});
