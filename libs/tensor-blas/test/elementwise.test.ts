import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registeredKernels, registerKernels, unregisterKernels, nativeKernelNames } from '../src/index.js';
import { checkSame } from './compare.js';
import { built, titled } from './native-status.js';
import { randnArray, seededNormal } from './random.js';

const normal = seededNormal(31);
const randn = (shape: number[]) => tf.tensor(randnArray(normal, shape.reduce((a, c) => a * c, 1)), shape);

const SPECIAL = [-100, -20, -9.5, -3, -1, -0.07, -0.0624, -1e-5, -1e-30, -0, 0, 1e-30, 1e-5, 0.0624, 0.07, 0.5, 1, 3, 9.5, 20, 100, NaN, Infinity, -Infinity];

describe.skipIf(!built)(titled('native elementwise kernels equal the stock cpu kernels'), () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('unary ops on special values and random data', () => {
    const special = tf.tensor1d(SPECIAL);
    const random = tf.mul(randn([64, 33]), 4);
    const ops: [string, (x: tf.Tensor) => tf.Tensor][] = [
      ['tanh', tf.tanh], ['sigmoid', tf.sigmoid], ['square', tf.square], ['relu', tf.relu], ['relu6', tf.relu6], ['elu', tf.elu],
      ['leakyRelu 0.01', (x) => tf.leakyRelu(x, 0.01)], ['leakyRelu 0.3', (x) => tf.leakyRelu(x, 0.3)], ['step', (x) => tf.step(x)],
      ['step 0.25', (x) => tf.step(x, 0.25)], ['exp', tf.exp], ['log', tf.log], ['neg', tf.neg], ['abs', tf.abs], ['sqrt', tf.sqrt],
      ['rsqrt', tf.rsqrt], ['reciprocal', tf.reciprocal],
    ];
    for (const [name, op] of ops) {
      checkSame(`${name} special`, () => op(special), { elementwise: true });
      checkSame(`${name} random`, () => op(random), { elementwise: true });
    }
    checkSame('tanh empty', () => tf.tanh(tf.zeros([0, 3])));
    tf.dispose([special, random]);
  });

  it('Sum over contiguous axes natively, other axis sets and dtypes via stock, keepDims, empty dims', () => {
    const x = randn([6, 5, 4]);
    for (const axis of [0, 1, 2, -1, [0, 1], [1, 2], [0, 1, 2], [0, 2], [2, 0]]) {
      for (const keepDims of [false, true]) checkSame(`sum axis ${axis} keepDims ${keepDims}`, () => tf.sum(x, axis, keepDims));
    }
    checkSame('sum all', () => tf.sum(x));
    const big = tf.add(randn([300, 7]), 1e4); // large common offset: float32 accumulation would drift
    checkSame('sum axis 0 with large offset', () => tf.sum(big, 0));
    checkSame('sum int32', () => tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0));
    checkSame('sum empty reduced axis', () => tf.sum(tf.zeros([0, 5]), 0));
    checkSame('sum empty kept axis', () => tf.sum(tf.zeros([5, 0]), 0));
    tf.dispose([x, big]);
  });

  it('binary ops: same shape, scalar, trailing vectors (flat loop); column and mixed broadcasts (strided loop)', () => {
    const full = randn([4, 5]);
    const others: [string, tf.Tensor][] = [
      ['[4,5]', randn([4, 5])], ['[5]', randn([5])], ['[1,5]', randn([1, 5])], ['[1,1,5]', randn([1, 1, 5])], ['scalar', tf.scalar(-1.5)],
      ['[4,1]', randn([4, 1])], ['[3,1,5]', randn([3, 1, 5])], ['[2,4,5]', randn([2, 4, 5])], ['[2,4,1]', randn([2, 4, 1])],
      ['[3,1,1]', randn([3, 1, 1])],
    ];
    const ops = [
      ['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div], ['maximum', tf.maximum], ['minimum', tf.minimum],
      ['greater', tf.greater], ['greaterEqual', tf.greaterEqual], ['less', tf.less], ['lessEqual', tf.lessEqual], ['equal', tf.equal], ['notEqual', tf.notEqual],
    ] as const;
    for (const [name, op] of ops) {
      for (const [label, o] of others) {
        checkSame(`${name} [4,5] ∘ ${label}`, () => op(full, o), { elementwise: true });
        checkSame(`${name} ${label} ∘ [4,5]`, () => op(o, full), { elementwise: true });
      }
      checkSame(`${name} special values`, () => op(tf.tensor1d(SPECIAL), tf.tensor1d(SPECIAL.map((v) => -v))), { elementwise: true });
      checkSame(`${name} int32`, () => op(tf.tensor1d([1, 2, 3], 'int32'), tf.tensor1d([4, 5, 6], 'int32')));
      checkSame(`${name} ties`, () => op(tf.tensor1d([1, 2, 3, 0, -0]), tf.tensor1d([1, 5, 3, -0, 0])));
      checkSame(`${name} empty`, () => op(tf.zeros([0, 5]), tf.ones([5])));
      checkSame(`${name} [2,1,3] ∘ [1,4,1]`, () => op(tf.range(1, 7).reshape([2, 1, 3]), tf.range(-2, 2).reshape([1, 4, 1])), { elementwise: true });
    }
    tf.dispose([full, ...others.map(([, t]) => t)]);
  });
});

