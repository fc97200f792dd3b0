/**
 * `serve --workers N`: the primary forks N worker processes that share the listening port (node:cluster), restarts
 * a worker that dies unexpectedly, and on SIGTERM/SIGINT forwards the signal and exits 0 once every worker has
 * finished its in-flight requests and exited.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../http/logger.js';
import { blasThreadsPerUnit } from '../../cli/blas-threads.js';

/**
 * BLAS threads per worker: N workers each spinning up one BLAS thread per core oversubscribe the machine (and
 * the matrices of one request are small), so split the cores between workers unless the operator chose.
 */
function workerEnv(workers: number): Record<string, string> {
  return { OPENBLAS_NUM_THREADS: blasThreadsPerUnit(workers) };
}

/**
 * V8 heap cap for workers. V8 scales how far the heap may grow past the live set before the next full collection
 * with this cap (factor ~1.35 at 192 MB, 2 at 1 GB, up to 4 uncapped). A worker's live heap is ~50 MB, so at
 * 1024 a full GC comes every ~3 s instead of every ~1.7 s at 192, with RSS unchanged near 240 MB (measured at
 * half load: 9-10 vs 16-18 mark-compacts per 30 s, GC pauses 1.43 vs 1.81 s per minute, RSS 239-243 vs 233 MB).
 * The cap still bounds a worker if something grows: uncapped V8 lets garbage reach several hundred MB.
 */
function workerExecArgv(maxHeapMb: number): string[] {
  const inherited = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size'));
  return maxHeapMb > 0 ? [...inherited, `--max-old-space-size=${maxHeapMb}`] : inherited;
}

export function runClusterPrimary(workers: number, logger: Logger, opts: { maxHeapMb: number }): Promise<number> {
  let stopping = false;
  const env = workerEnv(workers);
  cluster.setupPrimary({ execArgv: workerExecArgv(opts.maxHeapMb) });
  // Our own count of live workers. cluster.workers keeps a worker until its IPC channel has disconnected, and
  // 'disconnect' may come after 'exit': counting that map on the last 'exit' saw one left, the promise never
  // settled, and Node ended the primary with code 13 (unsettled top-level await) instead of 0.
  const live = new Set<Worker>();
  const fork = () => {
    if (stopping) return; // a restart scheduled just before the signal
    live.add(cluster.fork(env));
  };
  return new Promise((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      live.delete(worker);
      if (stopping) {
        if (live.size === 0) {
          logger.info('all workers stopped');
          resolve(0);
        }
        return;
      }
      logger.error({ worker: worker.process.pid, code, signal }, 'worker died; starting another');
      setTimeout(fork, 500);
    });
    const stop = (sig: NodeJS.Signals) => {
      if (stopping) return; // a repeated signal must not kill the primary before its workers finished
      stopping = true;
      logger.info({ signal: sig }, 'stopping workers');
      if (live.size === 0) resolve(0);
      for (const w of live) w.process.kill('SIGTERM');
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    for (let i = 0; i < workers; i++) fork();
    logger.info({ workers, blasThreadsPerWorker: Number(env.OPENBLAS_NUM_THREADS), maxHeapMb: opts.maxHeapMb || 'node default' }, 'cluster started');
  });
}
