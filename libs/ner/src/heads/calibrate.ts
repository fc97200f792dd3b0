/**
 * Calibration of the max-margin decision rule: per-class thresholds θ (emission = s − θ) chosen by coordinate
 * ascent on dev F1. θ_O stays 0 (only differences matter). Deterministic: a fixed grid, classes in index order.
 */

const GRID = [-1, -0.75, -0.5, -0.35, -0.2, -0.1, 0, 0.1, 0.2, 0.35, 0.5, 0.75, 1];

/** `f1()` evaluates dev F1 with the head's current thresholds. Returns the best F1 found. */
export function calibrateThresholds(head: { thresholds: Float32Array }, outsideClass: number, f1: () => number, rounds = 2): number {
  let best = f1();
  const th = head.thresholds;
  for (let r = 0; r < rounds; r++) {
    let improved = false;
    for (let c = 0; c < th.length; c++) {
      if (c === outsideClass) continue;
      const start = th[c];
      let bestValue = start;
      for (const g of GRID) {
        const v = start + g * (r === 0 ? 1 : 0.5);
        if (v === start) continue;
        th[c] = v;
        const f = f1();
        if (f > best + 1e-9) {
          best = f;
          bestValue = v;
          improved = true;
        }
      }
      th[c] = bestValue;
    }
    if (!improved) break;
  }
  return best;
}
