/**
 * Fast scoring for tagging. The first layer is linear in the concatenated window, so
 *   W·x = Σ_p Σ_f W_{p,f} · f(w_{i+p})
 * and the projection of one feature row at every window position (a (2m+1) x H block) depends only on that row.
 * We cache those blocks per (feature, row id) — frequent words first, a bounded number of rows — so a token
 * costs (2m+1) x features vector additions, the activation and the small output layer (one batched matMul),
 * instead of a (2m+1)·d x H matrix product. Rows missing from the cache are projected in one matMul per batch.
 * Results equal the plain path's within float rounding (tested).
 */
import { tf } from '@window-ner/tensor';
import type { WindowModel } from '../model/window-model';
import { activate } from '../model/mlp';
import { EmbeddingFeature } from '../features/embedding';
import type { WindowSet } from '../windows/windows';

/** Default bound on cached rows per feature: 10,000 rows x 5 positions x 300 floats ≈ 60 MB. */
export const DEFAULT_CACHE_ROWS = 10_000;

interface FeatureCache {
  /** slotOf[id] = slot in `blocks` or -1. */
  slotOf: Int32Array;
  blocks: Float32Array;
  used: number;
  capacity: number;
  /** W_f: [dim, width*H], the first-layer rows of this feature, positions side by side. */
  w: Float32Array;
  generation: number;
}

export class FastScorer {
  private readonly H: number;
  private readonly width: number;
  private readonly caches: FeatureCache[];
  private readonly bias: Float32Array;

  static supports(model: WindowModel): boolean {
    return model.config.model.hidden.length === 1;
  }

  constructor(
    private readonly model: WindowModel,
    cacheRows = DEFAULT_CACHE_ROWS,
  ) {
    const layer = model.mlp.layers[0];
    const W = layer.W.value.dataSync() as Float32Array; // [inputDim, H]
    this.bias = (layer.b.value.dataSync() as Float32Array).slice();
    const H = (this.H = layer.W.value.shape[1] as number);
    const width = (this.width = model.builder.width);
    const featureDim = model.builder.featureDim;
    this.caches = model.features.map((f, fi) => {
      const off = model.builder.featureOffsets[fi];
      const w = new Float32Array(f.dim * width * H);
      for (let p = 0; p < width; p++) {
        for (let j = 0; j < f.dim; j++) {
          const src = (p * featureDim + off + j) * H;
          w.set(W.subarray(src, src + H), j * width * H + p * H);
        }
      }
      const capacity = Math.min(cacheRows, Math.max(f.rows, 1));
      const cache: FeatureCache = { slotOf: new Int32Array(f.rows).fill(-1), blocks: new Float32Array(capacity * width * H), used: 0, capacity, w, generation: generationOf(f) };
      // Frequent rows first: vocabularies are stored most-frequent-first, so the first ids are the hot ones.
      this.project(fi, cache, Int32Array.from({ length: Math.min(capacity, f.rows) }, (_, i) => i));
      return cache;
    });
  }

  /** Project rows `ids` of feature fi (all uncached) and store them in the cache (room permitting). */
  private project(fi: number, cache: FeatureCache, ids: Int32Array): Float32Array {
    const f = this.model.features[fi];
    const d = f.dim;
    const x = new Float32Array(ids.length * d);
    ids.forEach((id, i) => f.copyRow(id, x, i * d));
    const cols = this.width * this.H;
    const y = tf.tidy(() => tf.matMul(tf.tensor2d(x, [ids.length, d]), tf.tensor2d(cache.w, [d, cols])));
    const out = y.dataSync() as Float32Array;
    y.dispose();
    for (let i = 0; i < ids.length && cache.used < cache.capacity; i++) {
      if (ids[i] >= cache.slotOf.length) this.growSlots(cache, ids[i] + 1);
      cache.blocks.set(out.subarray(i * cols, (i + 1) * cols), cache.used * cols);
      cache.slotOf[ids[i]] = cache.used++;
    }
    return out;
  }

  private growSlots(cache: FeatureCache, n: number): void {
    const grown = new Int32Array(Math.max(n, cache.slotOf.length * 2)).fill(-1);
    grown.set(cache.slotOf);
    cache.slotOf = grown;
  }

  /** Scores (n x C) for every window of the set; same contract as WindowModel.scoreAll. */
  scoreAll(set: WindowSet): Float32Array {
    const { H, width } = this;
    const cols = width * H;
    const n = set.n;
    // Per feature: where each id's block lives — the cache, or a per-call block for rows that did not fit.
    const sources = this.caches.map((cache, fi) => {
      const f = this.model.features[fi];
      const gen = generationOf(f);
      if (gen !== cache.generation) this.resetExtraRows(cache, f, gen);
      const ids = set.ids[fi];
      const missing = new Set<number>();
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (id >= cache.slotOf.length || cache.slotOf[id] < 0) missing.add(id);
      }
      let overflow: Map<number, number> | null = null;
      let overflowBlocks: Float32Array | null = null;
      if (missing.size) {
        const list = Int32Array.from(missing);
        const projected = this.project(fi, cache, list);
        list.forEach((id, i) => {
          if (id < cache.slotOf.length && cache.slotOf[id] >= 0) return;
          overflow ??= new Map();
          overflow.set(id, i);
        });
        if (overflow) overflowBlocks = projected;
      }
      return { cache, ids, overflow: overflow as Map<number, number> | null, overflowBlocks };
    });
    const pre = new Float32Array(n * H);
    for (let t = 0; t < n; t++) {
      const o = t * H;
      pre.set(this.bias, o);
      for (const s of sources) {
        const { slotOf, blocks } = s.cache;
        for (let p = 0; p < width; p++) {
          const id = s.ids[t * width + p];
          const slot = id < slotOf.length ? slotOf[id] : -1;
          let src: Float32Array;
          let base: number;
          if (slot >= 0) {
            src = blocks;
            base = slot * cols + p * H;
          } else {
            src = s.overflowBlocks!;
            base = s.overflow!.get(id)! * cols + p * H;
          }
          for (let h = 0; h < H; h++) pre[o + h] += src[base + h];
        }
      }
    }
    const mlp = this.model.mlp;
    const out = mlp.layers[mlp.layers.length - 1];
    const scores = tf.tidy(() => {
      const a = activate(mlp.config.activation, tf.tensor2d(pre, [n, H]));
      return tf.add(tf.matMul(a, out.W.value as tf.Tensor2D), out.b.value);
    });
    const result = (scores.dataSync() as Float32Array).slice();
    scores.dispose();
    return result;
  }

  /** The embedding feature emptied its side table: cached blocks of those ids are stale. */
  private resetExtraRows(cache: FeatureCache, f: { trainableRows: number }, gen: number): void {
    for (let id = f.trainableRows; id < cache.slotOf.length; id++) cache.slotOf[id] = -1;
    cache.generation = gen;
  }

  dispose(): void {
    this.caches.length = 0;
  }
}

function generationOf(f: unknown): number {
  return f instanceof EmbeddingFeature ? f.generation : 0;
}
