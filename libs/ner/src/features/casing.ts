/**
 * The `casing` feature: a one-hot over @window-ner/text's CASING_CLASSES (all-lower, Initial-cap, ALL-CAPS,
 * numeric, ...). Padding positions are their own class ("padding"), so the first layer learns a sentence-edge
 * bias. Not trainable: the first layer's weights learn what each class means.
 */
import type { SparseParam } from '@window-ner/nn';
import { CASING_CLASSES, PADDING_CASING_INDEX, casingIndex } from '@window-ner/text';
import type { Feature, FeaturePlugin, FeatureState } from './types';

export class CasingFeature implements Feature {
  readonly type = 'casing';
  readonly dim = CASING_CLASSES.length;
  readonly padStart = PADDING_CASING_INDEX;
  readonly padEnd = PADDING_CASING_INDEX;
  readonly unkId = -1;
  readonly trainable = false;
  readonly rows = CASING_CLASSES.length;
  readonly trainableRows = 0;

  ids(tokens: string[], out: Int32Array, offset: number): void {
    for (let i = 0; i < tokens.length; i++) out[offset + i] = casingIndex(tokens[i]);
  }

  copyRow(id: number, dst: Float32Array, dstOffset: number): void {
    dst.fill(0, dstOffset, dstOffset + this.dim);
    dst[dstOffset + id] = 1;
  }

  params(): SparseParam[] {
    return [];
  }

  getState(): FeatureState {
    return { json: { classes: [...CASING_CLASSES] }, tables: {} };
  }
}

export const casingPlugin: FeaturePlugin = {
  create: () => new CasingFeature(),
  restore(_spec, state) {
    const saved = state.json.classes as string[] | undefined;
    if (saved && saved.join('|') !== CASING_CLASSES.join('|')) {
      throw new Error(`casing feature: the model was trained with casing classes [${saved.join(', ')}] but this build has [${CASING_CLASSES.join(', ')}]`);
    }
    return new CasingFeature();
  },
};
