/**
 * The `word-length` feature: a one-hot over word-length buckets (1, 2, 3, 4-6, 7-10, 11+ UTF-16 units), with
 * its own padding class so the first layer can learn a sentence-edge bias. Not trainable: the first layer's weights
 * learn what each bucket means. Long capitalised words and one-letter initials are cues the embedding alone blurs.
 * What the feature computes is the three functions below; the class is the glue to libs/ner's Feature interface.
 */
import type { Feature, FeaturePlugin, FeatureState } from '@window-ner/ner';

/** Upper bound (inclusive) of each bucket's length; the last bucket takes every longer word. */
export const LENGTH_BUCKETS = [1, 2, 3, 6, 10, Infinity] as const;
/** Bucket classes plus the padding class. */
const CLASSES = LENGTH_BUCKETS.length + 1;
const PADDING = LENGTH_BUCKETS.length;

export function lengthBucket(word: string): number {
  const i = LENGTH_BUCKETS.findIndex((max) => word.length <= max);
  return i < 0 ? LENGTH_BUCKETS.length - 1 : i;
}

/** Saved in the model file, so a model trained with other buckets is refused rather than read wrongly. */
export function bucketState(): FeatureState {
  return { json: { buckets: LENGTH_BUCKETS.map(String) }, tables: {} };
}

export function checkBucketState(state: FeatureState): void {
  const saved = (state.json.buckets as string[] | undefined)?.join(',');
  const mine = LENGTH_BUCKETS.map(String).join(',');
  if (saved !== mine) throw new Error(`word-length feature: the model was trained with buckets [${saved}] but this version has [${mine}]`);
}

export class WordLengthFeature implements Feature {
  readonly type = 'word-length';
  readonly dim = CLASSES;
  readonly padStart = PADDING;
  readonly padEnd = PADDING;
  readonly unkId = -1;
  readonly trainable = false;
  readonly rows = CLASSES;
  readonly trainableRows = 0;

  ids(tokens: string[], out: Int32Array, offset: number): void {
    for (let i = 0; i < tokens.length; i++) out[offset + i] = lengthBucket(tokens[i]);
  }

  copyRow(id: number, dst: Float32Array, dstOffset: number): void {
    dst.fill(0, dstOffset, dstOffset + this.dim);
    dst[dstOffset + id] = 1;
  }

  params(): [] {
    return [];
  }

  getState(): FeatureState {
    return bucketState();
  }
}

export const wordLengthPlugin: FeaturePlugin = {
  create: () => new WordLengthFeature(),
  restore(_spec, state) {
    checkBucketState(state);
    return new WordLengthFeature();
  },
};
