/**
 * Corrupt-window sampling for the max-margin head: a corrupt window for a true window of class y is
 *  - a window from the corpus whose centre's class is not y (drawn in proportion to class frequency), or
 *  - the true window with its centre word replaced by a random vocabulary word (only for entity classes: for
 *    class O a random word in a context is usually still O, so it would not be corrupt).
 */
import type { Rng } from '@window-ner/tensor';

export class CorruptSampler {
  /** Window indices grouped by class. */
  private readonly byClass: Int32Array[];
  private readonly counts: number[];
  private readonly total: number;

  constructor(labels: Int32Array, readonly numClasses: number) {
    const lists: number[][] = Array.from({ length: numClasses }, () => []);
    for (let w = 0; w < labels.length; w++) if (labels[w] >= 0) lists[labels[w]].push(w);
    this.byClass = lists.map((l) => Int32Array.from(l));
    this.counts = lists.map((l) => l.length);
    this.total = this.counts.reduce((a, b) => a + b, 0);
  }

  /** Can a corpus window of a class other than y be drawn at all? */
  canSample(y: number): boolean {
    return this.total - this.counts[y] > 0;
  }

  /** A window index whose class is not y. Throws if none exists (check canSample first). */
  sample(y: number, rng: Rng): number {
    const others = this.total - this.counts[y];
    if (others <= 0) throw new Error(`corrupt sampler: every window has class ${y}`);
    let r = rng.int(others);
    for (let c = 0; c < this.numClasses; c++) {
      if (c === y) continue;
      if (r < this.counts[c]) return this.byClass[c][r];
      r -= this.counts[c];
    }
    throw new Error('corrupt sampler: unreachable');
  }
}
