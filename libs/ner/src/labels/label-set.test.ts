import { describe, expect, it } from 'vitest';
import { LabelSet } from './label-set.js';

describe('LabelSet', () => {
  it('puts O first then B-/I- per sorted type, from tags of any scheme', () => {
    const ls = LabelSet.fromTags(['I-PER', 'O', 'S-LOC', 'B-ORG', 'E-PER']);
    expect(ls.labels).toEqual(['O', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-PER', 'I-PER']);
    expect(ls.size).toBe(7);
    expect(ls.types()).toEqual(['LOC', 'ORG', 'PER']);
    expect(ls.index('B-ORG')).toBe(3);
    expect(ls.label(6)).toBe('I-PER');
  });

  it('builds from sentences, including types with hyphens', () => {
    const ls = LabelSet.fromSentences([{ tags: ['B-creative-work', 'O'] }, { tags: ['B-person'] }]);
    expect(ls.labels).toEqual(['O', 'B-creative-work', 'I-creative-work', 'B-person', 'I-person']);
    expect(ls.types()).toEqual(['creative-work', 'person']);
  });

  it('builds an IO set and encodes B- tags into it', () => {
    const ls = LabelSet.fromTypes(['PER', 'LOC'], 'IO');
    expect(ls.labels).toEqual(['O', 'I-LOC', 'I-PER']);
    expect(ls.encode('B-PER')).toBe(2);
    expect(ls.encode('O')).toBe(0);
    expect(ls.isValidTransition(0, 2)).toBe(true);
  });

  it('names unknown labels and indices in errors', () => {
    const ls = LabelSet.fromTypes(['PER']);
    expect(() => ls.index('B-LOC')).toThrow('unknown label "B-LOC" (labels: O, B-PER, I-PER)');
    expect(() => ls.label(3)).toThrow('label index 3 out of range [0, 3)');
    expect(ls.has('I-PER')).toBe(true);
  });

  it('round-trips through JSON and rejects a non-canonical list', () => {
    const ls = LabelSet.fromTypes(['PER', 'LOC']);
    const back = LabelSet.fromJSON(JSON.parse(JSON.stringify(ls)));
    expect(back.labels).toEqual(ls.labels);
    expect(back.scheme).toBe('BIO');
    expect(LabelSet.fromJSON(['O', 'I-X']).scheme).toBe('IO');
    expect(() => LabelSet.fromJSON(['B-PER', 'I-PER', 'O'])).toThrow('not a canonical BIO label set');
  });

  it('applies BIO transitions by index', () => {
    const ls = LabelSet.fromTypes(['PER', 'LOC']); // O B-LOC I-LOC B-PER I-PER
    expect(ls.isValidTransition(null, 2)).toBe(false);
    expect(ls.isValidTransition(1, 2)).toBe(true);
    expect(ls.isValidTransition(3, 2)).toBe(false);
    expect(ls.isValidTransition(0, 3)).toBe(true);
  });
});

describe('LabelSet chunk structure by index', () => {
  it('gives type ids, I- flags and chunk starts for BIO and IO sets', () => {
    const bio = LabelSet.fromTypes(['PER', 'LOC']); // O B-LOC I-LOC B-PER I-PER
    expect(bio.types()).toEqual(['LOC', 'PER']);
    expect([0, 1, 2, 3, 4].map((i) => bio.typeId(i))).toEqual([-1, 0, 0, 1, 1]);
    expect([0, 1, 2, 3, 4].map((i) => bio.continuesChunk(i))).toEqual([false, false, true, false, true]);
    expect([bio.beginIndex(0), bio.beginIndex(1)]).toEqual([1, 3]);
    expect(bio.typeName(1)).toBe('PER');
    const io = LabelSet.fromTypes(['PER', 'LOC'], 'IO'); // O I-LOC I-PER
    expect([0, 1, 2].map((i) => io.typeId(i))).toEqual([-1, 0, 1]);
    expect([io.beginIndex(0), io.beginIndex(1)]).toEqual([1, 2]);
  });
});
