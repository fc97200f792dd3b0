export type { Token, Tokenizer } from './tokenizer/token';
export { makeToken } from './tokenizer/token';
export { defaultTokenizer } from './tokenizer/default';
export { whitespaceTokenizer } from './tokenizer/whitespace';
export { tokenizers, registerTokenizer, getTokenizer } from './tokenizer/registry';
export { splitSentences, type SentenceRange, type SplitOptions } from './sentences/split';
export { normalizeWord, normalizeDigits } from './features/normalize';
export { CASING_CLASSES, PADDING_CASING_INDEX, casingClass, casingIndex, type CasingClass } from './features/casing';
export { wordShape, type ShapeOptions } from './features/shape';
