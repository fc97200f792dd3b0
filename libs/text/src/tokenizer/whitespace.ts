/** Tokenizer for pre-tokenised input (e.g. CoNLL tokens joined by spaces): every whitespace-free run is a token. */
import { makeToken, type Token, type Tokenizer } from './token';

export const whitespaceTokenizer: Tokenizer = {
  name: 'whitespace',
  tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    for (const m of text.matchAll(/\S+/gu)) tokens.push(makeToken(text, m.index, m.index + m[0].length));
    return tokens;
  },
};
