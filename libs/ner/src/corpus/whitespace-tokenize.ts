import type { TokenSpan } from './types.js';

/** Split on whitespace, keeping character offsets. A minimal tokenizer for tests and pre-tokenised text. */
export function whitespaceTokenize(text: string): TokenSpan[] {
  const tokens: TokenSpan[] = [];
  for (const m of text.matchAll(/\S+/g)) tokens.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return tokens;
}
