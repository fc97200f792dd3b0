/** Character range of a token in its sentence's text (JS string indices, end exclusive). */
export interface TokenOffset {
  start: number;
  end: number;
}

/** A token produced by a tokenizer function. */
export interface TokenSpan extends TokenOffset {
  text: string;
}

/** Tokenizer passed to the JSONL reader; libs/text provides one, tests use whitespaceTokenize. */
export type TokenizeFn = (text: string) => TokenSpan[];

export interface Sentence {
  tokens: string[];
  /** One tag per token, BIO (IOB2) unless a reader was asked to keep the file's scheme. */
  tags: string[];
  /** Character offsets of the tokens in `text` (JSONL input, or tokenised raw text). */
  offsets?: TokenOffset[];
  text?: string;
  /**
   * Document of the sentence in its corpus (CoNLL: counts -DOCSTART- lines from 0). Absent: the sentence is a
   * document of its own (a file without -DOCSTART- lines, a JSONL record).
   */
  doc?: number;
  /** Where the sentence came from: file and 1-based line of its first token (CoNLL) or of its record (JSONL). */
  source?: { file: string; line: number };
}
