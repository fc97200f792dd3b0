import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConll, parseConllCorpus, readConll, readConllCorpus } from './conll-read.js';
import { CorpusFormatError } from './corpus-error.js';

// Small invented fixtures (never corpus text).
const FOUR_COLS_IOB1 = [
  '-DOCSTART- -X- O O',
  '',
  'Acme NNP I-NP I-ORG',
  'hired VBD I-VP O',
  'Jo NNP I-NP I-PER',
  'Smith NNP I-NP I-PER',
  'Ann NNP I-NP B-PER',
  '',
  'Paris NNP I-NP I-LOC',
  '',
].join('\n');

describe('parseConll: columns, separators, documents', () => {
  it('reads 4-column IOB1 files, numbers -DOCSTART- documents, converts to BIO and records the source line', () => {
    const c = parseConllCorpus(FOUR_COLS_IOB1, 'x.train');
    expect(c.scheme).toBe('IOB1');
    expect(c.columns).toBe(4);
    expect(c.sentences).toEqual([
      {
        tokens: ['Acme', 'hired', 'Jo', 'Smith', 'Ann'],
        tags: ['B-ORG', 'O', 'B-PER', 'I-PER', 'B-PER'],
        source: { file: 'x.train', line: 3 },
        doc: 0,
      },
      { tokens: ['Paris'], tags: ['B-LOC'], source: { file: 'x.train', line: 9 }, doc: 0 },
    ]);
  });

  it('numbers each -DOCSTART- document; sentences before the first (or in a file without any) have no document', () => {
    const s = parseConll(['a O', '', '-DOCSTART- O', 'b O', '', 'c O', '-DOCSTART- O', '', 'd O', ''].join('\n'), 'x');
    expect(s.map((x) => [x.tokens[0], x.doc])).toEqual([['a', undefined], ['b', 0], ['c', 0], ['d', 1]]);
    expect(parseConll('a O\n\nb O\n', 'x').every((x) => x.doc === undefined)).toBe(true);
  });

  it('keeps the file scheme when asked', () => {
    const s = parseConll(FOUR_COLS_IOB1, 'x', { keepScheme: true });
    expect(s[0]!.tags).toEqual(['I-ORG', 'O', 'I-PER', 'I-PER', 'B-PER']);
  });

  it('reads 2-column tab-separated IOB2 with CRLF, a BOM and no trailing blank line', () => {
    const c = parseConllCorpus('\uFEFFI\tO\r\nmet\tO\r\nNew\tB-LOC\r\nYork\tI-LOC\r\n\r\nok\tO', 'btc.dev');
    expect(c.scheme).toBe('IOB2');
    expect(c.columns).toBe(2);
    expect(c.sentences.map((s) => s.tokens)).toEqual([['I', 'met', 'New', 'York'], ['ok']]);
    expect(c.sentences[0]!.tags).toEqual(['O', 'O', 'B-LOC', 'I-LOC']);
  });

  it('splits on runs of spaces, and on tabs only when a line has a tab (tokens may contain spaces)', () => {
    expect(parseConll('a   O\nb  B-X \n', 'f')[0]!.tokens).toEqual(['a', 'b']);
    const s = parseConll('ke s\tO\nyo\tB-PER\n', 'tweets')[0]!;
    expect(s.tokens).toEqual(['ke s', 'yo']);
  });

  it('treats whitespace-only lines and consecutive blank lines as one sentence break', () => {
    const s = parseConll('a O\n\t\n \n\nb O\n', 'f');
    expect(s.map((x) => x.tokens)).toEqual([['a'], ['b']]);
  });

  it('detects and converts IOBES', () => {
    const c = parseConllCorpus('Jo S-PER\nNew B-LOC\nYork E-LOC\n', 'f');
    expect(c.scheme).toBe('IOBES');
    expect(c.sentences[0]!.tags).toEqual(['B-PER', 'B-LOC', 'I-LOC']);
  });

  it('uses a declared scheme instead of detecting one', () => {
    expect(parseConllCorpus('a I-X\n', 'f', { scheme: 'IOB1' }).scheme).toBe('IOB1');
    expect(parseConllCorpus('a I-X\n', 'f').scheme).toBe('IO');
  });

  it('skips O-tagged empty tokens by default and lists their lines', () => {
    const c = parseConllCorpus('a\tO\n \tO\nb\tO\n', 'btc.dev');
    expect(c.sentences[0]!.tokens).toEqual(['a', 'b']);
    expect(c.skippedLines).toEqual([2]);
  });

  it('returns no sentences for an empty file', () => {
    expect(parseConllCorpus('', 'empty').sentences).toEqual([]);
    expect(parseConllCorpus('-DOCSTART- -X- O O\n\n', 'empty').columns).toBe(0);
  });
});

describe('parseConll: malformed input names file:line', () => {
  const cases: [string, string, string][] = [
    ['3 columns', 'a NN O\n', 'eng.train:1: expected 2 or 4 columns, got 3'],
    ['1 column', 'a O\n\nlonely\n', 'eng.train:3: expected 2 or 4 columns, got 1'],
    ['column count change', 'a NN I-NP O\nb O\n', 'eng.train:2: expected 4 columns (as on line 1), got 2'],
    ['bad tag', 'a O\nb I_PER\n', 'eng.train:2: column 2: invalid tag "I_PER" (expected O or B-/I-/E-/S-TYPE)'],
    ['lower-case prefix', 'a NN I-NP b-PER\n', 'eng.train:1: column 4: invalid tag "b-PER"'],
    ['empty token tagged as entity', 'a\tO\n\tB-PER\n', 'eng.train:2: column 1: empty token (tag B-PER)'],
  ];
  for (const [name, content, message] of cases) {
    it(name, () => {
      expect(() => parseConll(content, 'eng.train')).toThrow(message);
    });
  }

  it('rejects empty tokens under emptyToken: error, and throws a CorpusFormatError with file and line', () => {
    let err: unknown;
    try {
      parseConll('a\tO\n\tO\n', 'btc.dev', { emptyToken: 'error' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CorpusFormatError);
    expect(err).toMatchObject({ file: 'btc.dev', line: 2, message: 'btc.dev:2: column 1: empty token (tag O)' });
  });
});

describe('readConll (files)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ner-conll-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file and uses its path in errors', () => {
    const good = join(dir, 'good.conll');
    writeFileSync(good, FOUR_COLS_IOB1);
    expect(readConll(good)).toHaveLength(2);
    expect(readConllCorpus(good).file).toBe(good);
    const bad = join(dir, 'bad.conll');
    writeFileSync(bad, 'a O\nb O O\n');
    expect(() => readConll(bad)).toThrow(`${bad}:2: expected 2 or 4 columns, got 3`);
  });

  it('fails clearly on a missing file', () => {
    expect(() => readConll(join(dir, 'missing.conll'))).toThrow(/ENOENT.*missing\.conll/);
  });
});
