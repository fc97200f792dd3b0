/**
 * The lookup fallbacks' keys. Same rule as @window-ner/text's normalizeWord (lower-case, digits -> "0"),
 * repeated here because embeddings is a leaf library that may not import text.
 */
export function lowerKey(word: string): string {
  return word.toLowerCase();
}

export function digitsKey(word: string): string {
  return word.toLowerCase().replace(/\p{Nd}/gu, '0');
}
