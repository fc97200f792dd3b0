/** Tokenizers by name. The ner lib wraps this in its plugin registry; a plugin may add its own here. */
import { defaultTokenizer } from './default.js';
import type { Tokenizer } from './token.js';
import { whitespaceTokenizer } from './whitespace.js';

export const tokenizers = new Map<string, Tokenizer>([
  [defaultTokenizer.name, defaultTokenizer],
  [whitespaceTokenizer.name, whitespaceTokenizer],
]);

export function registerTokenizer(tokenizer: Tokenizer): void {
  tokenizers.set(tokenizer.name, tokenizer);
}

export function getTokenizer(name: string): Tokenizer {
  const t = tokenizers.get(name);
  if (!t) throw new Error(`unknown tokenizer "${name}" (known: ${[...tokenizers.keys()].join(', ')})`);
  return t;
}
