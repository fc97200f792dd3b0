/** conlleval-style text report (same lines and number formats as the Perl script) and the confusion table. */
import type { ConfusionTable, ConllevalResult } from './conlleval.js';

/**
 * Perl's printf("%6.2f"): C rounding of the exact binary value, which sends exact ties (12.125) to even (12.12);
 * JS toFixed sends them up. x * 100 is exactly a half-integer only when x = m / 8 with m odd (other decimal ties
 * such as 2.675 are not representable), and x * 8 is exact in binary, so the test is exact.
 */
export function perlFixed2(x: number): string {
  const eighths = x * 8;
  if (Number.isInteger(eighths) && eighths % 2 !== 0) {
    const down = Math.floor(x * 100);
    return ((down % 2 === 0 ? down : down + 1) / 100).toFixed(2);
  }
  return x.toFixed(2);
}

const pct = (x: number) => perlFixed2(x).padStart(6);

export function formatReport(r: ConllevalResult): string {
  const o = r.overall;
  const lines = [`processed ${r.tokens} tokens with ${o.gold} phrases; found: ${o.found} phrases; correct: ${o.correct}.`];
  if (r.tokens > 0) {
    lines.push(`accuracy: ${pct(r.accuracy)}%; precision: ${pct(o.precision)}%; recall: ${pct(o.recall)}%; FB1: ${pct(o.f1)}`);
  }
  for (const [type, s] of Object.entries(r.byType)) {
    lines.push(`${type.padStart(17)}: precision: ${pct(s.precision)}%; recall: ${pct(s.recall)}%; FB1: ${pct(s.f1)}  ${s.found}`);
  }
  if (r.confusion) lines.push('', formatConfusion(r.confusion));
  return lines.join('\n') + '\n';
}

/** Token-level confusion by type: rows are gold, columns predicted. */
export function formatConfusion(c: ConfusionTable): string {
  const width = Math.max(6, ...c.labels.map((l) => l.length), ...c.counts.flat().map((n) => String(n).length)) + 1;
  const head = 'gold\\pred'.padEnd(width) + c.labels.map((l) => l.padStart(width)).join('');
  const rows = c.labels.map((l, i) => l.padEnd(width) + c.counts[i]!.map((n) => String(n).padStart(width)).join(''));
  return [head, ...rows].join('\n');
}

/** JSON form (numbers rounded to 2 decimals like the text report; counts exact). */
export function reportToJson(r: ConllevalResult): ConllevalResult {
  const round = (x: number) => Math.round(x * 100) / 100;
  const fix = (s: ConllevalResult['overall']) => ({ ...s, precision: round(s.precision), recall: round(s.recall), f1: round(s.f1) });
  return {
    ...r,
    accuracy: round(r.accuracy),
    overall: fix(r.overall),
    byType: Object.fromEntries(Object.entries(r.byType).map(([t, s]) => [t, fix(s)])),
  };
}
