/**
 * Summarises the /tmp/loop-gaps-<pid>.json files written by loop-gaps.mjs: per process, how many event-loop
 * gaps of 5/10/20 ms, how many of the 10 ms ones a GC pause explains (≥ 30% of the gap), and GC pauses by kind.
 *   tsx bench/diagnostics/summarize-loop-gaps.ts [only events after this epoch ms]
 */
import { readdirSync, readFileSync } from 'node:fs';

const since = Number(process.argv[2] ?? 0);
const KINDS: Record<number, string> = { 1: 'scavenge', 4: 'mark-compact', 8: 'incremental marking', 16: 'weak callbacks' };

for (const file of readdirSync('/tmp').filter((f) => /^loop-gaps-\d+\.json$/.test(f)).sort()) {
  const d = JSON.parse(readFileSync(`/tmp/${file}`, 'utf8')) as { origin: number; gaps: [number, number][]; gcs: [number, number, number][] };
  const gaps = d.gaps.filter(([t]) => d.origin + t >= since);
  const gcs = d.gcs.filter(([t]) => d.origin + t >= since);
  if (gaps.length === 0 && gcs.length === 0) continue;
  const long = gaps.filter(([, ms]) => ms >= 10);
  const explained = long.filter(([t, ms]) => gcs.filter(([g]) => g >= t - 1 && g <= t + ms).reduce((s, [, p]) => s + p, 0) >= 0.3 * ms).length;
  console.log(`${file}: gaps ≥5 ms ${gaps.length}, ≥10 ms ${long.length} (${explained} mostly GC), ≥20 ms ${gaps.filter(([, ms]) => ms >= 20).length}, longest ${Math.max(0, ...gaps.map(([, ms]) => ms))} ms`);
  const byKind = new Map<number, number[]>();
  for (const [, pause, kind] of gcs) byKind.set(kind, [...(byKind.get(kind) ?? []), pause]);
  for (const [kind, pauses] of byKind) {
    const total = pauses.reduce((a, b) => a + b, 0);
    console.log(`  ${KINDS[kind] ?? `kind ${kind}`}: ${pauses.length} pauses, ${total.toFixed(0)} ms in all, mean ${(total / pauses.length).toFixed(2)} ms, max ${Math.max(...pauses)} ms, ≥5 ms ${pauses.filter((p) => p >= 5).length}`);
  }
}