describe.skipIf(!built)(titled('native Transpose and AddN equal stock'), () => {
  it('transposes every permutation of rank 2-4 (incl. 1-sized and empty dims) and special values', () => {
    const perms = (n: number): number[][] => (n === 1 ? [[0]] : perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)])));
    for (const shape of [[6, 5], [3, 1, 4], [2, 3, 4, 5], [0, 3], [64, 70]]) {
      const x = randn(shape);
      for (const perm of perms(shape.length)) checkSame(`transpose [${shape}] perm [${perm}]`, () => tf.transpose(x, perm), { elementwise: true });
      x.dispose();
    }
    checkSame('transpose special', () => tf.transpose(tf.tensor2d(SPECIAL, [4, 6])), { elementwise: true });
    checkSame('transpose int32', () => tf.transpose(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32')));
  });

  it('AddN of 2-4 tensors (float32 native, int32 stock), and through tf.grads fan-out', () => {
    const xs = [randn([40, 30]), randn([40, 30]), randn([40, 30]), randn([40, 30])];
    for (let k = 2; k <= 4; k++) checkSame(`addN ${k}`, () => tf.addN(xs.slice(0, k)), { elementwise: true });
    checkSame('addN int32', () => tf.addN([tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')]));
    checkSame('grads with fan-out', () => tf.grads((a: tf.Tensor) => tf.add(tf.mul(a, a), tf.tanh(a)))([xs[0]]));
    tf.dispose(xs);
  });
});

describe.skipIf(!built)(titled('large outputs (uninitialised output storage is fully written)'), () => {
  it('binary flat/strided, comparisons, unary and sum on > 4096 elements', () => {
    const x = randn([128, 64]);
    const col = randn([128, 1]);
    const row = randn([64]);
    for (const [name, op] of [['add', tf.add], ['sub', tf.sub], ['div', tf.div], ['greater', tf.greater], ['lessEqual', tf.lessEqual]] as const) {
      checkSame(`${name} large same`, () => op(x, tf.neg(x)), { elementwise: true });
      checkSame(`${name} large row`, () => op(x, row), { elementwise: true });
      checkSame(`${name} large column`, () => op(x, col), { elementwise: true });
    }
    checkSame('exp large', () => tf.exp(x), { elementwise: true });
    checkSame('sum large axis 1', () => tf.sum(tf.tile(x, [40, 1]), 1));
    // cast bool/int32 → float32 shares the integer array under dtype float32: still computed natively, same values
    checkSame('dropout-style mask', () => tf.mul(tf.div(tf.cast(tf.greaterEqual(x, 0.2), 'float32'), 0.8), x), { elementwise: true });
    checkSame('matMul of cast int32', () => tf.matMul(tf.cast(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 'float32'), x.slice([0, 0], [2, 64])));
    tf.dispose([x, col, row]);
  });
});

describe.skipIf(!built)(titled('kernel registration'), () => {
  it('registers, is idempotent, and restores the stock kernels', () => {
    const stock = tf.getKernel('BatchMatMul', 'cpu').kernelFunc;
    registerKernels();
    registerKernels();
    expect(registeredKernels().sort()).toEqual(nativeKernelNames().sort());
    expect(tf.getKernel('BatchMatMul', 'cpu').kernelFunc).not.toBe(stock);
    unregisterKernels();
    expect(registeredKernels()).toEqual([]);
    expect(tf.getKernel('BatchMatMul', 'cpu').kernelFunc).toBe(stock);
  });

  it('names an unknown kernel and lists the known ones', () => {
    expect(() => registerKernels({ only: ['Conv2D'] })).toThrow(/no native kernel "Conv2D"; known: BatchMatMul, _FusedMatMul/);
  });
});
