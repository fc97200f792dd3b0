/**
 * The `chars` feature: a word's vector from its characters (Ma & Hovy 2016; Chiu & Nichols 2016), so a word the
 * embedding table never saw still says what it looks like ("-ville", "Mc-", "-ese", digits, hyphens):
 *   character ids ──nn Embedding (charDim)──▶ nn Conv1D (dim filters of `width` characters, zero-padded at the
 *   word's edges) ──▶ nn MaxPool over the word ──▶ activation ──▶ [nn Highway × `highway`] ──▶ [dim]
 * The activation comes after the pool: for a monotone one (tanh, relu) that is the same function as a
 * convolution with the activation, on a word's dim values instead of dim per character, and the pool compares
 * unsaturated values (saturated tanh outputs tie in float32, and a tie sends the gradient to an arbitrary row).
 * trained end to end with the window network. A key is an index into the feature's list of distinct words
 * (keys 0 and 1 are the padding words before and after a sentence, each one special character), so a batch
 * computes the CNN once per distinct word of the batch, not once per window position, and scatters the vectors
 * to the positions (backward sums them back); within it, each distinct character is embedded and projected by the
 * filters once (Conv1D reads the characters' rows through an index). The vector depends only on the word: the fast tagging path caches
 * it inside the word's first-layer projections, so a word's CNN runs once per cache fill.
 *
 * Saved with the model (feature state): the character vocabulary, the word length cap, the special characters,
 * the layer sizes and the weight tables. Words longer than the cap keep their first ⌈cap/2⌉ and last
 * ⌊cap/2⌋ characters (prefix and suffix both carry the signal); characters outside the vocabulary share <unk>.
 */
import { ActivationLayer, Conv1D, Embedding, Highway, MaxPool, distinctIds, gatherRows, setParamValues, sumRowsBySegment, type DenseParam, type ForwardContext, type ForwardResult, type Param, type StridedBackward } from '@window-ner/nn';
import { Rng, tf } from '@window-ner/tensor';
import type { FeatureSpec } from '../config/config.js';
import { featureOptions } from './options.js';
import type { Feature, FeatureBuildContext, FeaturePlugin, FeatureState } from './types.js';

/** Character ids below the vocabulary: unknown character, the padding words' characters. */
const SPECIAL_CHARS = ['<unk>', '<s>', '</s>'];
const UNK_CHAR = 0;
/** Keys of the padding words (before / after a sentence). */
const PAD_START = 0;
const PAD_END = 1;

/** The spec keys of `chars` and their defaults. */
export const CHARS_DEFAULTS = {
  /** Filters: the width of the feature's vector. */
  dim: 30,
  /** Width of a character's embedding. */
  charDim: 25,
  /** Characters a filter spans. */
  width: 3,
  /** Characters kept of a longer word (prefix and suffix). */
  maxWordLength: 20,
  /** Most frequent training characters in the vocabulary; the rest are <unk>. */
  maxChars: 300,
  /** Training characters seen fewer times are <unk> (so <unk> is trained too). */
  minCount: 2,
  /** Activation of the pooled filters (see above). */
  activation: 'tanh',
  /** Highway layers after the pooled activation (0 = none; Kim et al. 2016 use one). */
  highway: 0,
  /** Words keyed at tagging time before the list is emptied (between batches). */
  cacheWords: 50_000,
};

export type CharsOptions = typeof CHARS_DEFAULTS;

/** The spec's options over the defaults; unknown keys and bad values are errors naming the key. */
export function charsOptions(spec: FeatureSpec): CharsOptions {
  return featureOptions('chars', spec, CHARS_DEFAULTS, (key, value, bad) => {
    if (key === 'activation') {
      if (typeof value !== 'string') throw bad('a string');
      return value;
    }
    const min = key === 'highway' ? 0 : 1;
    if (!Number.isInteger(value) || (value as number) < min) throw bad(`an integer >= ${min}`);
    return value;
  });
}

/** Character ids of a word: code points through the vocabulary, prefix + suffix past the cap. */
function charIds(word: string, index: Map<string, number>, cap: number): Int32Array {
  let chars = Array.from(word);
  if (chars.length > cap) chars = [...chars.slice(0, Math.ceil(cap / 2)), ...chars.slice(chars.length - Math.floor(cap / 2))];
  return Int32Array.from(chars, (c) => index.get(c) ?? UNK_CHAR);
}

