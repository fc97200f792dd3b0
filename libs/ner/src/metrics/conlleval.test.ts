import { describe, expect, it } from 'vitest';
import { ConllEvaluator, conlleval } from './conlleval.js';
import { formatReport, perlFixed2, reportToJson } from './report.js';

// Hand-made cases; every count below is derived by hand from conlleval.pl's startOfChunk/endOfChunk rules.

// Exact match (PER), wrong type (LOC→ORG), boundary error (ORG too short), I- start after O (MISC, correct).
const A_GOLD = ['B-PER', 'I-PER', 'O', 'B-LOC', 'O', 'B-ORG', 'I-ORG', 'O', 'I-MISC'];
const A_PRED = ['B-PER', 'I-PER', 'O', 'B-ORG', 'O', 'B-ORG', 'O', 'O', 'I-MISC'];

describe('conlleval counting', () => {
  it('counts exact, wrong-type, boundary and I-start chunks like conlleval', () => {
    const r = conlleval([A_GOLD], [A_PRED]);
    expect(r.tokens).toBe(9);
    expect(r.correctTags).toBe(7);
    expect(r.overall).toMatchObject({ gold: 4, found: 4, correct: 2, precision: 50, recall: 50, f1: 50 });
    expect(r.byType.PER).toMatchObject({ gold: 1, found: 1, correct: 1 });
    expect(r.byType.LOC).toMatchObject({ gold: 1, found: 0, correct: 0, precision: 0, recall: 0, f1: 0 });
    expect(r.byType.ORG).toMatchObject({ gold: 1, found: 2, correct: 0 });
    expect(r.byType.MISC).toMatchObject({ gold: 1, found: 1, correct: 1 });
    expect(Object.keys(r.byType)).toEqual(['LOC', 'MISC', 'ORG', 'PER']);
  });

  it('reads IOB1: B- separates adjacent same-type chunks, I- starts a chunk', () => {
    const r = conlleval([['I-ORG', 'I-ORG', 'B-ORG', 'O']], [['I-ORG', 'I-ORG', 'I-ORG', 'O']]);
    expect(r.overall).toMatchObject({ gold: 2, found: 1, correct: 0 });
    expect(r.correctTags).toBe(3);
  });

  it('an I- tag of another type starts a new chunk', () => {
    const r = conlleval([['B-PER', 'I-PER', 'O']], [['B-LOC', 'I-PER', 'O']]);
    expect(r.overall).toMatchObject({ gold: 1, found: 2, correct: 0 });
    expect(r.byType.LOC).toMatchObject({ gold: 0, found: 1, correct: 0 });
    expect(r.correctTags).toBe(2);
  });

  it('a sentence break closes chunks (I- at the next sentence start is a new chunk)', () => {
    const r = conlleval([['O', 'B-PER'], ['I-PER', 'O']], [['O', 'B-PER'], ['I-PER', 'O']]);
    expect(r.overall).toMatchObject({ gold: 2, found: 2, correct: 2 });
    expect(r.tokens).toBe(4); // boundaries are not tokens
  });

  it('a prediction running past the gold end is wrong', () => {
    const r = conlleval([['B-LOC', 'O']], [['B-LOC', 'I-LOC']]);
    expect(r.overall).toMatchObject({ gold: 1, found: 1, correct: 0 });
  });

  it('B-X B-X are two chunks; merging them is wrong; token accuracy compares prefixes', () => {
    const r = conlleval([['B-PER', 'B-PER']], [['B-PER', 'I-PER']]);
    expect(r.overall).toMatchObject({ gold: 2, found: 1, correct: 0 });
    expect(r.correctTags).toBe(1);
    // B-PER vs I-PER inside a correct chunk: chunk correct, token wrong.
    const r2 = conlleval([['B-PER', 'I-PER']], [['B-PER', 'B-PER']]);
    expect(r2.overall).toMatchObject({ gold: 1, found: 2, correct: 0 });
    const r3 = conlleval([['I-PER', 'O']], [['B-PER', 'O']]);
    expect(r3.overall).toMatchObject({ gold: 1, found: 1, correct: 1 });
    expect(r3.accuracy).toBe(50);
  });

  it('all O, and no input, give zeros (no division by zero)', () => {
    const r = conlleval([['O', 'O']], [['O', 'O']]);
    expect(r.overall).toEqual({ gold: 0, found: 0, correct: 0, precision: 0, recall: 0, f1: 0 });
    expect(r.accuracy).toBe(100);
    expect(conlleval([], []).tokens).toBe(0);
  });

  it('sums sentences: the multi-sentence corpus equals the per-case totals', () => {
    const gold = [A_GOLD, ['I-ORG', 'I-ORG', 'B-ORG', 'O'], ['B-PER', 'I-PER', 'O']];
    const pred = [A_PRED, ['I-ORG', 'I-ORG', 'I-ORG', 'O'], ['B-LOC', 'I-PER', 'O']];
    const r = conlleval(gold, pred);
    expect(r.overall).toMatchObject({ gold: 7, found: 7, correct: 2 });
    expect(r.tokens).toBe(16);
    expect(r.correctTags).toBe(12);
    expect(r.overall.precision).toBeCloseTo(200 / 7, 10);
  });

  it('F1 is the harmonic mean of percent precision and recall', () => {
    const r = conlleval([['B-PER', 'O', 'B-LOC', 'O', 'B-ORG']], [['B-PER', 'O', 'O', 'O', 'O']]);
    expect(r.overall.precision).toBe(100);
    expect(r.overall.recall).toBeCloseTo(100 / 3, 10);
    expect(r.overall.f1).toBeCloseTo(50, 10);
  });

  it('rejects sentences of different lengths, naming the sentence', () => {
    const ev = new ConllEvaluator();
    ev.add(['O'], ['O']);
    expect(() => ev.add(['O', 'O'], ['O'])).toThrow('sentence 1: 2 gold tags but 1 predicted tags');
    expect(() => conlleval([['O']], [])).toThrow('1 gold sentences but 0 predicted');
  });

  it('builds a token-level confusion table by type', () => {
    const r = conlleval([A_GOLD], [A_PRED], { confusion: true });
    expect(r.confusion!.labels).toEqual(['O', 'LOC', 'MISC', 'ORG', 'PER']);
    expect(r.confusion!.counts).toEqual([
      [3, 0, 0, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 1, 0, 0],
      [1, 0, 0, 1, 0],
      [0, 0, 0, 0, 2],
    ]);
    expect(conlleval([A_GOLD], [A_PRED]).confusion).toBeUndefined();
  });
});

