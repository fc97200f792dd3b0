import { describe, expect, it } from 'vitest';
import { CASING_CLASSES, PADDING_CASING_INDEX, casingClass, casingIndex, normalizeDigits, normalizeWord, wordShape } from '../src/index.js';

describe('normalizeWord', () => {
  it('lower-cases and maps digits to 0', () => {
    expect(normalizeWord('Paris')).toBe('paris');
    expect(normalizeWord('1996-08-22')).toBe('0000-00-00');
    expect(normalizeWord('B52s')).toBe('b00s');
    expect(normalizeDigits('B52s')).toBe('B00s');
  });
});

describe('casing', () => {
  it.each([
    ['paris', 'allLower'], ['EU', 'allUpper'], ['U.S.', 'allUpper'], ['I', 'allUpper'], ['Paris', 'initialUpper'],
    ["O'Neil", 'mixed'], ['iPhone', 'mixed'], ['McDonald', 'mixed'], ['1996', 'numeric'], ['3,000.50', 'numeric'],
    ['10%', 'numeric'], ['-5', 'numeric'], ['B52', 'hasDigit'], ['.', 'punctuation'], ['$', 'punctuation'],
    ['"', 'punctuation'], ['東京', 'other'], ['😀', 'other'], ['', 'other'], ['Élysée', 'initialUpper'],
  ])('%s -> %s', (word, cls) => {
    expect(casingClass(word)).toBe(cls);
    expect(casingIndex(word)).toBe(CASING_CLASSES.indexOf(cls as (typeof CASING_CLASSES)[number]));
  });

  it('reserves index 0 for padding', () => {
    expect(CASING_CLASSES[PADDING_CASING_INDEX]).toBe('padding');
    expect(new Set(CASING_CLASSES).size).toBe(CASING_CLASSES.length);
  });
});

describe('wordShape', () => {
  it('maps letters and digits to shape chars', () => {
    expect(wordShape('Mark')).toBe('Xxxx');
    expect(wordShape('32.50')).toBe('dd.dd');
    expect(wordShape("O'Neil")).toBe("X'Xxxx");
    expect(wordShape('Zürich')).toBe('Xxxxxx');
    expect(wordShape('e\u0301t')).toBe('xx');
  });

  it('collapses long runs when asked', () => {
    expect(wordShape('Washington', { collapse: true })).toBe('Xxx');
    expect(wordShape('1996-08-22', { collapse: true })).toBe('dd-dd-dd');
  });
});
