export type { DecodeInto, Decoder, DecodeResult } from './types';
export { greedyDecoder } from './greedy';
export { viterbiDecoder, transitionMask } from './viterbi';
export { decoders, getDecoder } from './registry';
export { spansToEntities } from './entities';