describe('conlleval report', () => {
  it('prints the same lines as conlleval.pl', () => {
    expect(formatReport(conlleval([A_GOLD], [A_PRED]))).toBe(
      'processed 9 tokens with 4 phrases; found: 4 phrases; correct: 2.\n' +
      'accuracy:  77.78%; precision:  50.00%; recall:  50.00%; FB1:  50.00\n' +
      '              LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0\n' +
      '             MISC: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n' +
      '              ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  2\n' +
      '              PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n',
    );
  });

  it('omits the accuracy line when there are no tokens, and appends the confusion table when asked', () => {
    expect(formatReport(conlleval([], []))).toBe('processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n');
    const text = formatReport(conlleval([A_GOLD], [A_PRED], { confusion: true }));
    expect(text).toContain('gold\\pred');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^PER\s+0\s+0\s+0\s+0\s+2$/);
  });

  it('rounds like printf %6.2f (exact ties to even)', () => {
    expect(perlFixed2(12.125)).toBe('12.12');
    expect(perlFixed2(0.375)).toBe('0.38');
    expect(perlFixed2(200 / 3)).toBe('66.67');
    expect(perlFixed2(2.675)).toBe('2.67'); // not an exact tie in binary
    expect(perlFixed2(100)).toBe('100.00');
  });

  it('gives a JSON form with rounded percentages and exact counts', () => {
    const j = reportToJson(conlleval([['B-PER', 'O', 'B-LOC', 'O', 'B-ORG']], [['B-PER', 'O', 'O', 'O', 'O']]));
    expect(j.overall).toEqual({ gold: 3, found: 1, correct: 1, precision: 100, recall: 33.33, f1: 50 });
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});
