/**
 * Fast scoring for tagging. The first layer is linear in the concatenated window, so
 *   W·x = Σ_p Σ_f W_{p,f} · f(w_{i+p})
 * and everything a word contributes — every feature's row projected for every window position, a
 * (2m+1) x H block — depends only on the word. We cache that block per surface word (bounded; the most frequent
 * vocabulary words are projected up front), so a token costs one map lookup, (2m+1) H-vector additions, the
 * activation and the small output layer, instead of a (2m+1)·d x H matrix product.
 * Words missing from the cache are projected together in one matMul per feature per batch. Results equal the
 * reference forward's within float rounding (scorer.test.ts): same rows, same weights, only the summation order
 * differs. A word's block never goes stale: it depends on the word's vectors, not on row ids (which the
 * embedding side table may reassign), and the weights are fixed once a model is loaded.
 * A feature that reads the context (a gazetteer, a document feature: not `perWord`) has few keys. Its part of a
 * token's projections depends on the token's keys, not its word: the per-word blocks then hold the per-word
 * features plus the context features at key 0, and each other distinct combination of context keys (a "tuple")
 * has a block of its difference from keys 0. A token sums 2m+1 word runs, plus one tuple run for each window
 * position inside the sentence whose tuple is not all 0s (a run count per token). Caching per (word, keys) instead
 * multiplied the entries by the combinations a word occurs in and overflowed the cache on plain dev text.
 *
 * The per-token work is the tensor library's generic gather-sum-relu-linear kernel where the backend brings one
 * (native: one AVX2 loop); otherwise a JS summation loop and two tfjs ops (activation, fused matMul).
 */
import { hostKernels, tf, type HostKernels } from '@window-ner/tensor';
import { getActivation } from '@window-ner/nn';
import type { SentenceContext } from '../features/types.js';
import type { ProjectableNetwork } from './model-view.js';
import type { ScoredSentences, WindowScorer } from './scorer.js';

/**
 * Default bound on the cached blocks, in bytes: 128 MiB, 33,500 words of the default model (5 positions x 200
 * floats), reached only by diverse text. The cache is emptied and refilled when full, so a text stream whose
 * vocabulary exceeds it re-projects its words over and over. A bound of 20,000 words did that to CoNLL train + dev
 * (26,900 distinct tokens): its raw-text tagging fell to 110-190k tokens/s from 615-800k on dev alone.
 */
export const DEFAULT_CACHE_BYTES = 128 * 1024 * 1024;
/** Vocabulary words projected at load time. */
const PREFILL_WORDS = 5_000;
/** Tokens per summation + output matMul on the tfjs path (keeps its scratch cache-sized and bounded). */
const CHUNK = 4096;
const PAD_START_SLOT = 0;
const PAD_END_SLOT = 1;
/**
 * With context features: the block of the tuple whose keys are all 0 (the common "nothing here" one, about half
 * of CoNLL's tokens), which every word block includes; a tuple block holds its difference from it.
 */
const BASE_SLOT = 2;
/** A token's tuple is the base one: no run to add. */
const NO_RUN = -2;
/** Context keys are combined into one number, 16 bits each (exact in a double for up to three features). */
const KEY_BITS = 65536;
export const MAX_CONTEXT_FEATURES = 3;

/** Runs summed per pass over a token's H floats (the default window has 5 positions: one pass). */
const RUNS_PER_PASS = 5;

/**
 * out[o + h] = src[s + h] + Σ_{j<k} blocks[off[r + j] + h] for h < H, k ≤ 5, in one pass: adding one run per pass
 * reloaded and stored the H sums once per run, which made the JS loop about 2x slower.
 */
function addRuns(out: Float32Array, o: number, src: Float32Array, s: number, blocks: Float32Array, off: Int32Array, r: number, k: number, H: number): void {
  const [a, b, c, d, e] = [off[r], off[r + 1], off[r + 2], off[r + 3], off[r + 4]];
  switch (k) {
    case 1:
      for (let h = 0; h < H; h++) out[o + h] = src[s + h] + blocks[a + h];
      return;
    case 2:
      for (let h = 0; h < H; h++) out[o + h] = src[s + h] + blocks[a + h] + blocks[b + h];
      return;
    case 3:
      for (let h = 0; h < H; h++) out[o + h] = src[s + h] + blocks[a + h] + blocks[b + h] + blocks[c + h];
      return;
    case 4:
      for (let h = 0; h < H; h++) out[o + h] = src[s + h] + blocks[a + h] + blocks[b + h] + blocks[c + h] + blocks[d + h];
      return;
    default:
      for (let h = 0; h < H; h++) out[o + h] = src[s + h] + blocks[a + h] + blocks[b + h] + blocks[c + h] + blocks[d + h] + blocks[e + h];
  }
}

