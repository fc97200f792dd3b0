/**
 * Builds a training batch as keys: per feature, `width` keys per window (position-major) in one reused
 * Int32Array, which the network's ConcatWindow layer turns into X. Word dropout replaces keys here; the max-margin
 * head adds corrupt windows by copying windows and replacing their centre key.
 */
import type { Rng } from '@window-ner/tensor';
import type { Feature } from '../features/types.js';
import type { WindowSet } from './windows.js';

export interface BatchOptions {
  /** Probability of replacing a (non-padding) key by the feature's <unk> key. */
  wordDropout?: number;
  rng?: Rng;
}

export class WindowBuilder {
  readonly width: number;
  private keys: Int32Array[];
  private capacity = 0;

  constructor(
    readonly features: readonly Feature[],
    readonly m: number,
    capacity = 256,
  ) {
    this.width = 2 * m + 1;
    this.keys = [];
    this.reserve(capacity);
  }

  /** Make room for `rows` windows (keeps nothing: call before filling a batch). */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = rows;
    this.keys = this.features.map(() => new Int32Array(rows * this.width));
  }

  /** Fill rows 0..indices.length-1 with windows indices[b] of `set`. */
  fill(set: WindowSet, indices: Int32Array, opts: BatchOptions = {}): void {
    this.reserve(indices.length);
    for (let b = 0; b < indices.length; b++) this.fillRow(set, indices[b], b, opts);
  }

  /** Write window w of `set` into row `row` (which must have room: see reserve). */
  fillRow(set: WindowSet, w: number, row: number, opts: BatchOptions = {}): void {
    const { width } = this;
    const drop = opts.wordDropout ?? 0;
    const rng = opts.rng;
    for (let fi = 0; fi < this.features.length; fi++) {
      const f = this.features[fi];
      const src = set.ids[fi];
      const dst = this.keys[fi];
      const dropHere = drop > 0 && rng !== undefined && f.unkKey >= 0;
      for (let p = 0; p < width; p++) {
        let key = src[w * width + p];
        if (dropHere && key !== f.padStart && key !== f.padEnd && rng.next() < drop) key = f.unkKey;
        dst[row * width + p] = key;
      }
    }
  }

  /** Replace the centre token of row b (already filled) by key `key` of feature fi. */
  replaceCentre(b: number, fi: number, key: number): void {
    this.keys[fi][b * this.width + this.m] = key;
  }

  /** Copy window row `from` onto row `to` (both already in the buffer). */
  copyWindow(from: number, to: number): void {
    const w = this.width;
    for (const k of this.keys) k.copyWithin(to * w, from * w, from * w + w);
  }

  /** The keys of rows 0..rows-1, one view per feature (overwritten by the next batch). */
  view(rows: number): Int32Array[] {
    return this.keys.map((k) => k.subarray(0, rows * this.width));
  }
}
