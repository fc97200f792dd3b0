/**
 * A window-ner plugin package. window-ner imports it only when the operator allows it
 * (`--plugins @window-ner/ner-plugin-example`) and then calls `register` with its registries; the package itself
 * imports nothing from window-ner at run time (types only), so it works with whichever copy the host runs.
 */
import type { PluginRegistries } from '@window-ner/ner';
import { wordLengthPlugin } from './word-length.js';

export { bucketState, checkBucketState, LENGTH_BUCKETS, lengthBucket, wordLengthFeature, wordLengthPlugin } from './word-length.js';

export function register(registries: PluginRegistries): void {
  registries.feature.register('word-length', wordLengthPlugin);
}
