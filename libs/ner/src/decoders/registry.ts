/** Decoders by name; the model config names one ('viterbi' by default). */
import { greedyDecoder } from './greedy.js';
import { viterbiDecoder } from './viterbi.js';
import type { Decoder } from './types.js';

export const decoders: ReadonlyMap<string, Decoder> = new Map([
  [greedyDecoder.name, greedyDecoder],
  [viterbiDecoder.name, viterbiDecoder],
]);