export class FastScorer implements WindowScorer {
  private readonly H: number;
  private readonly C: number;
  private readonly width: number;
  /** Most runs summed per token: width word runs, plus up to width tuple runs when the model has context features. */
  private readonly runs: number;
  private readonly cols: number;
  /** Cached blocks kept before the cache starts over (words and tuples together). */
  private readonly capacity: number;
  /** Indices of the context features (not perWord) in net.features. */
  private readonly contextFeatures: number[];
  /** First slot after the reserved ones (padding blocks, and the zero block with context features). */
  private readonly firstFree: number;
  /** Slot of each cached tuple of context keys, by its combined code. */
  private readonly tupleSlot = new Map<number, number>();
  /** Per feature: its first-layer rows [dim, width*H], positions side by side. */
  private readonly featureW: Float32Array[];
  /** Slot s holds a word's block at blocks[s·cols ..]: width runs of H floats, one per window position. */
  private blocks: Float32Array;
  private readonly slotOf = new Map<string, number>();
  /** slotOf by the interner's word id (net.words), −1 unknown: a token's lookup is then an array read. */
  private slotById = new Int32Array(1024).fill(-1);
  private idsGeneration = -1;
  /** Scratch of score() (scratchInts, scratchCodes). */
  private ints = new Int32Array(0);
  private codes = new Float64Array(0);
  private used = 2;
  private readonly bias: Float32Array;
  /** Uᵀ (C x H), the layout the kernel's output product reads. */
  private readonly ut: Float32Array;
  private readonly useNative: boolean;
  /** The tfjs path's output layer, created on first use. */
  private outLayer: { W: tf.Tensor2D; b: tf.Tensor1D } | null = null;

  constructor(
    private readonly net: ProjectableNetwork,
    capacity?: number,
    opts: { native?: boolean } = {},
  ) {
    const { W } = net.hidden;
    const H = (this.H = net.hidden.H);
    const C = (this.C = net.output.C);
    const width = (this.width = 2 * net.window + 1);
    this.cols = width * H;
    // Words (and tuples) kept: the caller's bound, else as many as DEFAULT_CACHE_BYTES holds.
    this.capacity = capacity ?? Math.max(1000, Math.floor(DEFAULT_CACHE_BYTES / (4 * this.cols)));
    this.contextFeatures = net.features.flatMap((f, i) => (f.perWord ? [] : [i]));
    if (this.contextFeatures.length > MAX_CONTEXT_FEATURES) throw new Error(`fast path: at most ${MAX_CONTEXT_FEATURES} context features, got ${this.contextFeatures.length} (projectableNetwork declines such models)`);
    this.runs = this.contextFeatures.length > 0 ? 2 * width : width;
    this.firstFree = this.used = this.contextFeatures.length > 0 ? BASE_SLOT + 1 : 2;
    const featureDim = net.features.reduce((a, f) => a + f.dim, 0);
    let off = 0;
    this.featureW = net.features.map((f) => {
      const w = new Float32Array(f.dim * width * H);
      for (let p = 0; p < width; p++) {
        for (let j = 0; j < f.dim; j++) {
          const src = (p * featureDim + off + j) * H;
          w.set(W.subarray(src, src + H), j * width * H + p * H);
        }
      }
      off += f.dim;
      return w;
    });
    this.bias = net.hidden.b;
    this.ut = new Float32Array(C * H);
    for (let h = 0; h < H; h++) for (let c = 0; c < C; c++) this.ut[c * H + h] = net.output.W[h * C + c];
    this.useNative = opts.native !== false;
    this.blocks = new Float32Array(Math.min(this.capacity + this.firstFree, 1024) * this.cols);
    this.project(net.features.map((f) => [f.padStart, f.padEnd]), PAD_START_SLOT, 2);
    if (this.contextFeatures.length > 0) this.project(net.features.map((f) => (f.perWord ? null : [0])), BASE_SLOT, 1);
    this.add(net.frequentWords(Math.min(PREFILL_WORDS, this.capacity)));
  }

