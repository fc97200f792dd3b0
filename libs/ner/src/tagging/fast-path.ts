/**
 * Fast scoring for tagging. The first layer is linear in the concatenated window, so
 *   W·x = Σ_p Σ_f W_{p,f} · f(w_{i+p})
 * and everything a word contributes — every feature's row projected for every window position, a
 * (2m+1) x H block — depends only on the word. We cache that block per surface word (bounded; the most frequent
 * vocabulary words are projected up front), so a token costs one map lookup, (2m+1) H-vector additions, the
 * activation and the small output layer (one batched matMul), instead of a (2m+1)·d x H matrix product.
 * Words missing from the cache are projected together in one matMul per feature per batch. Results equal the
 * plain path's within float rounding (tested): same rows, same weights, only the summation order differs.
 * A word's block never goes stale: it depends on the word's vectors, not on row ids (which the embedding side
 * table may reassign), and the weights are fixed once a model is loaded.
 */
import { hostKernels, tf, type HostKernels } from '@window-ner/tensor';
import type { WindowModel } from '../model/window-model';
import { activate } from '../model/mlp';
import { EmbeddingFeature } from '../features/embedding';
import { BlockSum } from './simd-sum';

/** Default bound on cached words: 20,000 words x 5 positions x 300 floats ≈ 120 MB at most, reached only by
 * very diverse text; the cache is emptied and refilled when full. */
export const DEFAULT_CACHE_WORDS = 20_000;
/** Vocabulary words projected at load time (the most frequent first: vocabularies are frequency-ordered). */
const PREFILL_WORDS = 5_000;
/** Tokens per summation + output matMul. */
const CHUNK = 4096;
const PAD_START_SLOT = 0;
const PAD_END_SLOT = 1;

export interface ScoredSentences {
  /** n x C class scores. */
  scores: Float32Array;
  n: number;
  sentenceStarts: Int32Array;
}

export class FastScorer {
  private readonly H: number;
  private readonly m: number;
  private readonly width: number;
  private readonly cols: number;
  /** Per feature: its first-layer rows [dim, width*H], positions side by side. */
  private readonly featureW: Float32Array[];
  private readonly slotOf = new Map<string, number>();
  /** The blocks and the summation kernel (wasm SIMD when available). */
  private readonly summer: BlockSum;
  private used = 2;
  /** Whether to score with the backend's native kernel when it has one (else the wasm/JS path). */
  private readonly useNative: boolean;

  static supports(model: WindowModel): boolean {
    return model.config.model.hidden.length === 1;
  }

  constructor(
    private readonly model: WindowModel,
    private readonly capacity = DEFAULT_CACHE_WORDS,
    opts: { simd?: boolean; native?: boolean } = {},
  ) {
    const layer = model.mlp.layers[0];
    const W = layer.W.value.dataSync() as Float32Array; // [inputDim, H]
    const H = (this.H = layer.W.value.shape[1] as number);
    const width = (this.width = model.builder.width);
    this.m = model.config.model.window;
    this.cols = width * H;
    const featureDim = model.builder.featureDim;
    this.featureW = model.features.map((f, fi) => {
      const off = model.builder.featureOffsets[fi];
      const w = new Float32Array(f.dim * width * H);
      for (let p = 0; p < width; p++) {
        for (let j = 0; j < f.dim; j++) {
          const src = (p * featureDim + off + j) * H;
          w.set(W.subarray(src, src + H), j * width * H + p * H);
        }
      }
      return w;
    });
    const outLayer = model.mlp.layers[model.mlp.layers.length - 1];
    const output = { U: outLayer.W.value.dataSync() as Float32Array, bias: outLayer.b.value.dataSync() as Float32Array, C: model.numClasses };
    this.summer = new BlockSum(H, width, layer.b.value.dataSync() as Float32Array, opts.simd !== false, output);
    this.useNative = opts.native !== false;
    this.summer.ensureBlocks(Math.min(capacity + 2, 1024) * this.cols);
    this.project(model.features.map((f) => [f.padStart, f.padEnd]), PAD_START_SLOT);
    const emb = model.features.find((f) => f instanceof EmbeddingFeature) as EmbeddingFeature | undefined;
    if (emb) this.add(emb.vocab.slice(3, 3 + Math.min(PREFILL_WORDS, capacity)));
  }

  /** Write the summed projections of rows ids[f][k] (all features) into slots first, first+1, ... */
  private project(ids: number[][], first: number): void {
    const count = ids[0]?.length ?? 0;
    const need = (first + count) * this.cols;
    this.summer.ensureBlocks(need);
    const acc = this.summer.blocks.subarray(first * this.cols, need);
    acc.fill(0);
    this.model.features.forEach((f, fi) => {
      const x = new Float32Array(count * f.dim);
      for (let k = 0; k < count; k++) f.copyRow(ids[fi][k], x, k * f.dim);
      const y = tf.tidy(() => tf.matMul(tf.tensor2d(x, [count, f.dim]), tf.tensor2d(this.featureW[fi], [f.dim, this.cols])));
      const v = y.dataSync() as Float32Array;
      for (let i = 0; i < acc.length; i++) acc[i] += v[i];
      y.dispose();
    });
  }

