/**
 * Ragged: a batch of variable-length sequences packed row after row (thinc's Ragged), so sequence layers do no
 * work on padding. Sequence s is rows [Σ_{r<s} lengths[r], + lengths[s]) of `data`.
 */
import type { tf } from '@window-ner/tensor';
import { NnError } from '../core/errors.js';

export interface Ragged {
  /** [Σ lengths, d]: every sequence's rows, one after another. */
  data: tf.Tensor2D;
  /** Rows of each sequence (0 allowed). */
  lengths: Int32Array;
}

/** Start row of each sequence, plus the total at the end (length lengths.length + 1). */
export function raggedStarts(lengths: Int32Array): Int32Array {
  const starts = new Int32Array(lengths.length + 1);
  for (let s = 0; s < lengths.length; s++) {
    if (!(lengths[s] >= 0)) throw new NnError(`ragged: length ${lengths[s]} of sequence ${s} is negative`);
    starts[s + 1] = starts[s] + lengths[s];
  }
  return starts;
}

/** Checks that `x` is [Σ lengths, dim] and returns its start rows. */
export function checkRagged(where: string, x: Ragged, dim: number): Int32Array {
  const starts = raggedStarts(x.lengths);
  const total = starts[x.lengths.length];
  if (x.data.rank !== 2 || x.data.shape[0] !== total || x.data.shape[1] !== dim) {
    throw new NnError(`${where}: input data has shape [${x.data.shape}], expected [${total}, ${dim}] (Σ lengths = ${total} rows of ${dim})`);
  }
  return starts;
}
