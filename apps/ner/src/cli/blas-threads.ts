/**
 * BLAS threads for training. A training step's matrix products are small (256 x 525 x 300), and OpenBLAS splits
 * each one evenly over its threads: when V8's GC threads or the JS loop take the second core, the half on it
 * stalls the whole product. Measured on 2 cores (softmax head, epochs of CoNLL-2003): 29k-68k windows/s with two
 * BLAS threads, 50k-62k with one. So `train` and `bench` run one BLAS thread unless OPENBLAS_NUM_THREADS is set.
 * Must run before the native addon loads (OpenBLAS reads the variable once, at load).
 */
import { availableParallelism } from 'node:os';

let userSetting: string | undefined | null = null;

export function preferOneBlasThreadForTraining(): void {
  if (userSetting !== null) return;
  userSetting = process.env.OPENBLAS_NUM_THREADS;
  process.env.OPENBLAS_NUM_THREADS ??= '1';
}

/** The environment for a child that should see the user's own BLAS setting (the GEMM benchmark: all cores). */
export function userBlasEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  if (userSetting === null) return out;
  if (userSetting === undefined) delete out.OPENBLAS_NUM_THREADS;
  else out.OPENBLAS_NUM_THREADS = userSetting;
  return out;
}

/**
 * BLAS threads for each of `units` threads or processes that tag on this machine's cores: each one's own BLAS
 * threads beyond its share only spin (OpenBLAS waits busily after a call) and take cores from the others. The
 * operator's OPENBLAS_NUM_THREADS wins.
 */
export function blasThreadsPerUnit(units: number): string {
  return process.env.OPENBLAS_NUM_THREADS ?? String(Math.max(1, Math.floor(availableParallelism() / units)));
}
