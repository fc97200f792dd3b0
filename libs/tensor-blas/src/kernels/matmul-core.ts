/**
 * Shape logic of tfjs's BatchMatMul (transposes, batch dims, broadcasting) around native sgemm calls.
 * Broadcasting is numpy-style over the leading dims (right-aligned, size-1 dims stretch); tfjs's own kernel
 * agrees with this wherever its modulo indexing is right (equal batch dims, or one side batch size 1).
 */
import * as tf from '@tensorflow/tfjs';
import type { NativeAddon } from '../native.js';
import { outputF32, size } from './cpu-backend.js';

export interface MatMulPlan {
  outShape: number[];
  batch: number;
  m: number;
  n: number;
  k: number;
}

export function planMatMul(aShape: number[], bShape: number[], transA: boolean, transB: boolean): MatMulPlan {
  const ar = aShape.length;
  const br = bShape.length;
  if (ar < 2 || br < 2) throw new Error(`native BatchMatMul: inputs must have rank >= 2, got shapes [${aShape}] and [${bShape}]`);
  const k = transA ? aShape[ar - 2] : aShape[ar - 1];
  const kb = transB ? bShape[br - 1] : bShape[br - 2];
  const m = transA ? aShape[ar - 1] : aShape[ar - 2];
  const n = transB ? bShape[br - 2] : bShape[br - 1];
  if (k !== kb) {
    throw new Error(`Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${aShape} and ${bShape} and transposeA=${transA} and transposeB=${transB} must match.`);
  }
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  return { outShape: [...outer, m, n], batch: size(outer), m, n, k };
}

/** Element offsets of each output batch's A and B matrices, broadcasting size-1 / missing leading dims. */
export function batchOffsets(aOuter: number[], bOuter: number[], outOuter: number[], aMat: number, bMat: number): [Int32Array, Int32Array] {
  const batch = size(outOuter);
  const aOff = new Int32Array(batch);
  const bOff = new Int32Array(batch);
  const rank = outOuter.length;
  const idx = new Array<number>(rank).fill(0);
  for (let bi = 0; bi < batch; bi++) {
    aOff[bi] = flatIndex(idx, aOuter, rank) * aMat;
    bOff[bi] = flatIndex(idx, bOuter, rank) * bMat;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < outOuter[d]) break;
      idx[d] = 0;
    }
  }
  return [aOff, bOff];
}

function flatIndex(outIdx: number[], dims: number[], outRank: number): number {
  let flat = 0;
  const shift = outRank - dims.length;
  for (let d = 0; d < dims.length; d++) flat = flat * dims[d] + (dims[d] === 1 ? 0 : outIdx[d + shift]);
  return flat;
}

/** op(A) op(B) with tfjs's batch semantics; returns the output values (dense, outShape). */
export function nativeMatMul(addon: NativeAddon, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[],
  transA: boolean, transB: boolean): { values: Float32Array; plan: MatMulPlan } {
  const plan = planMatMul(aShape, bShape, transA, transB);
  const { batch, m, n, k } = plan;
  const out = outputF32(batch * m * n); // every element is written: sgemm with beta = 0, or zeros when k = 0
  if (out.length === 0) return { values: out, plan };
  const aOuter = aShape.slice(0, -2);
  const bOuter = bShape.slice(0, -2);
  const aBatch = size(aOuter);
  const bBatch = size(bOuter);
  const lda = Math.max(1, transA ? m : k);
  const ldb = Math.max(1, transB ? k : n);
  if (batch === 1) {
    addon.sgemm(transA, transB, m, n, k, 1, a, lda, b, ldb, 0, out, Math.max(1, n));
  } else if (bBatch === 1 && aBatch === batch && !transA) {
    // [..., m, k] x [k, n]: the batch dims of A are just more rows, so one big GEMM instead of `batch` small ones.
    addon.sgemm(false, transB, batch * m, n, k, 1, a, lda, b, ldb, 0, out, Math.max(1, n));
  } else {
    const [aOff, bOff] = batchOffsets(aOuter, bOuter, plan.outShape.slice(0, -2), m * k, k * n);
    addon.sgemmBatched(transA, transB, m, n, k, a, aOff, b, bOff, out);
  }
  return { values: out, plan };
}
