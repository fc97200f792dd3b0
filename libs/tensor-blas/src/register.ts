/**
 * Swap tfjs cpu-backend kernels for native ones (and back). Only forward kernels change: autodiff, the
 * gradient definitions and every other op stay tfjs's, so a gradient of a matMul runs two native matMuls.
 */
import * as tf from '@tensorflow/tfjs';
import { BINARY_CODES, requireAddon, UNARY_CODES, type NativeAddon } from './native.js';
import type { NativeKernelFunc } from './kernels/cpu-backend.js';
import { makeBatchMatMul } from './kernels/batch-matmul.js';
import { makeFusedMatMul } from './kernels/fused-matmul.js';
import { makeSum } from './kernels/sum.js';
import { makeUnary } from './kernels/unary.js';
import { makeBinary } from './kernels/binary.js';
import { makeAddN, makeTranspose } from './kernels/layout.js';

type Factory = (addon: NativeAddon, stock: NativeKernelFunc) => NativeKernelFunc;

/** LeakyRelu's and Step's attribute. */
const alpha = (attrs: { [k: string]: unknown } | undefined): number => Number(attrs?.alpha ?? 0);
const unary = (op: keyof typeof UNARY_CODES, param?: typeof alpha): Factory => (addon, stock) => makeUnary(addon, op, stock, param);
const binary = (op: keyof typeof BINARY_CODES): Factory => (addon, stock) => makeBinary(addon, op, stock);

/** Kernel name → native implementation; the stock kernel is passed in for dtypes/shapes we do not handle. */
const NATIVE_KERNELS: Record<string, Factory> = {
  BatchMatMul: makeBatchMatMul,
  _FusedMatMul: makeFusedMatMul,
  Sum: makeSum,
  Tanh: unary('tanh'),
  Sigmoid: unary('sigmoid'),
  Square: unary('square'),
  Relu: unary('relu'),
  Relu6: unary('relu6'),
  Elu: unary('elu'),
  LeakyRelu: unary('leakyRelu', alpha),
  Step: unary('step', alpha),
  Exp: unary('exp'),
  Log: unary('log'),
  Neg: unary('neg'),
  Abs: unary('abs'),
  Sqrt: unary('sqrt'),
  Rsqrt: unary('rsqrt'),
  Reciprocal: unary('reciprocal'),
  Add: binary('add'),
  Sub: binary('sub'),
  Multiply: binary('mul'),
  RealDiv: binary('div'),
  Maximum: binary('max'),
  Minimum: binary('min'),
  Greater: binary('greater'),
  GreaterEqual: binary('greaterEqual'),
  Less: binary('less'),
  LessEqual: binary('lessEqual'),
  Equal: binary('equal'),
  NotEqual: binary('notEqual'),
  Transpose: makeTranspose,
  AddN: makeAddN,
};

/** The stock configs we replaced, to restore them. Non-empty exactly while native kernels are registered. */
const stockConfigs = new Map<string, tf.KernelConfig>();

/** Names of the kernels registerKernels() replaces. */
export const nativeKernelNames = (): string[] => Object.keys(NATIVE_KERNELS);

/**
 * Register the native kernels for backendName 'cpu' (idempotent). Throws, saying why, when the addon did not build.
 * `only` limits the set (e.g. ['BatchMatMul', '_FusedMatMul']), for profiling and tests.
 */
export function registerKernels(opts: { only?: string[] } = {}): string[] {
  const addon = requireAddon();
  const names = opts.only ?? nativeKernelNames();
  for (const name of names) {
    const factory = NATIVE_KERNELS[name];
    if (!factory) throw new Error(`registerKernels: no native kernel "${name}"; known: ${nativeKernelNames().join(', ')}`);
    if (stockConfigs.has(name)) continue;
    const stock = tf.getKernel(name, 'cpu');
    if (!stock) throw new Error(`registerKernels: tfjs has no cpu kernel "${name}" to replace (is @tensorflow/tfjs loaded?)`);
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ ...stock, kernelFunc: factory(addon, stock.kernelFunc as unknown as NativeKernelFunc) as unknown as tf.KernelFunc });
    stockConfigs.set(name, stock);
  }
  return [...stockConfigs.keys()];
}

/** Put tfjs's own cpu kernels back (idempotent). */
export function unregisterKernels(): void {
  for (const [name, stock] of stockConfigs) {
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel(stock);
  }
  stockConfigs.clear();
}

/** Names of the kernels currently replaced by native ones. */
export function registeredKernels(): string[] {
  return [...stockConfigs.keys()];
}