  /** Make room for `slots` blocks, keeping the filled ones. */
  private ensureSlots(slots: number): void {
    const need = slots * this.cols;
    if (need <= this.blocks.length) return;
    const grown = new Float32Array(Math.max(need, Math.ceil(this.blocks.length * 1.5)));
    grown.set(this.blocks.subarray(0, this.used * this.cols));
    this.blocks = grown;
  }

  /**
   * Write the summed projections of rows ids[f][k] (features whose ids are not null) into the `count` slots first,
   * first+1, ... (zero where no feature has ids).
   */
  private project(ids: (ArrayLike<number> | null)[], first: number, count: number): void {
    this.ensureSlots(first + count);
    const acc = this.blocks.subarray(first * this.cols, (first + count) * this.cols);
    acc.fill(0);
    this.net.features.forEach((f, fi) => {
      const keys = ids[fi];
      if (keys === null || count === 0) return;
      const x = f.vectors(Int32Array.from(keys));
      const y = tf.tidy(() => tf.matMul(tf.tensor2d(x, [count, f.dim]), tf.tensor2d(this.featureW[fi], [f.dim, this.cols])));
      const v = y.dataSync() as Float32Array;
      for (let i = 0; i < acc.length; i++) acc[i] += v[i];
      y.dispose();
    });
  }

  /** Project words not yet cached into new slots (callers make room first): the per-word features, plus the base block. */
  private add(words: string[]): void {
    if (words.length === 0) return;
    const ids = this.net.features.map((f) => {
      if (!f.perWord) return null;
      const out = new Int32Array(words.length);
      f.encode(words, out, 0, false);
      return out;
    });
    this.project(ids, this.used, words.length);
    if (this.contextFeatures.length > 0) this.addBase(this.used, words.length, 1);
    for (const w of words) this.slotOf.set(w, this.used++);
  }

  /** Add `sign` times the base block (the context features at key 0) to the `count` slots from `first`. */
  private addBase(first: number, count: number, sign: 1 | -1): void {
    const { blocks, cols } = this;
    const base = BASE_SLOT * cols;
    for (let at = first * cols, end = (first + count) * cols; at < end; at += cols) {
      for (let i = 0; i < cols; i++) blocks[at + i] += sign * blocks[base + i];
    }
  }

  /** Project tuples of context keys not yet cached (keys[k][i]: the k-th context feature's key of tuple i). */
  private addTuples(codes: number[], keys: Int32Array[]): void {
    if (codes.length === 0) return;
    const ids: (Int32Array | null)[] = this.net.features.map(() => null);
    this.contextFeatures.forEach((fi, k) => (ids[fi] = keys[k]));
    this.project(ids, this.used, codes.length);
    this.addBase(this.used, codes.length, -1);
    for (const code of codes) this.tupleSlot.set(code, this.used++);
  }

  /**
   * Views of one reused buffer, taken in turn, `total` ints in all; valid until the next batch (allocating the
   * batch's few MB of index arrays afresh each time showed up as GC time).
   */
  private scratchInts(total: number): (length: number) => Int32Array {
    if (this.ints.length < total) this.ints = new Int32Array(Math.ceil(total * 1.25));
    let at = 0;
    return (length) => {
      if (at + length > total) throw new Error(`fast path: scratch of ${total} ints overrun (a bug)`);
      return this.ints.subarray(at, (at += length));
    };
  }

  private scratchCodes(n: number): Float64Array {
    if (this.codes.length < n) this.codes = new Float64Array(Math.ceil(n * 1.25));
    return this.codes.subarray(0, n);
  }

  /** Every token's word id (the interner's, shared with the features), forgetting slotById when the ids start over. */
  private wordIds(sentences: string[][], ids: Int32Array): void {
    const { words } = this.net;
    if (words.generation !== this.idsGeneration) {
      this.slotById.fill(-1);
      this.idsGeneration = words.generation;
    }
    let t = 0;
    for (const s of sentences) {
      ids.set(words.of(s), t);
      t += s.length;
    }
  }

  private rememberSlot(id: number, slot: number): void {
    if (id >= this.slotById.length) {
      const grown = new Int32Array(Math.max(id + 1, 2 * this.slotById.length)).fill(-1);
      grown.set(this.slotById);
      this.slotById = grown;
    }
    this.slotById[id] = slot;
  }

