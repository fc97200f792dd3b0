/**
 * Sentence boundaries over tokens, so windows never cross sentences. A sentence ends after a token made only of
 * ".", "!", "?" or "…" (plus closing quotes/brackets glued to it), and at a blank line. Abbreviations ("U.S.",
 * "Mr.") are single tokens from the tokenizer, so they never end a sentence here.
 */
import type { Token } from '../tokenizer/token.js';

/** Token index range [start, end) of one sentence. */
export interface SentenceRange {
  start: number;
  end: number;
}

export interface SplitOptions {
  /** Also end a sentence at every line break (headlines, tweets, lists). Default false: only blank lines. */
  breakOnNewline?: boolean;
}

const TERMINAL = /^[.!?…。！？]+$/u;
const CLOSER = /^(?:["'”’»)\]}]|'')$/u;

export function splitSentences(text: string, tokens: Token[], options: SplitOptions = {}): SentenceRange[] {
  const ranges: SentenceRange[] = [];
  const newline = options.breakOnNewline ? /\n/ : /\n[^\S\n]*\n/;
  let start = 0;
  const close = (end: number) => {
    if (end > start) ranges.push({ start, end });
    start = end;
  };
  for (let i = 0; i < tokens.length; i++) {
    if (i > start && newline.test(text.slice(tokens[i - 1].end, tokens[i].start))) close(i);
    if (!TERMINAL.test(tokens[i].text)) continue;
    let end = i + 1;
    // Closing quotes/brackets touching the terminal belong to the sentence it ends.
    while (end < tokens.length && tokens[end].start === tokens[end - 1].end && CLOSER.test(tokens[end].text)) end++;
    close(end);
    i = end - 1;
  }
  close(tokens.length);
  return ranges;
}
