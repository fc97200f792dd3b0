/**
 * Row bookkeeping for layers that look rows up by id (Embedding, NER's chars feature): a batch's distinct ids with
 * each position's index among them (the segment its gradient is summed into), copying rows into a strided matrix
 * (ConcatWindow's window rows), and summing strided gradient rows back per segment. Plain loops over typed arrays:
 * a Map per step and a subarray view per row both showed up in training profiles.
 */

export interface DistinctIds {
  /** The distinct ids, in order of first appearance. */
  unique: Int32Array;
  /** Per position, the index of its id in `unique`. */
  segment: Int32Array;
}

/**
 * Distinct ids of `ids` (each in [0, limit), else `bad(id, position)` is thrown). `slotOf` is scratch with at
 * least `limit` entries, all -1; it is left that way.
 */
export function distinctIds(ids: Int32Array, limit: number, slotOf: Int32Array, bad: (id: number, position: number) => Error): DistinctIds {
  const segment = new Int32Array(ids.length);
  const unique: number[] = [];
  try {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < limit)) throw bad(id, i);
      let s = slotOf[id];
      if (s < 0) {
        s = slotOf[id] = unique.length;
        unique.push(id);
      }
      segment[i] = s;
    }
  } finally {
    for (const id of unique) slotOf[id] = -1;
  }
  return { unique: Int32Array.from(unique), segment };
}

/** out[i·stride + offset .. + dim] = src[rows[i]·dim .. + dim] for every i. */
export function gatherRows(src: Float32Array, dim: number, rows: Int32Array, out: Float32Array, stride: number, offset: number): void {
  for (let i = 0; i < rows.length; i++) {
    const from = rows[i] * dim;
    const to = i * stride + offset;
    for (let j = 0; j < dim; j++) out[to + j] = src[from + j];
  }
}

/** [count, dim] sums: row segment[i] += g[i·stride + offset .. + dim] for every i. */
export function sumRowsBySegment(g: Float32Array, stride: number, offset: number, segment: Int32Array, count: number, dim: number): Float32Array {
  const sums = new Float32Array(count * dim);
  for (let i = 0; i < segment.length; i++) {
    const to = segment[i] * dim;
    const from = i * stride + offset;
    for (let j = 0; j < dim; j++) sums[to + j] += g[from + j];
  }
  return sums;
}
