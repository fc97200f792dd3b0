/**
 * ConcatWindow: windows of looked-up vectors as one row each, in the manner of thinc's concatenate +
 * ExtractWindow. The input is one id array per part layer, each holding `width` ids per window (position-major);
 * part i maps its ids to [windows * width, d_i] (an Embedding, or any layer from ids to vectors). Row w of the
 * output is [part_0(id_0[w,0]) ... part_k(id_k[w,0]) | ... | part_0(id_0[w,width-1]) ...]: positions in order,
 * the parts concatenated within a position. Backward splits dL/dy back into each part's [windows * width, d_i]
 * rows and hands them to that part (a lookup table queues row-sparse gradients); there is no dL/d(ids).
 */
import { tf } from '@window-ner/tensor';
import type { ForwardContext, ForwardResult, Layer, Param } from '../core/types';
import { NnError, checkPositiveInt } from '../core/errors';
import { defaultName } from './naming';

/** A layer from ids to one vector per id ([ids.length, dim]). */
export type IdLayer = Layer<Int32Array, unknown>;

export interface ConcatWindowPart {
  layer: IdLayer;
  /** Width of the part's vectors. */
  dim: number;
}

export class ConcatWindow implements Layer<readonly Int32Array[], null> {
  /** Offset of each part inside one position's block. */
  readonly offsets: number[];
  /** Σ d_i: the width of one position's block. */
  readonly positionDim: number;
  /** width · Σ d_i: the width of an output row. */
  readonly outputDim: number;

  constructor(
    readonly parts: ConcatWindowPart[],
    readonly width: number,
    readonly name: string = defaultName('concatWindow'),
  ) {
    if (parts.length === 0) throw new NnError(`ConcatWindow "${name}": needs at least one part`);
    checkPositiveInt(`ConcatWindow "${name}"`, 'width', width);
    this.offsets = [];
    let d = 0;
    for (const p of parts) {
      this.offsets.push(d);
      d += checkPositiveInt(`ConcatWindow "${name}"`, 'part dim', p.dim);
    }
    this.positionDim = d;
    this.outputDim = d * width;
  }

  forward(ids: readonly Int32Array[], ctx: ForwardContext): ForwardResult<tf.Tensor, null> {
    if (ids.length !== this.parts.length) throw new NnError(`ConcatWindow "${this.name}": ${ids.length} id arrays for ${this.parts.length} parts`);
    const n = ids[0].length;
    if (n % this.width !== 0) throw new NnError(`ConcatWindow "${this.name}": ${n} ids is not a multiple of the window width ${this.width}`);
    const rs = this.parts.map((p, i) => {
      if (ids[i].length !== n) throw new NnError(`ConcatWindow "${this.name}": part ${i} has ${ids[i].length} ids, part 0 has ${n}`);
      const r = p.layer.forward(ids[i], ctx);
      if (r.y.rank !== 2 || r.y.shape[0] !== n || r.y.shape[1] !== p.dim) {
        throw new NnError(`ConcatWindow "${this.name}": part ${i} gave shape [${r.y.shape}], expected [${n}, ${p.dim}]`);
      }
      return r;
    });
    if (rs.length === 1) {
      const r = rs[0];
      return { y: tf.reshape(r.y, [n / this.width, this.outputDim]), backward: (dy) => (r.backward(tf.reshape(dy, [n, this.positionDim])), null) };
    }
    // Interleaved on the host: tfjs cpu's concat/split along axis 1 go element by element through TensorBuffer
    // (they were most of a training step); reading a cpu tensor is free, and one copy per value is the floor.
    const D = this.positionDim;
    const out = new Float32Array(n * D);
    for (let i = 0; i < rs.length; i++) interleave(rs[i].y.dataSync() as Float32Array, out, n, this.parts[i].dim, D, this.offsets[i], true);
    return {
      y: tf.tensor2d(out, [n / this.width, this.outputDim]),
      backward: (dy) => {
        const g = dy.dataSync() as Float32Array;
        for (let i = 0; i < rs.length; i++) {
          // A part without trainable params has nothing to learn from its gradient (ids have none).
          if (!this.parts[i].layer.params().some((p) => p.trainable)) continue;
          const d = this.parts[i].dim;
          const part = new Float32Array(n * d);
          interleave(part, g, n, d, D, this.offsets[i], false);
          rs[i].backward(tf.tensor2d(part, [n, d]));
        }
        return null;
      },
    };
  }

  params(): Param[] {
    return this.parts.flatMap((p) => p.layer.params());
  }

  getConfig() {
    return { type: 'concatWindow', name: this.name, width: this.width, layers: this.parts.map((p) => ({ ...p.layer.getConfig(), dim: p.dim })) };
  }
}

/** Copy rows of `part` ([n, d]) into columns off..off+d of `whole` ([n, D]), or back when `into` is false. */
function interleave(part: Float32Array, whole: Float32Array, n: number, d: number, D: number, off: number, into: boolean): void {
  for (let row = 0; row < n; row++) {
    const p = row * d;
    const w = row * D + off;
    if (into) for (let j = 0; j < d; j++) whole[w + j] = part[p + j];
    else for (let j = 0; j < d; j++) part[p + j] = whole[w + j];
  }
}
