/**
 * A feature that is a lookup table: keys are row ids of an nn Embedding (trainable rows are a row-sparse param),
 * optionally with Gaussian noise on its vectors during training, and optionally with rows past the table that
 * the definition supplies at tag time (the embedding feature's store words). `embedding` and `casing` are built
 * from this, and so can a plugin module's feature (it gets `lookup` in its context, no imports needed).
 */
import { Embedding, type ForwardContext, type ForwardResult, type SparseParam, type StridedBackward } from '@window-ner/nn';
import { tf } from '@window-ner/tensor';
import type { Feature, FeatureState, KeyRange, SentenceContext } from './types.js';

export interface LookupDefinition {
  type: string;
  /** Layer name (its table param is `<name>/table`). */
  name: string;
  dim: number;
  /** rows x dim values, trained in place when `trainable`; absent: the identity (a one-hot per key, dim keys). */
  table?: Float32Array;
  trainable: boolean;
  encode(tokens: readonly string[], out: Int32Array, offset: number, training: boolean, context?: SentenceContext): void;
  /** False when a key depends on the token's context (see Feature.perWord); default true. */
  perWord?: boolean;
  padStart: number;
  padEnd: number;
  unkKey?: number;
  replacementKeys?: KeyRange | null;
  /** Std of training noise on the vectors (0 = off). */
  noise?: number;
  frequentWords?(limit: number): string[];
  /** The vector of a key past the table (rows resolved at tag time); never asked while training. */
  extraRow?(key: number): Float32Array;
  beginBatch?(): void;
  getState(): FeatureState;
}

export class LookupFeature implements Feature {
  readonly name: string;
  readonly table: Embedding;
  readonly type: string;
  readonly dim: number;
  readonly padStart: number;
  readonly padEnd: number;
  readonly unkKey: number;
  readonly replacementKeys: KeyRange | null;
  readonly perWord: boolean;

  constructor(private readonly def: LookupDefinition) {
    this.name = def.name;
    this.type = def.type;
    this.dim = def.dim;
    this.padStart = def.padStart;
    this.padEnd = def.padEnd;
    this.unkKey = def.unkKey ?? -1;
    this.replacementKeys = def.replacementKeys ?? null;
    this.perWord = def.perWord ?? true;
    const table = def.table ?? identity(def.dim);
    this.table = new Embedding({ name: def.name, rows: table.length / def.dim, dim: def.dim, trainable: def.trainable }, undefined, table);
  }

  encode(tokens: readonly string[], out: Int32Array, offset: number, training: boolean, context?: SentenceContext): void {
    this.def.encode(tokens, out, offset, training, context);
  }

  forward(keys: Int32Array, ctx: ForwardContext): ForwardResult<tf.Tensor, null> {
    const rows = this.table.table.rows;
    if (this.def.extraRow && !ctx.training && keys.some((k) => k >= rows)) return { y: this.withExtraRows(keys), backward: () => null };
    const r = this.table.forward(keys, ctx);
    const noise = this.def.noise ?? 0;
    if (!ctx.training || noise <= 0 || !this.table.table.trainable) return r;
    return { y: tf.add(r.y, tf.randomNormal(r.y.shape, 0, noise, 'float32', ctx.rng.int(2 ** 31))), backward: r.backward };
  }

  /** ConcatWindow's fast path: rows written in place (null when training adds noise: forward does that). */
  gatherInto(keys: Int32Array, out: Float32Array, stride: number, offset: number, ctx: ForwardContext): StridedBackward | null {
    if (ctx.training) return (this.def.noise ?? 0) > 0 && this.table.table.trainable ? null : this.table.gatherInto(keys, out, stride, offset, ctx);
    if (!this.def.extraRow || !keys.some((k) => k >= this.table.table.rows)) return this.table.gatherInto(keys, out, stride, offset, ctx);
    this.copyRows(keys, out, stride, offset);
    return () => {};
  }

  /** Inference over keys some of which lie past the table. */
  private withExtraRows(keys: Int32Array): tf.Tensor {
    const out = new Float32Array(keys.length * this.dim);
    this.copyRows(keys, out, this.dim, 0);
    return tf.tensor2d(out, [keys.length, this.dim]);
  }

  /** Row of each key (from the table, or the definition's extra rows past it) to out[i * stride + offset ..]. */
  private copyRows(keys: Int32Array, out: Float32Array, stride: number, offset: number): void {
    const { table, rows, dim } = this.table.table;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const src = k < rows ? table : this.def.extraRow!(k);
      const from = k < rows ? k * dim : 0;
      const to = i * stride + offset;
      for (let j = 0; j < dim; j++) out[to + j] = src[from + j];
    }
  }

  params(): SparseParam[] {
    return this.table.params();
  }

  frequentWords(limit: number): string[] {
    return this.def.frequentWords?.(limit) ?? [];
  }

  beginBatch(): void {
    this.def.beginBatch?.();
  }

  getState(): FeatureState {
    return this.def.getState();
  }

  getConfig() {
    return { type: this.type, name: this.name, dim: this.dim };
  }
}

function identity(n: number): Float32Array {
  const t = new Float32Array(n * n);
  for (let i = 0; i < n; i++) t[i * n + i] = 1;
  return t;
}

export function lookupFeature(def: LookupDefinition): Feature {
  return new LookupFeature(def);
}
