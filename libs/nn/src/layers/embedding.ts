/**
 * Embedding lookup over a row-sparse table (a host Float32Array [rows, dim]). forward(ids) copies the looked-up
 * rows into a [n, dim] tensor (or [n / inputLength, inputLength * dim] when each example has inputLength ids,
 * e.g. a window). backward queues dy (a tensor, read later outside tf.tidy by flushSparseGrad) with each
 * position's unique-row index; the flush sums duplicate ids into one row per unique id, so the optimizer touches
 * only the rows in the batch — never a pass over the whole table.
 */
import { tf, Rng } from '@window-ner/tensor';
import type { ForwardContext, ForwardResult, Layer, SparseParam } from '../core/types.js';
import { sparseParam, addSparseGrad, mergeSparseRows } from '../core/params.js';
import type { StridedBackward } from './concat-window.js';
import { NnError, checkPositiveInt } from '../core/errors.js';
import { distinctIds, gatherRows, sumRowsBySegment, type DistinctIds } from '../core/rows.js';
import { initializers } from '../initializers/initializers.js';
import { defaultName } from './naming.js';

export interface EmbeddingConfig {
  type?: 'embedding';
  name?: string;
  rows: number;
  dim: number;
  /** Ids per example: output [n / inputLength, inputLength * dim]. Default 1 (output [n, dim]). */
  inputLength?: number;
  initializer?: string;
  /** L2/L1 on the looked-up rows (default false: embeddings are usually not decayed). */
  regularize?: boolean;
  trainable?: boolean;
}

export class Embedding implements Layer<Int32Array, null> {
  readonly name: string;
  readonly table: SparseParam;
  private readonly inputLength: number;
  /** Scratch for distinctIds: one slot per table row, -1 between forwards. */
  private slotOf = new Int32Array(0);

  constructor(readonly config: EmbeddingConfig, rng: Rng = new Rng(), table?: Float32Array) {
    this.name = config.name ?? defaultName('embedding');
    const where = `Embedding "${this.name}"`;
    checkPositiveInt(where, 'rows', config.rows);
    checkPositiveInt(where, 'dim', config.dim);
    this.inputLength = checkPositiveInt(where, 'inputLength', config.inputLength ?? 1);
    const values = table ?? initializers.get(config.initializer ?? 'randomNormal')([config.rows, config.dim], rng);
    this.table = sparseParam(`${this.name}/table`, config.rows, config.dim, values, {
      regularize: config.regularize ?? false,
      trainable: config.trainable ?? true,
    });
  }

  forward(ids: Int32Array, _ctx: ForwardContext): ForwardResult<tf.Tensor, null> {
    const { dim } = this.table;
    const n = ids.length;
    if (n % this.inputLength !== 0) {
      throw new NnError(`Embedding "${this.name}": ${n} ids is not a multiple of inputLength ${this.inputLength}`);
    }
    const out = new Float32Array(n * dim);
    const { unique, segment } = this.gather(ids, out, dim, 0);
    const y = tf.tensor2d(out, [n / this.inputLength, this.inputLength * dim]);
    return {
      y,
      backward: (dy) => {
        if (!this.table.trainable) return null;
        // Duplicate ids are summed on the host when the grad is flushed (tfjs cpu's unsortedSegmentSum loops
        // over segments with a mask each: ~20 s for one 256-window batch).
        addSparseGrad(this.table, unique, tf.reshape(dy, [n, dim]), segment);
        return null;
      },
    };
  }

  /** ConcatWindow's fast path: rows written in place; the backward sums dL/dy per unique id on the host. */
  gatherInto(ids: Int32Array, out: Float32Array, stride: number, offset: number, _ctx: ForwardContext): StridedBackward {
    const { unique, segment } = this.gather(ids, out, stride, offset);
    return (dy, dyStride, dyOffset) => {
      if (!this.table.trainable) return;
      mergeSparseRows(this.table, unique, sumRowsBySegment(dy, dyStride, dyOffset, segment, unique.length, this.table.dim));
    };
  }

  /** Copy row ids[i] to out[i * stride + offset ..]; the distinct ids and each position's segment for the backward. */
  private gather(ids: Int32Array, out: Float32Array, stride: number, offset: number): DistinctIds {
    const { rows, dim, table } = this.table;
    const slotOf = this.slotOf.length === rows ? this.slotOf : (this.slotOf = new Int32Array(rows).fill(-1));
    const found = distinctIds(ids, rows, slotOf, (id, i) => new NnError(`Embedding "${this.name}": id ${id} at position ${i} is outside [0, ${rows})`));
    gatherRows(table, dim, ids, out, stride, offset);
    return found;
  }

  params(): SparseParam[] {
    return [this.table];
  }

  getConfig() {
    return {
      type: 'embedding',
      name: this.name,
      rows: this.config.rows,
      dim: this.config.dim,
      inputLength: this.inputLength,
      initializer: this.config.initializer ?? 'randomNormal',
      regularize: this.table.regularize,
      trainable: this.table.trainable,
    };
  }
}
