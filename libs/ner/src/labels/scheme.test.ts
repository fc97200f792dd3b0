import { describe, expect, it } from 'vitest';
import { detectScheme, fromBio, toBio } from './scheme.js';
import { isValidTransition } from './transitions.js';

describe('detectScheme', () => {
  it('detects IOB1 when an I- tag starts a chunk and B- exists (CoNLL-2003)', () => {
    expect(detectScheme([['I-ORG', 'O', 'I-PER', 'B-PER'], ['O']])).toBe('IOB1');
  });
  it('detects IOB2 when every chunk starts with B-', () => {
    expect(detectScheme([['B-ORG', 'I-ORG', 'O'], ['B-PER', 'B-PER']])).toBe('IOB2');
  });
  it('detects IOB1 from an I- at sentence start or after another type', () => {
    expect(detectScheme([['B-ORG', 'O'], ['I-PER']])).toBe('IOB1');
    expect(detectScheme([['B-ORG', 'I-PER']])).toBe('IOB1');
  });
  it('detects IOBES from any E- or S-', () => {
    expect(detectScheme([['S-PER', 'O'], ['B-LOC', 'E-LOC']])).toBe('IOBES');
  });
  it('detects IO without any B-, and calls an all-O corpus IOB2', () => {
    expect(detectScheme([['I-PER', 'I-PER', 'O']])).toBe('IO');
    expect(detectScheme([['O', 'O'], []])).toBe('IOB2');
  });
});

describe('toBio / fromBio', () => {
  it('converts IOB1 to BIO, keeping B- between adjacent same-type chunks', () => {
    expect(toBio(['I-ORG', 'I-ORG', 'B-ORG', 'O', 'I-PER', 'I-LOC'])).toEqual(
      ['B-ORG', 'I-ORG', 'B-ORG', 'O', 'B-PER', 'B-LOC']);
  });
  it('converts IOBES to BIO', () => {
    expect(toBio(['S-PER', 'B-LOC', 'I-LOC', 'E-LOC', 'S-LOC', 'O', 'E-ORG'])).toEqual(
      ['B-PER', 'B-LOC', 'I-LOC', 'I-LOC', 'B-LOC', 'O', 'B-ORG']);
  });
  it('an I- after E- or S- of the same type starts a new chunk', () => {
    expect(toBio(['S-PER', 'I-PER', 'B-LOC', 'E-LOC', 'I-LOC'])).toEqual(['B-PER', 'B-PER', 'B-LOC', 'I-LOC', 'B-LOC']);
  });
  it('leaves valid BIO unchanged and handles hyphenated types', () => {
    const bio = ['B-creative-work', 'I-creative-work', 'O', 'B-person'];
    expect(toBio(bio)).toEqual(bio);
  });
  it('throws on an invalid tag', () => {
    expect(() => toBio(['O', 'PER'])).toThrow('invalid tag "PER"');
  });
  it('round-trips BIO through IOB1 and IOBES', () => {
    const bio = ['B-PER', 'I-PER', 'B-PER', 'O', 'B-LOC', 'B-ORG', 'I-ORG', 'I-ORG'];
    const iob1 = fromBio(bio, 'IOB1');
    expect(iob1).toEqual(['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC', 'I-ORG', 'I-ORG', 'I-ORG']);
    expect(toBio(iob1)).toEqual(bio);
    const iobes = fromBio(bio, 'IOBES');
    expect(iobes).toEqual(['B-PER', 'E-PER', 'S-PER', 'O', 'S-LOC', 'B-ORG', 'I-ORG', 'E-ORG']);
    expect(toBio(iobes)).toEqual(bio);
    expect(fromBio(bio, 'IOB2')).toEqual(bio);
  });
  it('BIO → IO drops B- (adjacent same-type entities merge)', () => {
    expect(fromBio(['B-PER', 'B-PER', 'O', 'B-LOC'], 'IO')).toEqual(['I-PER', 'I-PER', 'O', 'I-LOC']);
    expect(toBio(fromBio(['B-PER', 'B-PER'], 'IO'))).toEqual(['B-PER', 'I-PER']);
  });
});

describe('isValidTransition (BIO)', () => {
  it('allows I-X only after B-X or I-X', () => {
    expect(isValidTransition('B-PER', 'I-PER')).toBe(true);
    expect(isValidTransition('I-PER', 'I-PER')).toBe(true);
    expect(isValidTransition('O', 'I-PER')).toBe(false);
    expect(isValidTransition('B-LOC', 'I-PER')).toBe(false);
    expect(isValidTransition('I-LOC', 'I-PER')).toBe(false);
    expect(isValidTransition(null, 'I-PER')).toBe(false);
  });
  it('allows O and B-X anywhere', () => {
    for (const prev of [null, 'O', 'B-PER', 'I-LOC']) {
      expect(isValidTransition(prev, 'O')).toBe(true);
      expect(isValidTransition(prev, 'B-ORG')).toBe(true);
    }
  });
  it('allows everything under IO and rejects unknown tags', () => {
    expect(isValidTransition('O', 'I-PER', 'IO')).toBe(true);
    expect(isValidTransition(null, 'I-PER', 'IO')).toBe(true);
    expect(isValidTransition('O', 'X-PER')).toBe(false);
  });
});
