/**
 * The `casing` feature: a one-hot over @window-ner/text's CASING_CLASSES (all-lower, Initial-cap, ALL-CAPS,
 * numeric, ...), as a fixed lookup table (the identity). Padding positions are their own class ("padding"), so
 * the first layer learns a sentence-edge bias. Not trainable: the first layer's weights learn what each class means.
 */
import { CASING_CLASSES, PADDING_CASING_INDEX, casingIndex } from '@window-ner/text';
import type { Feature, FeatureContext, FeaturePlugin } from './types.js';

function casingFeature(ctx: FeatureContext): Feature {
  return ctx.lookup({
    type: 'casing',
    name: ctx.name,
    dim: CASING_CLASSES.length,
    trainable: false, // no table: the identity, a one-hot per class
    encode(tokens, out, offset) {
      for (let i = 0; i < tokens.length; i++) out[offset + i] = casingIndex(tokens[i]);
    },
    padStart: PADDING_CASING_INDEX,
    padEnd: PADDING_CASING_INDEX,
    getState: () => ({ json: { classes: [...CASING_CLASSES] }, tables: {} }),
  });
}

export const casingPlugin: FeaturePlugin = {
  create: (_spec, ctx) => casingFeature(ctx),
  restore(_spec, state, ctx) {
    const saved = state.json.classes as string[] | undefined;
    if (saved && saved.join('|') !== CASING_CLASSES.join('|')) {
      throw new Error(`casing feature: the model was trained with casing classes [${saved.join(', ')}] but this build has [${CASING_CLASSES.join(', ')}]`);
    }
    return casingFeature(ctx);
  },
};
