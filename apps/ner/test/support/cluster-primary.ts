/**
 * Runs the `serve --workers` primary over a stand-in worker script (test/support/cluster-worker.mjs), so the
 * cluster test can drive the primary's lifecycle without loading a model. Usage: cluster-primary.ts WORKERS
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../src/server/http/logger.js';
import { runClusterPrimary } from '../../src/server/lifecycle/cluster.js';

cluster.setupPrimary({ exec: fileURLToPath(new URL('./cluster-worker.mjs', import.meta.url)) });
process.exitCode = await runClusterPrimary(Number(process.argv[2]), createLogger(), { maxHeapMb: 0 });
