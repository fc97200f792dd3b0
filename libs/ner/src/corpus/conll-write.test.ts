import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConll, parseConllCorpus } from './conll-read.js';
import { formatConll, writeConll } from './conll-write.js';
import type { Sentence } from './types.js';

const SENTENCES: Sentence[] = [
  { tokens: ['Jo', 'Smith', 'Ann'], tags: ['B-PER', 'I-PER', 'B-PER'] },
  { tokens: ['in', 'Paris'], tags: ['O', 'B-LOC'] },
];

describe('formatConll / writeConll', () => {
  it('writes token-tag lines with a blank line after each sentence, and reads back the same', () => {
    const text = formatConll(SENTENCES);
    expect(text).toBe('Jo B-PER\nSmith I-PER\nAnn B-PER\n\nin O\nParis B-LOC\n');
    expect(parseConll(text, 'f')).toEqual(SENTENCES.map((s, k) => ({ ...s, source: { file: 'f', line: k === 0 ? 1 : 5 } })));
  });

  it('writes IOB1 and IOBES that read back (and are detected) correctly', () => {
    for (const scheme of ['IOB1', 'IOBES'] as const) {
      const c = parseConllCorpus(formatConll(SENTENCES, { scheme }), 'f');
      expect(c.scheme).toBe(scheme);
      expect(c.sentences.map((s) => s.tags)).toEqual(SENTENCES.map((s) => s.tags));
    }
  });

  it('adds a predicted column for conlleval and checks its length', () => {
    const pred = [['B-PER', 'I-PER', 'I-PER'], ['O', 'O']];
    expect(formatConll(SENTENCES, { predictions: pred }).split('\n')[2]).toBe('Ann B-PER I-PER');
    expect(() => formatConll(SENTENCES, { predictions: [pred[0]!] })).toThrow('sentence 1: 2 tokens but 0 predicted tags');
  });

  it('refuses tokens with spaces unless the separator is a tab', () => {
    const s: Sentence[] = [{ tokens: ['ke s'], tags: ['O'] }];
    expect(() => formatConll(s)).toThrow('contains whitespace');
    expect(parseConll(formatConll(s, { separator: '\t' }), 'f')[0]!.tokens).toEqual(['ke s']);
  });

  const dir = mkdtempSync(join(tmpdir(), 'ner-conll-w-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('writes a file', () => {
    const p = join(dir, 'out.conll');
    writeConll(p, SENTENCES, { separator: '\t' });
    expect(readFileSync(p, 'utf8').split('\n')[0]).toBe('Jo\tB-PER');
  });
});
