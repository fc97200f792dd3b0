/**
 * Preload for a serving process (and every cluster worker it forks, which inherit Node's flags):
 *   node --import ./bench/diagnostics/loop-gaps.mjs apps/ner/bin/window-ner.js serve --workers 2 ...
 * Records event-loop gaps of 5 ms or more (a 1 ms timer that fired late) and every GC pause, and rewrites
 * /tmp/loop-gaps-<pid>.json every 5 s. `tsx bench/diagnostics/summarize-loop-gaps.ts [since-epoch-ms]` reads them.
 * The 1 ms timer costs ~3% of a core per process: use it to find stalls, not during a benchmark.
 */
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const gaps = []; // [start ms since timeOrigin, length ms]
  const gcs = []; // [start ms since timeOrigin, pause ms, kind: 1 minor, 4 major, 8 incremental, 16 weak callbacks]
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last >= 5) gaps.push([Math.round(last), Math.round(now - last)]);
    last = now;
  }, 1).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([Math.round(e.startTime), Math.round(e.duration * 100) / 100, e.detail?.kind]);
  }).observe({ entryTypes: ['gc'] });
  setInterval(() => writeFileSync(`/tmp/loop-gaps-${process.pid}.json`, JSON.stringify({ origin: performance.timeOrigin, gaps, gcs })), 5000).unref();
}