  /** Every token's context keys (into `keys`, one array per context feature) and their combined code. */
  private contextKeys(sentences: string[][], keys: Int32Array[], codes: Float64Array, contexts?: readonly SentenceContext[]): { keys: Int32Array[]; codes: Float64Array } {
    const n = codes.length;
    codes.fill(0);
    let t = 0;
    sentences.forEach((s, si) => {
      this.contextFeatures.forEach((fi, k) => this.net.features[fi].encode(s, keys[k], t, false, contexts?.[si]));
      t += s.length;
    });
    for (let k = 0; k < keys.length; k++) {
      const kk = keys[k];
      for (let i = 0; i < n; i++) {
        if (kk[i] < 0 || kk[i] >= KEY_BITS) throw new Error(`fast path: context feature ${this.contextFeatures[k]} gave key ${kk[i]} (keys must be 0 .. ${KEY_BITS - 1})`);
        codes[i] = codes[i] * KEY_BITS + kk[i];
      }
    }
    return { keys, codes };
  }

  /** Scores (n x C) for every token of the sentences, as the reference forward gives for their windows. */
  score(sentences: string[][], contexts?: readonly SentenceContext[]): ScoredSentences {
    this.net.beginBatch();
    let n = 0;
    for (const s of sentences) n += s.length;
    const sentenceStarts = new Int32Array(sentences.length + 1);
    for (let si = 0, t = 0; si < sentences.length; t += sentences[si].length, si++) sentenceStarts[si] = t;
    sentenceStarts[sentences.length] = n;
    // The strings are only needed for words not cached yet.
    let flat: string[] | null = null;
    const word = (t: number) => (flat ??= sentences.flat())[t];
    const K = this.contextFeatures.length;
    const take = this.scratchInts(n * (2 + (K > 0 ? 2 + K : 0) + this.runs) + 1);
    const ids = take(n);
    this.wordIds(sentences, ids);
    const context = K > 0 ? this.contextKeys(sentences, this.contextFeatures.map(() => take(n)), this.scratchCodes(n), contexts) : null;
    // One array read per token (and a map lookup per change of tuple); those not cached yet (slot -1) are filled
    // in after add().
    const slots = take(n);
    const tuples = context ? take(n) : null;
    let missing = new Set<string>();
    let missingTuples = new Map<number, number>();
    const lookUp = () => {
      for (let t = 0; t < n; t++) {
        const id = ids[t];
        let slot = id < this.slotById.length ? this.slotById[id] : -1;
        if (slot < 0) {
          slot = this.slotOf.get(word(t)) ?? -1;
          if (slot < 0) missing.add(word(t));
          else this.rememberSlot(id, slot);
        }
        slots[t] = slot;
      }
      if (!context || !tuples) return;
      // Neighbours mostly share a tuple: look up only where the code changes.
      let last = -1;
      let lastSlot = -1;
      for (let t = 0; t < n; t++) {
        const code = context.codes[t];
        if (code !== last) {
          const slot = code === 0 ? NO_RUN : this.tupleSlot.get(code);
          if (slot === undefined && !missingTuples.has(code)) missingTuples.set(code, t);
          last = code;
          lastSlot = slot ?? -1;
        }
        tuples[t] = lastSlot;
      }
    };
    lookUp();
    if (this.used + missing.size + missingTuples.size > this.capacity + this.firstFree) {
      // Full: start over with this batch's words and tuples (a batch with more distinct ones than the capacity
      // simply grows the table for this call; it is emptied again by the next batch that does not fit).
      this.slotOf.clear();
      this.slotById.fill(-1);
      this.tupleSlot.clear();
      this.used = this.firstFree;
      missing = new Set();
      missingTuples = new Map();
      lookUp();
    }
    if (missing.size > 0) {
      this.add([...missing]);
      for (let t = 0; t < n; t++) {
        if (slots[t] >= 0) continue;
        slots[t] = this.slotOf.get(word(t))!;
        this.rememberSlot(ids[t], slots[t]);
      }
    }
    if (context && tuples && missingTuples.size > 0) {
      const first = [...missingTuples.values()];
      this.addTuples([...missingTuples.keys()], context.keys.map((k) => Int32Array.from(first, (t) => k[t])));
      for (let t = 0; t < n; t++) if (tuples[t] === -1) tuples[t] = this.tupleSlot.get(context.codes[t])!;
    }
    // With context features each token has its own run count: runStarts[t] .. runStarts[t + 1] − 1.
    const runStarts = tuples ? take(n + 1) : null;
    const offsets = this.offsets(slots, tuples, sentenceStarts, take(n * this.runs), runStarts);
    const scores = new Float32Array(n * this.C);
    const native = this.nativeKernels();
    if (native) native.gatherSumReluLinear(this.blocks, offsets, n, this.runs, this.H, this.bias, this.ut, this.net.output.b, this.C, scores, runStarts ?? undefined);
    else for (let start = 0; start < n; start += CHUNK) this.scoreChunk(offsets, runStarts, start, Math.min(CHUNK, n - start), scores);
    return { scores, n, sentenceStarts };
  }

