/**
 * The `word-length` feature: a one-hot over word-length buckets (1, 2, 3, 4-6, 7-10, 11+ UTF-16 units), with
 * its own padding class so the first layer can learn a sentence-edge bias. Not trainable: the first layer's weights
 * learn what each bucket means. Long capitalised words and one-letter initials are cues the embedding alone blurs.
 * What the feature computes is the three functions below; `wordLengthFeature` is the glue to libs/ner's Feature
 * interface (a fixed lookup table built with the context's `lookup`, so nothing is imported at run time).
 */
import type { Feature, FeatureContext, FeaturePlugin, FeatureState } from '@window-ner/ner';

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

/** The feature: bucket ids as keys into a fixed identity table (a one-hot per bucket, padding its own class). */
export function wordLengthFeature(ctx: FeatureContext): Feature {
  return ctx.lookup({
    type: 'word-length',
    name: ctx.name,
    dim: CLASSES,
    trainable: false, // no table: the identity, a one-hot per bucket
    encode(tokens, out, offset) {
      for (let i = 0; i < tokens.length; i++) out[offset + i] = lengthBucket(tokens[i]);
    },
    padStart: PADDING,
    padEnd: PADDING,
    getState: bucketState,
  });
}

export const wordLengthPlugin: FeaturePlugin = {
  create: (_spec, ctx) => wordLengthFeature(ctx),
  restore(_spec, state, ctx) {
    checkBucketState(state);
    return wordLengthFeature(ctx);
  },
};
