/**
 * Loading a model for serving: open it, then tag a warm-up sentence so the first real request does not pay
 * for lazy initialisation (kernels, caches). /readyz turns true only after this.
 */
import type { Tagger } from '@window-ner/ner';

export type TaggerLoader = (modelPath: string) => Promise<Tagger> | Tagger;

const WARM_UP = ['Warm-up: Ada Lovelace wrote to Charles Babbage from London about the Analytical Engine.'];

export async function loadWarmTagger(load: TaggerLoader, modelPath: string): Promise<Tagger> {
  const tagger = await load(modelPath);
  try {
    tagger.tag(WARM_UP);
  } catch (err) {
    tagger.dispose();
    throw new Error(`model ${modelPath}: warm-up tagging failed: ${(err as Error).message}`, { cause: err });
  }
  return tagger;
}
