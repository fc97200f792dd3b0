export type { Token, Tokenizer } from './tokenizer/token.js';
export { makeToken } from './tokenizer/token.js';
export { defaultTokenizer } from './tokenizer/default.js';
export { whitespaceTokenizer } from './tokenizer/whitespace.js';
export { tokenizers, registerTokenizer, getTokenizer } from './tokenizer/registry.js';
export { splitSentences, type SentenceRange, type SplitOptions } from './sentences/split.js';
export { normalizeWord, normalizeDigits } from './features/normalize.js';
export { CASING_CLASSES, PADDING_CASING_INDEX, casingClass, casingIndex, type CasingClass } from './features/casing.js';
export { wordShape, type ShapeOptions } from './features/shape.js';
