/**
 * The `embedding` feature: a word-vector table keyed by the lower-cased word (case is the casing feature's job,
 * and GloVe 6B is lower-cased). Rows of training words are fine-tuned as a row-sparse parameter; at tag time a
 * word outside the trained vocabulary is read from the vector store (kept in a bounded side table), so a word
 * GloVe knows but training never saw is not <unk>. Numbers unknown to the store fall back to a digit-normalised
 * form ("1996-08-22" -> "0000-00-00") before <unk>.
 *
 * Rows: 0 <unk>, 1 <s> (before the sentence), 2 </s> (after it), then the vocabulary, most frequent first.
 */
import type { Rng } from '@window-ner/tensor';
import type { FeatureSpec } from '../config/config.js';
import type { VectorSource } from '../vectors/source.js';
import type { Feature, FeatureBuildContext, FeatureContext, FeaturePlugin } from './types.js';

export const UNK = 0;
export const PAD_START = 1;
export const PAD_END = 2;
const SPECIALS = ['<unk>', '<s>', '</s>'];

/** Side-table rows for store words kept before the cache is emptied (each row is dim floats). */
const DEFAULT_EXTRA_CAP = 200_000;

export function wordKey(word: string): string {
  return word.toLowerCase();
}

export function digitKey(key: string): string {
  return key.replace(/[0-9]/g, '0');
}

/**
 * The vocabulary, its keys and the side table of store words resolved at tag time (keys from vocab.length on).
 * The trained table itself belongs to the lookup layer.
 */
class Vocabulary {
  private readonly index = new Map<string, number>();
  private extra: Float32Array;
  private extraRows = 0;
  private readonly extraIndex = new Map<string, number>();

  constructor(
    readonly vocab: string[],
    readonly dim: number,
    private readonly vectors: VectorSource | null,
    private readonly extraCap: number,
  ) {
    if (vectors && vectors.dim !== dim) throw new Error(`embedding: vector store dim ${vectors.dim} != feature dim ${dim}`);
    vocab.forEach((w, i) => this.index.set(w, i));
    this.extra = new Float32Array(Math.min(1024, extraCap) * dim);
  }

  encode(tokens: readonly string[], out: Int32Array, offset: number, training: boolean): void {
    for (let i = 0; i < tokens.length; i++) out[offset + i] = this.key(tokens[i], training);
  }

  private key(word: string, training: boolean): number {
    const key = wordKey(word);
    const known = this.index.get(key);
    if (known !== undefined) return known;
    if (!training && this.vectors) {
      const cached = this.extraIndex.get(key);
      if (cached !== undefined) return cached;
      const v = this.vectors.lookup(word);
      if (v) return this.addExtra(key, v);
    }
    return this.index.get(digitKey(key)) ?? UNK;
  }

  private addExtra(key: string, v: Float32Array): number {
    if (this.extraRows * this.dim >= this.extra.length) {
      const grown = new Float32Array(Math.min(this.extra.length * 2, this.extraCap * this.dim) || this.dim);
      grown.set(this.extra);
      this.extra = grown;
    }
    this.extra.set(v, this.extraRows * this.dim);
    const id = this.vocab.length + this.extraRows++;
    this.extraIndex.set(key, id);
    return id;
  }

  extraRow(key: number): Float32Array {
    const o = (key - this.vocab.length) * this.dim;
    return this.extra.subarray(o, o + this.dim);
  }

  /** Empties the side table when it is full, so memory stays bounded (only between batches: keys stay valid within one). */
  beginBatch(): void {
    if (this.extraRows >= this.extraCap) {
      this.extraRows = 0;
      this.extraIndex.clear();
    }
  }
}