interface CharsParts {
  chars: string[];
  options: CharsOptions;
  /** Initial or saved tables (absent: fresh random weights from rng). */
  tables?: FeatureState['tables'];
  rng: Rng;
}

class CharsFeature implements Feature {
  readonly type = 'chars';
  readonly dim: number;
  readonly padStart = PAD_START;
  readonly padEnd = PAD_END;
  /** Word dropout leaves characters alone: they are what an unknown word still has. */
  readonly unkKey = -1;
  readonly replacementKeys = null;
  readonly perWord = true;
  readonly embedding: Embedding;
  readonly conv: Conv1D;
  readonly pool: MaxPool;
  readonly activation: ActivationLayer;
  readonly highways: Highway[];
  private readonly index = new Map<string, number>();
  /** Character ids of every keyed word (key = position). */
  private words: Int32Array[] = [];
  private readonly keyOf = new Map<string, number>();
  /** Scratch: a key's slot among a batch's distinct words, -1 when absent (reset after each forward). */
  private slotOf = new Int32Array(0);
  /** Scratch: a character's slot among a batch's distinct characters, -1 when absent. */
  private readonly charSlot: Int32Array;

  constructor(
    readonly name: string,
    private readonly parts: CharsParts,
  ) {
    const o = parts.options;
    this.dim = o.dim;
    parts.chars.forEach((c, i) => this.index.set(c, SPECIAL_CHARS.length + i));
    const rows = SPECIAL_CHARS.length + parts.chars.length;
    // Ma & Hovy's U(±sqrt(3/charDim)): unit-variance-ish characters, so the filters start in tanh's linear range.
    const limit = Math.sqrt(3 / o.charDim);
    const table = parts.tables?.table.data ?? Float32Array.from({ length: rows * o.charDim }, () => parts.rng.uniform(-limit, limit));
    this.embedding = new Embedding({ name: `${name}/chars`, rows, dim: o.charDim }, undefined, table);
    this.charSlot = new Int32Array(rows).fill(-1);
    this.conv = new Conv1D({ name: `${name}/conv`, inputDim: o.charDim, filters: o.dim, width: o.width }, parts.rng);
    this.pool = new MaxPool({ name: `${name}/pool`, dim: o.dim });
    this.activation = new ActivationLayer({ name: `${name}/activation`, activation: o.activation });
    this.highways = Array.from({ length: o.highway }, (_, i) => new Highway({ name: `${name}/highway${i}`, dim: o.dim }, parts.rng));
    if (parts.tables) {
      for (const p of this.denseParams()) {
        const t = parts.tables[p.name.slice(name.length + 1)];
        if (!t) throw new Error(`chars feature: the model file has no "${p.name.slice(name.length + 1)}" table`);
        setParamValues(p, t.data);
      }
    }
    this.forget();
  }

  /** Back to the two padding words. */
  private forget(): void {
    this.words = [Int32Array.of(1), Int32Array.of(2)];
    this.keyOf.clear();
  }

  encode(tokens: readonly string[], out: Int32Array, offset: number): void {
    const cap = this.parts.options.maxWordLength;
    for (let i = 0; i < tokens.length; i++) {
      const w = tokens[i];
      let key = this.keyOf.get(w);
      if (key === undefined) {
        key = this.words.length;
        this.words.push(charIds(w, this.index, cap));
        this.keyOf.set(w, key);
      }
      out[offset + i] = key;
    }
  }

  forward(keys: Int32Array, ctx: ForwardContext): ForwardResult<tf.Tensor, null> {
    const out = new Float32Array(keys.length * this.dim);
    const backward = this.gatherInto(keys, out, this.dim, 0, ctx);
    return {
      y: tf.tensor2d(out, [keys.length, this.dim]),
      backward: (dy) => (backward(dy.dataSync() as Float32Array, this.dim, 0), null),
    };
  }

