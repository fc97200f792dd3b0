import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSame, expectClose, nativeAndStock } from './compare.js';
import { built, titled } from './native-status.js';
import { randnArray, seededNormal } from './random.js';

const normal = seededNormal(11);
const randn = (shape: number[]) => tf.tensor(randnArray(normal, shape.reduce((a, c) => a * c, 1)), shape);

/** Shapes of A and B as stored, given logical [...batch, m, k] x [...batch, k, n] and the transposes. */
function shapes(aBatch: number[], bBatch: number[], m: number, n: number, k: number, tA: boolean, tB: boolean): [number[], number[]] {
  return [[...aBatch, ...(tA ? [k, m] : [m, k])], [...bBatch, ...(tB ? [n, k] : [k, n])]];
}

function checkMatMul(aBatch: number[], bBatch: number[], m: number, n: number, k: number, tA: boolean, tB: boolean): void {
  const [as, bs] = shapes(aBatch, bBatch, m, n, k, tA, tB);
  const a = randn(as);
  const b = randn(bs);
  checkSame(`matMul [${as}]${tA ? 'ᵀ' : ''} x [${bs}]${tB ? 'ᵀ' : ''}`, () => tf.matMul(a, b, tA, tB));
  tf.dispose([a, b]);
}

describe.skipIf(!built)(titled('native BatchMatMul equals the stock cpu kernel'), () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('2-D, every transpose combination, 1-sized and empty dims', () => {
    const dims: [number, number, number][] = [[5, 3, 7], [1, 1, 1], [1, 9, 4], [8, 1, 4], [6, 5, 1], [0, 4, 3], [4, 0, 3], [4, 3, 0], [33, 17, 65]];
    for (const [m, n, k] of dims) for (const tA of [false, true]) for (const tB of [false, true]) checkMatMul([], [], m, n, k, tA, tB);
  });

  it('batch dims: equal, broadcast on either side, rank 4, empty batch, with transposes', () => {
    const cases: [number[], number[]][] = [[[4], [4]], [[4], []], [[], [4]], [[1], [3]], [[3], [1]], [[2, 3], [3]], [[2, 3], [2, 3]], [[0], [0]], [[2, 3], []]];
    for (const [ab, bb] of cases) for (const tA of [false, true]) for (const tB of [false, true]) checkMatMul(ab, bb, 5, 4, 6, tA, tB);
  });

  it('random shapes (seeded): 40 cases over m, n, k in [0, 40], batch in {none, equal, broadcast}', () => {
    const r = seededNormal(99);
    const int = (hi: number) => Math.min(hi, Math.floor(Math.abs(r()) * hi * 0.6));
    for (let c = 0; c < 40; c++) {
      const [m, n, k] = [int(40), int(40), int(40)];
      const kind = c % 3;
      const batch = 1 + int(4);
      const ab = kind === 0 ? [] : [batch];
      const bb = kind === 0 ? [] : kind === 1 ? [batch] : [];
      checkMatMul(ab, bb, m, n, k, c % 2 === 0, c % 4 < 2);
    }
  });

  it('inputs made non-contiguous by transpose and slice', () => {
    const x = randn([9, 7]);
    const y = randn([10, 12]);
    checkSame('transpose(x) · slice(y)', () => tf.matMul(tf.transpose(x), tf.slice(y, [1, 2], [9, 5])));
    const z = randn([3, 6, 4]);
    checkSame('transpose(z, [0,2,1]) · x-slice', () => tf.matMul(tf.transpose(z, [0, 2, 1]), tf.slice(x, [0, 0], [6, 3])));
    tf.dispose([x, y, z]);
  });

  it('broadcasts batch dims [2,1] x [1,3] correctly (the stock kernel needs them tiled)', () => {
    const a = randn([2, 1, 4, 5]);
    const b = randn([1, 3, 5, 6]);
    const [nat, stock] = nativeAndStock(
      () => tf.matMul(a, b),
      () => tf.matMul(tf.tile(a, [1, 3, 1, 1]), tf.tile(b, [2, 1, 1, 1])),
    );
    expect(nat[0].shape).toEqual([2, 3, 4, 6]);
    expectClose(nat, stock, 'broadcast [2,1]x[1,3]');
    tf.dispose([a, b]);
  });

  it('int32 inputs go to the stock kernel and stay int32', () => {
    const a = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32');
    const nat = checkSame('int32 matMul', () => tf.matMul(a, a));
    expect(nat[0].dtype).toBe('int32');
    expect([...nat[0].values]).toEqual([7, 10, 15, 22]);
    a.dispose();
  });

  it('rejects mismatched inner dims with tfjs\'s message', () => {
    const a = randn([2, 3]);
    const b = randn([4, 2]);
    expect(() => nativeAndStock(() => tf.matMul(a, b))).toThrow(/inner shapes \(3\) and \(4\)/);
    tf.dispose([a, b]);
  });
});