function embeddingFeature(ctx: FeatureContext, vocab: string[], table: Float32Array, dim: number, fineTune: boolean, extraCap: number, noise = 0): Feature {
  if (table.length !== vocab.length * dim) throw new Error(`embedding: table has ${table.length} values, expected ${vocab.length} x ${dim}`);
  const words = new Vocabulary(vocab, dim, ctx.vectors, extraCap);
  return ctx.lookup({
    type: 'embedding',
    name: ctx.name,
    dim,
    table,
    trainable: fineTune,
    noise,
    encode: (tokens, out, offset, training) => words.encode(tokens, out, offset, training),
    padStart: PAD_START,
    padEnd: PAD_END,
    unkKey: UNK,
    replacementKeys: { first: SPECIALS.length, end: vocab.length },
    // The vocabulary is frequency-ordered after the specials.
    frequentWords: (limit) => vocab.slice(SPECIALS.length, SPECIALS.length + limit),
    extraRow: (key) => words.extraRow(key),
    beginBatch: () => words.beginBatch(),
    getState: () => ({ json: { vocab, dim, fineTune }, tables: { table: { data: table, shape: [vocab.length, dim] } } }),
  });
}

/** Build the vocabulary (most frequent first) and its initial vectors from the training tokens and the store. */
function buildVocab(spec: FeatureSpec, ctx: FeatureBuildContext): { vocab: string[]; table: Float32Array; dim: number; found: number } {
  const dim = ctx.vectors?.dim ?? (typeof spec.dim === 'number' ? spec.dim : 100);
  if (ctx.vectors && typeof spec.dim === 'number' && spec.dim !== ctx.vectors.dim) {
    throw new Error(`config: features.embedding.dim is ${spec.dim} but the vector store has dim ${ctx.vectors.dim}`);
  }
  const counts = new Map<string, { n: number; surface: string }>();
  const digitCounts = new Map<string, number>();
  for (const sentence of ctx.trainTokens) {
    for (const w of sentence) {
      const key = wordKey(w);
      const c = counts.get(key);
      if (c) c.n++;
      else counts.set(key, { n: 1, surface: w });
      const dk = digitKey(key);
      if (dk !== key) digitCounts.set(dk, (digitCounts.get(dk) ?? 0) + 1);
    }
  }
  const chosen: { key: string; n: number; vec: Float32Array | null }[] = [];
  for (const [key, { n, surface }] of counts) {
    const vec = ctx.vectors?.lookup(surface) ?? null;
    if (vec || n >= ctx.minFreq) chosen.push({ key, n, vec });
  }
  const have = new Set(chosen.map((c) => c.key));
  for (const [key, n] of digitCounts) if (n >= ctx.minFreq && !have.has(key)) chosen.push({ key, n, vec: ctx.vectors?.lookup(key) ?? null });
  chosen.sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : 1));
  const vocab = [...SPECIALS, ...chosen.map((c) => c.key)];
  const table = new Float32Array(vocab.length * dim);
  const std = vectorStd(chosen, dim);
  randomRows(table, 0, SPECIALS.length, dim, std, ctx.rng);
  let found = 0;
  chosen.forEach((c, i) => {
    const row = SPECIALS.length + i;
    if (c.vec) {
      table.set(c.vec, row * dim);
      found++;
    } else randomRows(table, row, row + 1, dim, std, ctx.rng);
  });
  return { vocab, table, dim, found };
}

/** Random rows get the spread of the pre-trained vectors so they are neither drowned out nor dominant. */
function vectorStd(chosen: { vec: Float32Array | null }[], dim: number): number {
  let s = 0;
  let n = 0;
  for (const c of chosen) {
    if (!c.vec) continue;
    for (let j = 0; j < dim; j++) s += c.vec[j] * c.vec[j];
    n += dim;
    if (n > 1e6) break;
  }
  return n ? Math.sqrt(s / n) : 0.1;
}

function randomRows(table: Float32Array, from: number, to: number, dim: number, std: number, rng: Rng): void {
  for (let i = from * dim; i < to * dim; i++) table[i] = rng.normal(0, std);
}

export const embeddingPlugin: FeaturePlugin = {
  create(spec, ctx) {
    const { vocab, table, dim } = buildVocab(spec, ctx);
    return embeddingFeature(ctx, vocab, table, dim, spec.fineTune !== false, extraCap(spec), ctx.noise);
  },
  restore(spec, state, ctx) {
    const vocab = state.json.vocab as string[];
    const dim = state.json.dim as number;
    return embeddingFeature(ctx, vocab, state.tables.table.data, dim, state.json.fineTune !== false, extraCap(spec));
  },
};

function extraCap(spec: FeatureSpec): number {
  return typeof spec.cacheRows === 'number' ? spec.cacheRows : DEFAULT_EXTRA_CAP;
}
