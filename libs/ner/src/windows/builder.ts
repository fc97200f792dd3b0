/**
 * Builds the dense input X [batch, (2m+1) * featureDim] for a batch of windows by copying feature rows into one
 * reused Float32Array (no allocation per step), and scatters dL/dX back into row-sparse embedding gradients.
 * Layout of a row: position-major, then features in config order: [f1(w_{i-m}) f2(w_{i-m}) ... f1(w_{i+m}) ...].
 */
import { mergeSparseRows } from '@window-ner/nn';
import type { Rng } from '@window-ner/tensor';
import type { Feature } from '../features/types';
import type { WindowSet } from './windows';

export interface BatchOptions {
  /** Probability of replacing a (trainable) feature id by its <unk> row. */
  wordDropout?: number;
  /** Std of Gaussian noise added to trainable-feature values. */
  noise?: number;
  rng?: Rng;
}

export class WindowBuilder {
  readonly width: number;
  readonly featureDim: number;
  readonly inputDim: number;
  /** Offset of each feature inside one position's block. */
  readonly featureOffsets: number[];
  private x: Float32Array;
  /** The ids actually used for the last batch (after word dropout), per feature: [batch * width]. */
  private lastIds: Int32Array[];
  private lastCount = 0;
  /** Scratch for sparse gradient accumulation: row id -> slot in the packed gradient, -1 if untouched. */
  private slotOf: Int32Array[] = [];
  /** Packed gradient buffers per feature, reused across steps. */
  private gradBuf: Float32Array[] = [];

  constructor(
    readonly features: Feature[],
    readonly m: number,
    capacity = 256,
  ) {
    this.width = 2 * m + 1;
    this.featureOffsets = [];
    let d = 0;
    for (const f of features) {
      this.featureOffsets.push(d);
      d += f.dim;
    }
    this.featureDim = d;
    this.inputDim = d * this.width;
    this.x = new Float32Array(capacity * this.inputDim);
    this.lastIds = features.map(() => new Int32Array(capacity * this.width));
  }

  /** Make room for `rows` windows (keeps nothing: call before filling a batch). */
  reserve(rows: number): void {
    if (rows * this.inputDim > this.x.length) {
      this.x = new Float32Array(rows * this.inputDim);
      this.lastIds = this.features.map(() => new Int32Array(rows * this.width));
    }
  }

  /**
   * Fill X for windows order[start .. start+count) of `set` and return a view of exactly count rows. The view
   * aliases the builder's buffer: it is overwritten by the next call.
   */
  fill(set: WindowSet, order: Int32Array | null, start: number, count: number, opts: BatchOptions = {}): Float32Array {
    this.reserve(count);
    for (let b = 0; b < count; b++) this.fillRow(set, order ? order[start + b] : start + b, b, opts);
    this.lastCount = count;
    const view = this.x.subarray(0, count * this.inputDim);
    const noise = opts.noise ?? 0;
    if (noise > 0 && opts.rng) this.addNoise(view, count, noise, opts.rng);
    return view;
  }

  /** Write window w of `set` into row `row` of the buffer (which must have room: see reserve). */
  fillRow(set: WindowSet, w: number, row: number, opts: BatchOptions = {}): void {
    const { width, inputDim, featureDim } = this;
    const drop = opts.wordDropout ?? 0;
    const rng = opts.rng;
    for (let fi = 0; fi < this.features.length; fi++) {
      const f = this.features[fi];
      const src = set.ids[fi];
      const used = this.lastIds[fi];
      const off = this.featureOffsets[fi];
      const dropHere = drop > 0 && rng !== undefined && f.unkId >= 0;
      for (let p = 0; p < width; p++) {
        let id = src[w * width + p];
        if (dropHere && id !== f.padStart && id !== f.padEnd && rng.next() < drop) id = f.unkId;
        used[row * width + p] = id;
        f.copyRow(id, this.x, row * inputDim + p * featureDim + off);
      }
    }
  }

  /** Replace the centre word of row b (already filled) by feature-row `id` of feature fi. */
  replaceCentre(b: number, fi: number, id: number): void {
    const f = this.features[fi];
    const p = this.m;
    this.lastIds[fi][b * this.width + p] = id;
    f.copyRow(id, this.x, b * this.inputDim + p * this.featureDim + this.featureOffsets[fi]);
  }

  /** Copy window row `from` of the last batch onto row `to` (both already in the buffer), ids included. */
  copyWindow(from: number, to: number): void {
    const d = this.inputDim;
    this.x.copyWithin(to * d, from * d, from * d + d);
    for (const used of this.lastIds) used.copyWithin(to * this.width, from * this.width, from * this.width + this.width);
  }

  /** The whole buffer view for the current batch (after fill/replace/copy operations). */
  view(count = this.lastCount): Float32Array {
    this.lastCount = count;
    return this.x.subarray(0, count * this.inputDim);
  }

  private addNoise(view: Float32Array, count: number, std: number, rng: Rng): void {
    for (let fi = 0; fi < this.features.length; fi++) {
      const f = this.features[fi];
      if (!f.trainable) continue;
      for (let b = 0; b < count; b++) {
        for (let p = 0; p < this.width; p++) {
          const o = b * this.inputDim + p * this.featureDim + this.featureOffsets[fi];
          for (let j = 0; j < f.dim; j++) view[o + j] += rng.normal(0, std);
        }
      }
    }
  }

  /**
   * Scatter dL/dX (count rows) into each trainable feature's SparseParam as unique rows + summed gradients.
   * Cost is O(batch x window x dim), never O(table).
   */
  scatterGrad(dx: Float32Array, count: number): void {
    const { width, inputDim, featureDim } = this;
    for (let fi = 0; fi < this.features.length; fi++) {
      const f = this.features[fi];
      if (!f.trainable) continue;
      const param = f.params()[0];
      if (!param) continue;
      const limit = f.trainableRows;
      if (!this.slotOf[fi] || this.slotOf[fi].length < limit) this.slotOf[fi] = new Int32Array(limit).fill(-1);
      const slotOf = this.slotOf[fi];
      const used = this.lastIds[fi];
      const d = f.dim;
      const rows: number[] = [];
      // Reused between steps: the optimizer consumes param.grad before the next scatter overwrites it.
      const need = count * width * d;
      const pending = param.gradRows !== null && param.grad !== null;
      if (!pending && (!this.gradBuf[fi] || this.gradBuf[fi].length < need)) this.gradBuf[fi] = new Float32Array(need);
      // A gradient still pending (two backward passes before one step) may live in the reused buffer: use a fresh one.
      const grad = pending ? new Float32Array(need) : this.gradBuf[fi];
      const off = this.featureOffsets[fi];
      for (let b = 0; b < count; b++) {
        for (let p = 0; p < width; p++) {
          const id = used[b * width + p];
          if (id >= limit) continue;
          let slot = slotOf[id];
          if (slot < 0) {
            slot = slotOf[id] = rows.length;
            rows.push(id);
            grad.fill(0, slot * d, slot * d + d);
          }
          const src = b * inputDim + p * featureDim + off;
          const dst = slot * d;
          for (let j = 0; j < d; j++) grad[dst + j] += dx[src + j];
        }
      }
      for (const id of rows) slotOf[id] = -1;
      const gradRows = Int32Array.from(rows);
      const packed = grad.subarray(0, rows.length * d);
      if (param.gradRows && param.grad) {
        // Accumulate onto gradients already pending (e.g. two backward passes before one optimizer step).
        mergeSparseRows(param, gradRows, packed);
      } else {
        param.gradRows = gradRows;
        param.grad = packed;
      }
    }
  }
}
