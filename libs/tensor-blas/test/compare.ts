/**
 * Run the same tfjs computation with the native kernels and with tfjs's stock cpu kernels, and compare.
 * "Within 1e-4 relative": for reductions (matMul, sum) |native − stock| ≤ 1e-4 · (|stock| + rms(stock)) — the rms
 * term keeps entries that are sums of many products and happen to land near zero from demanding more than float32
 * gives; for elementwise ops (pass elementwise: true) strictly |native − stock| ≤ 1e-4 · |stock|. Both allow
 * float32's smallest normal (1.18e-38) absolute, since float exp flushes results below it (sigmoid(-100)) to 0.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { registerKernels, unregisterKernels } from '../src/index.js';

export interface Result {
  shape: number[];
  dtype: string;
  values: Float32Array | Int32Array | Uint8Array;
}

export function run(fn: () => tf.Tensor | tf.Tensor[]): Result[] {
  const out = fn();
  const list = Array.isArray(out) ? out : [out];
  const res = list.map((t) => ({ shape: t.shape, dtype: t.dtype, values: (t.dataSync() as Result['values']).slice() }));
  tf.dispose(list);
  return res;
}

/** [native results, stock results] of the same function (kernels registered only around the native run). */
export function nativeAndStock(native: () => tf.Tensor | tf.Tensor[], stock = native): [Result[], Result[]] {
  registerKernels();
  let nat: Result[];
  try {
    nat = run(native);
  } finally {
    unregisterKernels();
  }
  return [nat, run(stock)];
}

const FLT_MIN = 1.1754943508222875e-38;

export interface Tolerance {
  rel?: number;
  elementwise?: boolean;
}

export function expectClose(got: Result[], want: Result[], label: string, tol: Tolerance = {}): void {
  const { rel = 1e-4, elementwise = false } = tol;
  expect(got.length, label).toBe(want.length);
  want.forEach((w, o) => {
    const g = got[o];
    expect(g.shape, `${label} output ${o} shape`).toEqual(w.shape);
    expect(g.dtype, `${label} output ${o} dtype`).toBe(w.dtype);
    let rms = 0;
    let finite = 0;
    for (const v of w.values) if (Number.isFinite(v)) { rms += v * v; finite++; }
    rms = elementwise ? 0 : Math.sqrt(rms / Math.max(1, finite));
    for (let i = 0; i < w.values.length; i++) {
      const [x, y] = [g.values[i], w.values[i]];
      const ok = Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) ? x === y : Math.abs(x - y) <= rel * (Math.abs(y) + rms) + FLT_MIN;
      if (!ok) throw new Error(`${label}: output ${o} [${w.shape}] element ${i}: native ${x}, stock ${y}`);
    }
  });
}

/** Compare native vs stock for fn; returns the native results for further checks. */
export function checkSame(label: string, fn: () => tf.Tensor | tf.Tensor[], tol: Tolerance = {}): Result[] {
  const [nat, stock] = nativeAndStock(fn);
  expectClose(nat, stock, label, tol);
  return nat;
}