  /** Project words not yet cached into new slots (callers make room first). */
  private add(words: string[]): void {
    if (words.length === 0) return;
    const ids = this.model.features.map((f) => {
      const out = new Int32Array(words.length);
      f.ids(words, out, 0, false);
      return Array.from(out);
    });
    this.project(ids, this.used);
    for (const w of words) this.slotOf.set(w, this.used++);
  }

  /** Scores (n x C) for every token of the sentences, as WindowModel.scoreAll gives for their windows. */
  scoreSentences(sentences: string[][]): ScoredSentences {
    for (const f of this.model.features) if (f instanceof EmbeddingFeature) f.beginBatch();
    let n = 0;
    for (const s of sentences) n += s.length;
    const sentenceStarts = new Int32Array(sentences.length + 1);
    // One map lookup per token; tokens whose word is not cached yet (slot -1) are filled in after add().
    const slots = new Int32Array(n);
    let missing = new Set<string>();
    let t = 0;
    for (let si = 0; si < sentences.length; si++) {
      sentenceStarts[si] = t;
      for (const w of sentences[si]) {
        const slot = this.slotOf.get(w);
        if (slot === undefined) missing.add(w);
        slots[t++] = slot ?? -1;
      }
    }
    sentenceStarts[sentences.length] = n;
    if (this.used + missing.size > this.capacity + 2) {
      // Full: start over with this batch's words (a batch with more distinct words than the capacity simply
      // grows the table for this call; it is emptied again by the next batch that does not fit).
      this.slotOf.clear();
      this.used = 2;
      missing = new Set(sentences.flat());
      slots.fill(-1);
    }
    if (missing.size > 0) {
      this.add([...missing]);
      t = 0;
      for (const s of sentences) for (const w of s) {
        if (slots[t] < 0) slots[t] = this.slotOf.get(w)!;
        t++;
      }
    }
    const relu = this.model.mlp.config.activation === 'relu';
    const offsets = this.offsets(slots, sentenceStarts, n);
    const mlp = this.model.mlp;
    const out = mlp.layers[mlp.layers.length - 1];
    const H = this.H;
    const C = this.model.numClasses;
    const native = this.nativeKernels();
    if (native) {
      // Native backend: the whole scorer in one AVX2 (where available) loop over the blocks.
      const scores = new Float32Array(n * C);
      const { bias, ut, outBias } = this.summer.layer();
      native.windowScores(this.summer.blocks, offsets, n, this.width, H, bias, ut, outBias, C, scores);
      return { scores, n, sentenceStarts };
    }
    if (relu && this.summer.fullScoring) {
      // Default models (relu): the whole scorer runs in the wasm SIMD module, no tensors at all.
      const scores = new Float32Array(n * C);
      for (let start = 0; start < n; start += CHUNK) {
        const count = Math.min(CHUNK, n - start);
        scores.set(this.summer.scores(offsets.subarray(start * this.width), count), start * C);
      }
      return { scores, n, sentenceStarts };
    }
    const scores = new Float32Array(n * C);
    // In chunks: the hidden activations of a chunk stay cache-sized and scratch memory stays bounded.
    for (let start = 0; start < n; start += CHUNK) {
      const count = Math.min(CHUNK, n - start);
      const pre = this.summer.sum(offsets.subarray(start * this.width), count, relu);
      const s = tf.tidy(() => {
        const p = tf.tensor2d(pre, [count, H]);
        // relu is applied inside the summation kernel; other activations run as a tensor op.
        const a = relu ? p : activate(mlp.config.activation, p);
        return tf.fused.matMul({ a, b: out.W.value as tf.Tensor2D, bias: out.b.value });
      });
      scores.set(s.dataSync() as Float32Array, start * C);
      s.dispose();
    }
    return { scores, n, sentenceStarts };
  }

  /** Float offset of block(slot(t+p-m))[p] for every token t and position p (padding blocks past sentence edges). */
  private offsets(slots: Int32Array, starts: Int32Array, n: number): Int32Array {
    const { H, m, width, cols } = this;
    const off = new Int32Array(n * width);
    for (let si = 0; si + 1 < starts.length; si++) {
      const a = starts[si];
      const len = starts[si + 1] - a;
      for (let i = 0; i < len; i++) {
        const o = (a + i) * width;
        for (let p = 0; p < width; p++) {
          const j = i + p - m;
          const slot = j < 0 ? PAD_START_SLOT : j >= len ? PAD_END_SLOT : slots[a + j];
          off[o + p] = slot * cols + p * H;
        }
      }
    }
    return off;
  }

  /** The backend's native kernels when they score this model (relu, not disabled), else null. */
  private nativeKernels(): HostKernels | null {
    return this.useNative && this.model.mlp.config.activation === 'relu' ? hostKernels() : null;
  }

  /** Whether the backend's native scorer is in use (relu models on the native backend). */
  get native(): boolean {
    return this.nativeKernels() !== null;
  }

  /** Whether the wasm SIMD summation kernel is in use. */
  get simd(): boolean {
    return this.summer.simd;
  }

  dispose(): void {
    this.slotOf.clear();
  }
}
