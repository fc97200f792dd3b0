/**
 * EmbeddingStore: word vectors in one SQLite file, read through prepared statements, batched IN-lookups
 * (one statement for many words via json_each) and an LRU cache. Serving opens it read-only.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { LruCache } from './lru.js';
import { digitsKey, lowerKey } from './normalize.js';
import { CREATE_SCHEMA, rowsToMeta, type StoreMeta } from './schema.js';
import { blobToVector } from './vector-bytes.js';

export type LookupVia = 'exact' | 'lower' | 'digits' | 'unk';

export interface LookupResult {
  vector: Float32Array;
  via: LookupVia;
}

export interface CoverageReport {
  /** Tokens counted (with repetitions). */
  total: number;
  /** Distinct tokens. */
  distinct: number;
  /** Token counts by the fallback that found them. */
  byVia: Record<LookupVia, number>;
  /** Share of tokens found without <unk>, 0..1. */
  found: number;
  /** The most frequent tokens that fell back to <unk>, most frequent first. */
  topUnknown: Array<{ word: string; count: number }>;
}

export interface OpenOptions {
  /** Open read-only (serving). Default true. */
  readonly?: boolean;
  /** LRU capacity in vectors (default 50,000; 0 disables the cache). */
  cacheSize?: number;
}

/** Words per batched statement: json_each takes any number, chunks only bound the size of one result. */
const BATCH = 500;

export class EmbeddingStore {
  readonly meta: StoreMeta;
  private readonly cache: LruCache<string, Float32Array | null>;
  private readonly getOne: Database.Statement<[string], { vec: Buffer }>;
  private readonly getBatch: Database.Statement<[string], { word: string; vec: Buffer }>;
  private unkVector: Float32Array | undefined;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    cacheSize: number,
  ) {
    this.meta = rowsToMeta(db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>, path);
    this.cache = new LruCache(cacheSize);
    this.getOne = db.prepare('SELECT vec FROM vectors WHERE word = ?');
    this.getBatch = db.prepare('SELECT word, vec FROM vectors WHERE word IN (SELECT value FROM json_each(?))');
  }

  static open(path: string, options: OpenOptions = {}): EmbeddingStore {
    const readonly = options.readonly ?? true;
    if (!existsSync(path)) throw new Error(`${path}: embedding store not found (create it with \`window-ner import-embeddings\`)`);
    const db = new Database(path, { readonly, fileMustExist: true });
    try {
      if (!readonly) {
        db.pragma('journal_mode = WAL');
        db.exec(CREATE_SCHEMA);
      }
      const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
      if (!hasMeta) throw new Error(`${path}: not an embedding store (no meta table)`);
      return new EmbeddingStore(db, path, options.cacheSize ?? 50_000);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  get dim(): number {
    return this.meta.dim;
  }

  get count(): number {
    return this.meta.count;
  }

  /** The exact word's vector, or null. */
  get(word: string): Float32Array | null {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const row = this.getOne.get(word);
    const vec = row ? blobToVector(row.vec) : null;
    this.cache.set(word, vec);
    return vec;
  }

  /** Exact vectors for many words with one statement per BATCH of uncached words; same order as `words`. */
  getMany(words: readonly string[]): Array<Float32Array | null> {
    const found = new Map<string, Float32Array | null>();
    const missing: string[] = [];
    for (const w of words) {
      if (found.has(w)) continue;
      const cached = this.cache.get(w);
      if (cached !== undefined) found.set(w, cached);
      else {
        found.set(w, null);
        missing.push(w);
      }
    }
    for (let i = 0; i < missing.length; i += BATCH) {
      const chunk = missing.slice(i, i + BATCH);
      for (const row of this.getBatch.all(JSON.stringify(chunk))) found.set(row.word, blobToVector(row.vec));
      for (const w of chunk) this.cache.set(w, found.get(w) ?? null);
    }
    return words.map((w) => found.get(w) ?? null);
  }

  /** The vector used for unknown words: the declared one (special 'unk', or a '<unk>' word), else zeros. */
  get unk(): Float32Array {
    if (!this.unkVector) {
      const row = this.db.prepare("SELECT vec FROM special WHERE name = 'unk'").get() as { vec: Buffer } | undefined;
      this.unkVector = row ? blobToVector(row.vec) : (this.get('<unk>') ?? new Float32Array(this.dim));
    }
    return this.unkVector;
  }

  /** Exact -> lower-case -> digit-normalised (lower-case, digits -> 0) -> <unk>. */
  lookup(word: string): LookupResult {
    return this.lookupMany([word])[0];
  }

  /** `lookup` for many words, batched per fallback level. */
  lookupMany(words: readonly string[]): LookupResult[] {
    const out: Array<LookupResult | undefined> = new Array(words.length);
    const levels: Array<[Exclude<LookupVia, 'unk'>, (w: string) => string]> = [
      ['exact', (w) => w],
      ['lower', lowerKey],
      ['digits', digitsKey],
    ];
    let pending = words.map((_, i) => i);
    for (const [via, key] of levels) {
      if (pending.length === 0) break;
      const vecs = this.getMany(pending.map((i) => key(words[i])));
      const still: number[] = [];
      pending.forEach((i, j) => {
        const vector = vecs[j];
        if (vector) out[i] = { vector, via };
        else still.push(i);
      });
      pending = still;
    }
    for (const i of pending) out[i] = { vector: this.unk, via: 'unk' };
    return out as LookupResult[];
  }

  /** The vector after fallbacks, or null when only <unk> would do (the shape ner's VectorSource wants). */
  find(word: string): Float32Array | null {
    const r = this.lookup(word);
    return r.via === 'unk' ? null : r.vector;
  }

  /** How well the store covers a token list (with repetitions): counts by fallback and the top unknown words. */
  coverage(tokens: Iterable<string>, topUnknown = 20): CoverageReport {
    const freq = new Map<string, number>();
    let total = 0;
    for (const t of tokens) {
      freq.set(t, (freq.get(t) ?? 0) + 1);
      total++;
    }
    const distinct = [...freq.keys()];
    const results = this.lookupMany(distinct);
    const byVia: Record<LookupVia, number> = { exact: 0, lower: 0, digits: 0, unk: 0 };
    const unknown: Array<{ word: string; count: number }> = [];
    results.forEach((r, i) => {
      const count = freq.get(distinct[i])!;
      byVia[r.via] += count;
      if (r.via === 'unk') unknown.push({ word: distinct[i], count });
    });
    unknown.sort((a, b) => b.count - a.count);
    return { total, distinct: distinct.length, byVia, found: total ? (total - byVia.unk) / total : 0, topUnknown: unknown.slice(0, topUnknown) };
  }

  /** Every word in the store (streamed by SQLite's cursor, not loaded at once). */
  *words(): IterableIterator<string> {
    for (const row of this.db.prepare('SELECT word FROM vectors').iterate() as IterableIterator<{ word: string }>) yield row.word;
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.cache.clear();
  }
}
