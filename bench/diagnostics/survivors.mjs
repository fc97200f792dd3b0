/**
 * Preload for cluster workers: 12 s after start, samples allocations for 10 s counting only objects that
 * survived a young-generation GC (alive at the end, or collected later by a full GC), and writes the V8 sampling
 * profile to /tmp/survivors-<pid>.heapprofile (open it in Chrome DevTools, Memory tab). These objects are what
 * scavenges copy and promote, so they set both the scavenge pauses and how often a full GC comes.
 *   node --import ./bench/diagnostics/survivors.mjs apps/ner/bin/window-ner.js serve --workers 2 ...
 */
import cluster from 'node:cluster';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { isMainThread } from 'node:worker_threads';

if (isMainThread && cluster.isWorker) {
  const session = new Session();
  session.connect();
  const options = { samplingInterval: 2048, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false };
  setTimeout(() => {
    session.post('HeapProfiler.startSampling', options, () => {
      setTimeout(() => {
        session.post('HeapProfiler.stopSampling', (err, result) => {
          if (err) console.error(`survivors: ${err.message}`);
          else writeFileSync(`/tmp/survivors-${process.pid}.heapprofile`, JSON.stringify(result.profile));
        });
      }, 10_000).unref();
    });
  }, 12_000).unref();
}
