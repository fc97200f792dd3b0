/** Row bookkeeping of id layers: distinct ids with segments, strided gather, per-segment sums (known values). */
import { describe, expect, it } from 'vitest';
import { distinctIds, gatherRows, sumRowsBySegment } from '../src/index.js';

describe('row helpers', () => {
  it('distinctIds: ids in order of first appearance, each position its id\'s index; scratch left all -1', () => {
    const slot = new Int32Array(6).fill(-1);
    const { unique, segment } = distinctIds(Int32Array.from([4, 1, 4, 0, 1]), 6, slot, () => new Error('bad'));
    expect(Array.from(unique)).toEqual([4, 1, 0]);
    expect(Array.from(segment)).toEqual([0, 1, 0, 2, 1]);
    expect(Array.from(slot)).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(() => distinctIds(Int32Array.from([2, 6]), 6, slot, (id, at) => new Error(`id ${id} at ${at}`))).toThrow('id 6 at 1');
    expect(Array.from(slot)).toEqual([-1, -1, -1, -1, -1, -1]); // reset even when it throws
  });

  it('gatherRows writes rows into a strided matrix; sumRowsBySegment reads them back summed per segment', () => {
    const table = Float32Array.from([0, 1, 10, 11, 20, 21]); // 3 rows x 2
    const out = new Float32Array(3 * 5).fill(-1);
    gatherRows(table, 2, Int32Array.from([2, 0, 2]), out, 5, 1);
    expect(Array.from(out)).toEqual([-1, 20, 21, -1, -1, -1, 0, 1, -1, -1, -1, 20, 21, -1, -1]);
    const g = Float32Array.from({ length: 15 }, (_, i) => i);
    expect(Array.from(sumRowsBySegment(g, 5, 1, Int32Array.from([0, 1, 0]), 2, 2))).toEqual([1 + 11, 2 + 12, 6, 7]);
  });
});
