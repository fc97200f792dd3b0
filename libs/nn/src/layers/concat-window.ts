/**
 * ConcatWindow: windows of looked-up vectors as one row each, in the manner of thinc's concatenate +
 * ExtractWindow. The input is one id array per part layer, each holding `width` ids per window (position-major);
 * part i maps its ids to [windows * width, d_i] (an Embedding, or any layer from ids to vectors). Row w of the
 * output is [part_0(id_0[w,0]) ... part_k(id_k[w,0]) | ... | part_0(id_0[w,width-1]) ...]: positions in order,
 * the parts concatenated within a position. Backward splits dL/dy back into each part's [windows * width, d_i]
 * rows and hands them to that part (a lookup table queues row-sparse gradients); there is no dL/d(ids).
 */
import { tf } from '@window-ner/tensor';
import type { ForwardContext, ForwardResult, Layer, Param } from '../core/types.js';
import { NnError, checkPositiveInt } from '../core/errors.js';
import { defaultName } from './naming.js';

/** Reads dL/dy for the rows a gatherInto wrote, from the same strided layout, and accumulates the part's grads. */
export type StridedBackward = (dy: Float32Array, stride: number, offset: number) => void;

/**
 * A layer from ids to one vector per id ([ids.length, dim]). One that can also write its vectors straight into
 * columns offset..offset+dim of a row-major matrix with `stride` columns (gatherInto) spares ConcatWindow a
 * tensor and a copy per part each way; it returns null when it cannot this time (the forward is used then).
 */
export type IdLayer = Layer<Int32Array, unknown> & {
  gatherInto?(ids: Int32Array, out: Float32Array, stride: number, offset: number, ctx: ForwardContext): StridedBackward | null;
};

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
    for (let i = 0; i < ids.length; i++) {
      if (ids[i].length !== n) throw new NnError(`ConcatWindow "${this.name}": part ${i} has ${ids[i].length} ids, part 0 has ${n}`);
    }
    const only = this.parts.length === 1 ? this.parts[0].layer : null;
    if (only && !only.gatherInto) {
      const r = this.partForward(0, ids[0], ctx);
      return { y: tf.reshape(r.y, [n / this.width, this.outputDim]), backward: (dy) => (r.backward(tf.reshape(dy, [n, this.positionDim])), null) };
    }
    // Built on the host: tfjs cpu's concat/split along axis 1 go element by element through TensorBuffer (they
    // were most of a training step); parts that can write their rows in place (gatherInto) do, the others are
    // interleaved from their output. Reading a cpu tensor is free.
    const D = this.positionDim;
    const out = new Float32Array(n * D);
    const backs: ((g: Float32Array) => void)[] = [];
    this.parts.forEach((part, i) => {
      const off = this.offsets[i];
      const strided = part.layer.gatherInto?.(ids[i], out, D, off, ctx) ?? null;
      if (strided) {
        backs.push((g) => strided(g, D, off));
        return;
      }
      const r = this.partForward(i, ids[i], ctx);
      interleave(r.y.dataSync() as Float32Array, out, n, part.dim, D, off, true);
      // A part without trainable params has nothing to learn from its gradient (ids have none).
      if (!part.layer.params().some((p) => p.trainable)) return;
      backs.push((g) => {
        const rows = new Float32Array(n * part.dim);
        interleave(rows, g, n, part.dim, D, off, false);
        r.backward(tf.tensor2d(rows, [n, part.dim]));
      });
    });
    return {
      y: tf.tensor2d(out, [n / this.width, this.outputDim]),
      backward: (dy) => {
        if (backs.length === 0) return null;
        const g = dy.dataSync() as Float32Array;
        for (const b of backs) b(g);
        return null;
      },
    };
  }

  private partForward(i: number, ids: Int32Array, ctx: ForwardContext): ForwardResult<tf.Tensor, unknown> {
    const p = this.parts[i];
    const r = p.layer.forward(ids, ctx);
    if (r.y.rank !== 2 || r.y.shape[0] !== ids.length || r.y.shape[1] !== p.dim) {
      throw new NnError(`ConcatWindow "${this.name}": part ${i} gave shape [${r.y.shape}], expected [${ids.length}, ${p.dim}]`);
    }
    return r;
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
