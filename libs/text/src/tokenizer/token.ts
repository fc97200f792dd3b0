/**
 * A token is a slice of the original string: `text === source.slice(start, end)` always holds
 * (JS string indices, UTF-16 code units, end exclusive), so entity spans map back to the input exactly.
 */
export interface Token {
  text: string;
  start: number;
  end: number;
}

/** A tokenizer plugin: turns raw text into tokens in order, non-overlapping, covering every non-whitespace char. */
export interface Tokenizer {
  readonly name: string;
  tokenize(text: string): Token[];
}

export function makeToken(source: string, start: number, end: number): Token {
  return { text: source.slice(start, end), start, end };
}
