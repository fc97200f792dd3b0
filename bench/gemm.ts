/**
 * GEMM throughput of every tensor backend that loads here (cpu, wasm, native, tfjs-node) through tf.matMul,
 * on 4096x500x300 (m x k times k x n), in four variants: plain, transposedA, transposedB, batched (8 x 512 rows).
 * Each measurement is bounded: one warm-up, then repetitions until `timeCapMs` or `maxReps`. `gflops` is from the
 * fastest repetition (what the backend can do; on a shared 2-core box the mean mostly measures the neighbours),
 * `meanGflops` from the mean.
 *
 *   npx tsx bench/gemm.ts          prints the table
 *   import { runGemmBench }        returns the rows (npm run bench uses it)
 */
import { pathToFileURL } from 'node:url';
import { backendInfo, initBackend, tf } from '@window-ner/tensor';

export type GemmVariant = 'plain' | 'transposedA' | 'transposedB' | 'batched';

export interface GemmRow {
  backend: string;
  variant: GemmVariant;
  m: number;
  n: number;
  k: number;
  /** From the fastest repetition. */
  gflops: number;
  /** From the mean repetition time. */
  meanGflops: number;
  /** Timed repetitions behind the figures. */
  reps: number;
}

export interface GemmBenchOptions {
  backends?: string[];
  m?: number;
  n?: number;
  k?: number;
  /** Batches in the 'batched' variant (m is split across them; same FLOPs). */
  batches?: number;
  timeCapMs?: number;
  maxReps?: number;
  /** Where to report backends that did not load (default: stderr). */
  log?: (line: string) => void;
}

const VARIANTS: GemmVariant[] = ['plain', 'transposedA', 'transposedB', 'batched'];

/** Operands stored as each variant needs them; the logical product is always [m, k] x [k, n]. */
function operands(v: GemmVariant, m: number, n: number, k: number, batches: number): [tf.Tensor, tf.Tensor, boolean, boolean] {
  const r = (shape: number[]) => tf.randomUniform(shape, -1, 1, 'float32', 42);
  switch (v) {
    case 'plain': return [r([m, k]), r([k, n]), false, false];
    case 'transposedA': return [r([k, m]), r([k, n]), true, false];
    case 'transposedB': return [r([m, k]), r([n, k]), false, true];
    case 'batched': return [r([batches, m / batches, k]), r([batches, k, n]), false, false];
  }
}

function timeOne(a: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean): number {
  const t0 = performance.now();
  const out = tf.matMul(a, b, tA, tB);
  out.dataSync(); // forces completion on async backends; cheap next to the product
  out.dispose();
  return performance.now() - t0;
}

function measure(v: GemmVariant, m: number, n: number, k: number, batches: number, capMs: number, maxReps: number): { best: number; mean: number; reps: number } {
  const [a, b, tA, tB] = operands(v, m, n, k, batches);
  try {
    const warm = timeOne(a, b, tA, tB);
    if (warm > capMs) return { best: warm, mean: warm, reps: 1 }; // slow backend: the warm-up is the measurement
    let total = 0;
    let best = Infinity;
    let reps = 0;
    while (reps < maxReps && (reps === 0 || total < capMs)) {
      const ms = timeOne(a, b, tA, tB);
      total += ms;
      best = Math.min(best, ms);
      reps++;
    }
    return { best, mean: total / reps, reps };
  } finally {
    tf.dispose([a, b]);
  }
}

export async function runGemmBench(opts: GemmBenchOptions = {}): Promise<GemmRow[]> {
  const { backends = ['cpu', 'wasm', 'native', 'tfjs-node'], m = 4096, n = 300, k = 500, batches = 8, timeCapMs = 1500, maxReps = 10 } = opts;
  const log = opts.log ?? ((l: string) => console.error(l));
  if (m % batches !== 0) throw new Error(`runGemmBench: m=${m} must be a multiple of batches=${batches}`);
  const previous = backendInfo()?.name;
  const rows: GemmRow[] = [];
  try {
    for (const backend of backends) {
      try {
        await initBackend({ backend, log: null });
      } catch (e) {
        log(`[bench/gemm] ${backend}: not available (${(e as Error).message.split('\n')[0]})`);
        continue;
      }
      for (const variant of VARIANTS) {
        const { best, mean, reps } = measure(variant, m, n, k, batches, timeCapMs, maxReps);
        const gflops = (ms: number) => (2 * m * n * k) / (ms * 1e6);
        rows.push({ backend, variant, m, n, k, gflops: gflops(best), meanGflops: gflops(mean), reps });
      }
    }
  } finally {
    if (previous) await initBackend({ backend: previous, log: null });
  }
  return rows;
}

export function formatGemmTable(rows: GemmRow[]): string {
  const head = `${'backend'.padEnd(10)} ${'variant'.padEnd(12)} ${'m x k x n'.padEnd(15)} ${'GFLOP/s'.padStart(8)} ${'(mean)'.padStart(8)}  reps`;
  const lines = rows.map((r) => `${r.backend.padEnd(10)} ${r.variant.padEnd(12)} ${`${r.m}x${r.k}x${r.n}`.padEnd(15)} ${r.gflops.toFixed(1).padStart(8)} ${r.meanGflops.toFixed(1).padStart(8)}  ${r.reps}`);
  return [head, ...lines].join('\n');
}

async function main(): Promise<void> {
  const rows = await runGemmBench();
  console.log(formatGemmTable(rows));
  const native = rows.some((r) => r.backend === 'native') ? await initBackend({ backend: 'native', log: null }) : null;
  if (native?.blas) console.log(`native: ${native.blas.config}, ${native.blas.threads} threads`);
}

// Run as a script (npx tsx bench/gemm.ts) it prints the table; imported, it only exports runGemmBench.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
