import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { checkSame } from './compare.js';
import { built, titled } from './native-status.js';
import { randnArray, seededNormal } from './random.js';

const normal = seededNormal(5);
const randn = (shape: number[]) => tf.tensor(randnArray(normal, shape.reduce((a, c) => a * c, 1)), shape);

describe.skipIf(!built)(titled('gradients through native kernels equal stock'), () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // tfjs's matMul gradient does not reduce over broadcast batch dims (it throws on either backend), so batches are equal.
  it('tf.grads of matMul, every transpose combination, 2-D and batched', () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[7, 5], [5, 4], false, false], [[5, 7], [5, 4], true, false], [[7, 5], [4, 5], false, true], [[5, 7], [4, 5], true, true],
      [[3, 7, 5], [3, 5, 4], false, false], [[3, 5, 7], [3, 5, 4], true, false], [[3, 5, 7], [3, 4, 5], true, true],
    ];
    for (const [as, bs, tA, tB] of cases) {
      const [a, b] = [randn(as), randn(bs)];
      const out = tf.matMul(a, b, tA, tB);
      const dy = randn(out.shape);
      checkSame(`grad matMul [${as}]${tA ? 'ᵀ' : ''} x [${bs}]${tB ? 'ᵀ' : ''}`, () => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, tA, tB))([a, b], dy));
      tf.dispose([a, b, out, dy]);
    }
  });

  it('a Dense step: grads of tanh(x W + b) and of fused matMul with bias and each activation', () => {
    const [x, w, b, dy] = [randn([32, 21]), randn([21, 12]), randn([12]), randn([32, 12])];
    checkSame('dense tanh', () => tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.tanh(tf.add(tf.matMul(xx, ww), bb)))([x, w, b], dy));
    checkSame('dense sigmoid', () => tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sigmoid(tf.add(tf.matMul(xx, ww), bb)))([x, w, b], dy));
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const) {
      checkSame(`grad fused ${activation}`, () =>
        tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.fused.matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb, activation }))([x, w, b], dy));
    }
    tf.dispose([x, w, b, dy]);
  });
});