  /**
   * Each key's vector into out[i·stride + offset ..] (ConcatWindow's in-place path; forward uses it too). The
   * backward reads dL/dy from the same layout, sums it per distinct word and runs the CNN's backward.
   */
  gatherInto(keys: Int32Array, out: Float32Array, stride: number, offset: number, ctx: ForwardContext): StridedBackward {
    const F = this.dim;
    // The batch's distinct words and, per position, its word's slot.
    const slotOf = this.slotOf.length >= this.words.length ? this.slotOf : (this.slotOf = new Int32Array(this.words.length * 2).fill(-1));
    const { unique, segment } = distinctIds(keys, this.words.length, slotOf, (k, i) => new Error(`chars feature "${this.name}": key ${k} at position ${i} is not a keyed word (${this.words.length} words)`));
    // Their characters, word after word, as positions reading the batch's distinct characters (Conv1D's index):
    // each distinct character is embedded and projected once per batch.
    const lengths = Int32Array.from(unique, (k) => this.words[k].length);
    const text = new Int32Array(lengths.reduce((a, b) => a + b, 0));
    let at = 0;
    for (const k of unique) {
      text.set(this.words[k], at);
      at += this.words[k].length;
    }
    const { unique: chars, segment: index } = distinctIds(text, this.charSlot.length, this.charSlot, (c, i) => new Error(`chars feature "${this.name}": character id ${c} at ${i} is outside the vocabulary`));
    const e = this.embedding.forward(chars, ctx);
    const c = this.conv.forward({ data: e.y as tf.Tensor2D, lengths, index }, ctx);
    const p = this.pool.forward({ data: c.y as tf.Tensor2D, lengths }, ctx);
    const a = this.activation.forward(p.y, ctx);
    const hs: ForwardResult[] = [];
    let v = a.y;
    for (const h of this.highways) {
      hs.push(h.forward(v, ctx));
      v = hs[hs.length - 1].y;
    }
    gatherRows(v.dataSync() as Float32Array, F, segment, out, stride, offset);
    return (g, gStride, gOffset) => {
      let d: tf.Tensor = tf.tensor2d(sumRowsBySegment(g, gStride, gOffset, segment, unique.length, F), [unique.length, F]);
      for (let i = hs.length - 1; i >= 0; i--) d = hs[i].backward(d);
      e.backward(c.backward(p.backward(a.backward(d))));
    };
  }

  params(): Param[] {
    return [...this.embedding.params(), ...this.denseParams()];
  }

  /** The conv's and highways' params, saved as tables named after them (`conv/W`, `highway0/gate/b`, ...). */
  private denseParams(): DenseParam[] {
    return [...this.conv.params(), ...this.highways.flatMap((h) => h.params())];
  }

  frequentWords(): string[] {
    return [];
  }

  /** Empties the tag-time word list when it is over its bound (keys stay valid within a batch). */
  beginBatch(): void {
    if (this.words.length > this.parts.options.cacheWords) this.forget();
  }

  getState(): FeatureState {
    const o = this.parts.options;
    const tables: FeatureState['tables'] = { table: { data: this.embedding.table.table, shape: [this.embedding.table.rows, o.charDim] } };
    for (const p of this.denseParams()) tables[p.name.slice(this.name.length + 1)] = { data: p.value.dataSync() as Float32Array, shape: [...p.value.shape] };
    return { json: { chars: this.parts.chars, specialChars: SPECIAL_CHARS, options: o }, tables };
  }

  getConfig() {
    return { type: this.type, name: this.name, dim: this.dim };
  }
}

/** The character vocabulary: training characters seen at least minCount times, most frequent first, at most maxChars. */
function buildChars(tokens: string[][], o: CharsOptions): string[] {
  const counts = new Map<string, number>();
  for (const sentence of tokens) for (const w of sentence) for (const c of w) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts]
    .filter(([, n]) => n >= o.minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, o.maxChars)
    .map(([c]) => c);
}

export const charsPlugin: FeaturePlugin = {
  create(spec, ctx: FeatureBuildContext) {
    const options = charsOptions(spec);
    return new CharsFeature(ctx.name, { chars: buildChars(ctx.trainTokens, options), options, rng: ctx.rng });
  },
  restore(_spec, state, ctx) {
    const saved = state.json as { chars?: unknown; specialChars?: unknown; options?: Record<string, unknown> };
    if (!Array.isArray(saved.chars) || !saved.options) throw new Error(`chars feature: the model file's feature state has no character vocabulary`);
    if (JSON.stringify(saved.specialChars) !== JSON.stringify(SPECIAL_CHARS)) {
      throw new Error(`chars feature: the model was saved with special characters ${JSON.stringify(saved.specialChars)} but this build has ${JSON.stringify(SPECIAL_CHARS)}`);
    }
    const options = charsOptions({ type: 'chars', ...saved.options });
    if (!state.tables.table) throw new Error(`chars feature: the model file has no "table" table`);
    return new CharsFeature(ctx.name, { chars: saved.chars as string[], options, tables: state.tables, rng: new Rng(0) });
  },
};
