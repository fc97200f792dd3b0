/** Tokenizer for pre-tokenised input (e.g. CoNLL tokens joined by spaces): every whitespace-free run is a token. */
import { makeToken, type Token, type Tokenizer } from './token.js';

export const whitespaceTokenizer: Tokenizer = {
  name: 'whitespace',
  tokenize(text: string): Token[] {
    // A scan rather than matchAll(/\S+/gu), whose match arrays were a third of a tagging request's garbage (the
    // default tokenizer starts from these chunks).
    const tokens: Token[] = [];
    let end = 0;
    while (end < text.length) {
      while (end < text.length && isWhiteSpace(text.charCodeAt(end))) end++;
      if (end === text.length) break;
      const start = end;
      while (end < text.length && !isWhiteSpace(text.charCodeAt(end))) end++;
      tokens.push(makeToken(text, start, end));
    }
    return tokens;
  },
};

/** Exactly the code units /\s/u matches (ECMAScript WhiteSpace and LineTerminator; all in the BMP). */
export function isWhiteSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