  /** The tfjs path for tokens start .. start+count: the block sums in JS, then the activation and output layer as tfjs ops. */
  private scoreChunk(offsets: Int32Array, runStarts: Int32Array | null, start: number, count: number, scores: Float32Array): void {
    const { H, blocks, bias } = this;
    const pre = new Float32Array(count * H);
    for (let t = 0; t < count; t++) {
      const o = t * H;
      const row = runStarts ? runStarts[start + t] : (start + t) * this.runs;
      const runs = runStarts ? runStarts[start + t + 1] - row : this.runs; // at least the width's word runs
      addRuns(pre, o, bias, 0, blocks, offsets, row, Math.min(RUNS_PER_PASS, runs), H);
      for (let p = RUNS_PER_PASS; p < runs; p += RUNS_PER_PASS) addRuns(pre, o, pre, o, blocks, offsets, row + p, Math.min(RUNS_PER_PASS, runs - p), H);
    }
    this.outLayer ??= { W: tf.keep(tf.tensor2d(this.net.output.W, [H, this.C])), b: tf.keep(tf.tensor1d(this.net.output.b)) };
    const { W, b } = this.outLayer;
    const activation = getActivation(this.net.hidden.activation);
    const s = tf.tidy(() => tf.fused.matMul({ a: activation.fn(tf.tensor2d(pre, [count, H])) as tf.Tensor2D, b: W, bias: b }));
    scores.set(s.dataSync() as Float32Array, start * this.C);
    s.dispose();
  }

  /**
   * Float offset of block(slot(t+p-m))[p] for every token t and position p (padding blocks past sentence edges),
   * runs t·width .. Without `runStarts` (no context features) that is all. With it, each token's word runs are
   * followed by the tuple run of each position inside the sentence whose tuple is not the base one, and
   * runStarts[t] .. runStarts[t + 1] − 1 are token t's runs.
   */
  private offsets(slots: Int32Array, tuples: Int32Array | null, starts: Int32Array, off: Int32Array, runStarts: Int32Array | null): Int32Array {
    const { H, width, cols } = this;
    const m = this.net.window;
    let r = 0;
    for (let si = 0; si + 1 < starts.length; si++) {
      const a = starts[si];
      const len = starts[si + 1] - a;
      for (let i = 0; i < len; i++) {
        if (runStarts) runStarts[a + i] = r;
        for (let p = 0; p < width; p++) {
          const j = i + p - m;
          const slot = j < 0 ? PAD_START_SLOT : j >= len ? PAD_END_SLOT : slots[a + j];
          off[r++] = slot * cols + p * H;
        }
        if (!tuples) continue;
        for (let p = Math.max(0, m - i), end = Math.min(width, len - i + m); p < end; p++) {
          const tuple = tuples[a + i + p - m];
          if (tuple !== NO_RUN) off[r++] = tuple * cols + p * H;
        }
      }
    }
    if (runStarts) runStarts[runStarts.length - 1] = r;
    return off;
  }

  /** The backend's host kernels when they score this network (relu, not disabled), else null. */
  private nativeKernels(): HostKernels | null {
    return this.useNative && this.net.hidden.activation === 'relu' ? hostKernels() : null;
  }

  /** Whether the backend's native kernel scores (relu networks on the native backend). */
  get native(): boolean {
    return this.nativeKernels() !== null;
  }

  dispose(): void {
    this.slotOf.clear();
    this.tupleSlot.clear();
    this.outLayer?.W.dispose();
    this.outLayer?.b.dispose();
    this.outLayer = null;
  }
}
