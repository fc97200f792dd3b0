/**
 * Casing feature: a fixed category set (a one-hot feature of the model; the order is part of saved models,
 * so only ever append). "padding" is the category of the sentence-start/end padding positions.
 */
export const CASING_CLASSES = [
  'padding',
  'allLower',
  'allUpper',
  'initialUpper',
  'mixed',
  'numeric',
  'hasDigit',
  'punctuation',
  'other',
] as const;

export type CasingClass = (typeof CASING_CLASSES)[number];

export const PADDING_CASING_INDEX = 0;

const NUMERIC = /^[+-]?[\p{Nd}]+(?:[.,:/-][\p{Nd}]+)*%?$/u;
const PUNCT_OR_SYMBOL = /^[\p{P}\p{S}]+$/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;

export function casingClass(word: string): CasingClass {
  if (word.length === 0) return 'other';
  if (NUMERIC.test(word)) return 'numeric';
  if (/\p{Nd}/u.test(word)) return 'hasDigit';
  if (PUNCT_OR_SYMBOL.test(word) && !PICTOGRAPH.test(word)) return 'punctuation';
  const cased = [...word].filter((c) => /[\p{Lu}\p{Lt}\p{Ll}]/u.test(c));
  if (cased.length === 0) return 'other';
  const upper = cased.map((c) => /[\p{Lu}\p{Lt}]/u.test(c));
  if (upper.every((u) => !u)) return 'allLower';
  if (upper.every((u) => u)) return 'allUpper';
  if (upper[0] && upper.slice(1).every((u) => !u) && /^[\p{Lu}\p{Lt}]/u.test(word)) return 'initialUpper';
  return 'mixed';
}

export function casingIndex(word: string): number {
  return CASING_CLASSES.indexOf(casingClass(word));
}
