/** Decoders by name; the model config names one ('viterbi' by default). */
import { greedyDecoder } from './greedy';
import { viterbiDecoder } from './viterbi';
import type { Decoder } from './types';

export const decoders: ReadonlyMap<string, Decoder> = new Map([
  [greedyDecoder.name, greedyDecoder],
  [viterbiDecoder.name, viterbiDecoder],
]);
