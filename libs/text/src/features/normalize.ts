/** The key used for vocabulary/embedding lookups: lower-case, every digit -> "0" (GloVe and CoNLL both do this). */
export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/\p{Nd}/gu, '0');
}

/** Only the digit part of normalizeWord, for a lookup that keeps case. */
export function normalizeDigits(word: string): string {
  return word.replace(/\p{Nd}/gu, '0');
}
