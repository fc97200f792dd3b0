export { ConllEvaluator, conlleval } from './conlleval';
export type { ChunkScore, ConfusionTable, ConllevalOptions, ConllevalResult } from './conlleval';
export { formatReport, formatConfusion, reportToJson, perlFixed2 } from './report';
export { splitTag, startOfChunk, endOfChunk } from './chunk-rules';
export type { ChunkTag } from './chunk-rules';
