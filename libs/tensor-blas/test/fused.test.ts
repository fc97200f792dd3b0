import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { checkSame } from './compare.js';
import { built, titled } from './native-status.js';
import { randnArray, seededNormal } from './random.js';

const normal = seededNormal(23);
const randn = (shape: number[], scale = 1) => tf.tensor(randnArray(normal, shape.reduce((a, c) => a * c, 1)).map((v) => v * scale), shape);

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const;

describe.skipIf(!built)(titled('native _FusedMatMul equals the stock cpu kernel'), () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('every activation x bias shape (none, per-column, [1], scalar, full, column) x transposes', () => {
    // Scale 3 so relu6 clips and sigmoid/elu see large arguments.
    const a = randn([6, 8], 3);
    const b = randn([8, 5]);
    const aT = tf.transpose(a);
    const bT = tf.transpose(b);
    const biases: [string, tf.Tensor | undefined][] = [
      ['none', undefined], ['[5]', randn([5])], ['[1]', randn([1])], ['scalar', tf.scalar(0.7)], ['[6,5]', randn([6, 5])], ['[6,1]', randn([6, 1])],
    ];
    const prelus: [string, tf.Tensor][] = [['[5]', randn([5], 0.3)], ['[1]', randn([1], 0.3)], ['[6,5]', randn([6, 5], 0.3)]];
    for (const activation of ACTIVATIONS) {
      for (const [bl, bias] of biases) {
        for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
          const weights = activation === 'prelu' ? prelus : ([['', undefined]] as [string, tf.Tensor | undefined][]);
          for (const [pl, preluActivationWeights] of weights) {
            const label = `fused ${activation}${pl} bias ${bl} tA=${tA} tB=${tB}`;
            checkSame(label, () => tf.fused.matMul({ a: tA ? aT : a, b: tB ? bT : b, transposeA: tA, transposeB: tB, bias, activation, preluActivationWeights }));
          }
        }
      }
    }
    for (const alpha of [0.01, 0.5]) {
      checkSame(`leakyrelu alpha ${alpha}`, () => tf.fused.matMul({ a, b, activation: 'leakyrelu', leakyreluAlpha: alpha }));
    }
    tf.dispose([a, b, aT, bT, ...biases.map(([, t]) => t).filter((t): t is tf.Tensor => !!t), ...prelus.map(([, t]) => t)]);
  });

  it('batched, 1-sized and empty dims', () => {
    const cases: [number[], number[], number[]][] = [
      [[3, 6, 8], [8, 5], [5]], [[3, 6, 8], [3, 8, 5], [5]], [[1, 1], [1, 1], [1]], [[0, 4], [4, 3], [3]], [[4, 0], [0, 3], [3]], [[2, 0, 4], [4, 3], [3]],
    ];
    for (const [as, bs, biasShape] of cases) {
      const [a, b, bias] = [randn(as), randn(bs), randn(biasShape)];
      for (const activation of ['relu', 'sigmoid'] as const) {
        checkSame(`fused [${as}]x[${bs}] + [${biasShape}] ${activation}`, () => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation }));
      }
      tf.dispose([a, b, bias]);
    }
  });
});
