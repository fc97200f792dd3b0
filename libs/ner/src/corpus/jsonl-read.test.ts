import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonl, readJsonl } from './jsonl-read.js';
import { formatJsonl } from './jsonl-write.js';
import type { TokenizeFn } from './types.js';
import { whitespaceTokenize } from './whitespace-tokenize.js';

/** Splits "U.S." style punctuation off words, so entity ends can fall inside a whitespace token. */
const punctTokenize: TokenizeFn = (text) =>
  [...text.matchAll(/\w+|[^\w\s]/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));

const line = (text: string, entities?: unknown) => JSON.stringify(entities === undefined ? { text } : { text, entities });

describe('parseJsonl', () => {
  it('tokenises, tags in BIO and keeps offsets and text', () => {
    const content = [
      line('Ada Lovelace met Babbage.', [{ start: 0, end: 12, label: 'PER' }, { start: 17, end: 24, label: 'PER' }]),
      '',
      line('nothing here'),
    ].join('\n');
    const [a, b] = parseJsonl(content, 'd.jsonl', punctTokenize);
    expect(a).toEqual({
      tokens: ['Ada', 'Lovelace', 'met', 'Babbage', '.'],
      tags: ['B-PER', 'I-PER', 'O', 'B-PER', 'O'],
      offsets: [{ start: 0, end: 3 }, { start: 4, end: 12 }, { start: 13, end: 16 }, { start: 17, end: 24 }, { start: 24, end: 25 }],
      text: 'Ada Lovelace met Babbage.',
      source: { file: 'd.jsonl', line: 1 },
    });
    expect(b).toMatchObject({ tags: ['O', 'O'], source: { line: 3 } });
  });

  it('accepts CRLF and entities in any order', () => {
    const content = line('a b c', [{ start: 4, end: 5, label: 'Y' }, { start: 0, end: 1, label: 'X' }]) + '\r\n';
    expect(parseJsonl(content, 'f', whitespaceTokenize)[0]!.tags).toEqual(['B-X', 'O', 'B-Y']);
  });

  it('rejects an entity boundary inside a token by default, naming the token', () => {
    const content = line('Visit Berlin.', [{ start: 6, end: 12, label: 'LOC' }]);
    expect(() => parseJsonl(content, 'd.jsonl', whitespaceTokenize)).toThrow(
      'd.jsonl:1: entities[0] [6, 12) "Berlin": end 12 is not a token boundary (token "Berlin." spans [6, 13))');
    expect(() => parseJsonl(line('xBerlin', [{ start: 1, end: 7, label: 'LOC' }]), 'd.jsonl', whitespaceTokenize))
      .toThrow('start 1 is not a token boundary');
  });

  it('snaps entity boundaries outward to whole tokens when asked', () => {
    const content = line('Visit Berlin. Now', [{ start: 7, end: 12, label: 'LOC' }]);
    const s = parseJsonl(content, 'f', whitespaceTokenize, { boundaries: 'snap' })[0]!;
    expect(s.tags).toEqual(['O', 'B-LOC', 'O']);
  });

  it('rejects entities that overlap, before or after snapping', () => {
    const overlap = line('New York City', [{ start: 0, end: 8, label: 'LOC' }, { start: 4, end: 13, label: 'LOC' }]);
    expect(() => parseJsonl(overlap, 'f', whitespaceTokenize)).toThrow('f:1: entities[1] [4, 13) overlaps entities[0] [0, 8)');
    const shared = line('NewYork', [{ start: 0, end: 3, label: 'LOC' }, { start: 3, end: 7, label: 'LOC' }]);
    expect(() => parseJsonl(shared, 'f', whitespaceTokenize, { boundaries: 'snap' }))
      .toThrow('f:1: entities[1] and entities[0] share token "NewYork" after snapping to tokens');
  });

  it('rejects an entity covering only whitespace', () => {
    expect(() => parseJsonl(line('a   b', [{ start: 1, end: 3, label: 'X' }]), 'f', whitespaceTokenize, { boundaries: 'snap' }))
      .toThrow('f:1: entities[0] [1, 3) "  " covers no token');
  });

  const malformed: [string, string, string][] = [
    ['invalid JSON', '{"text": "a"', 'f.jsonl:2: invalid JSON'],
    ['not an object', '["a"]', 'f.jsonl:2: expected a JSON object'],
    ['text missing', '{"entities": []}', 'f.jsonl:2: field "text": expected a string, got undefined'],
    ['entities not an array', '{"text": "a", "entities": {}}', 'f.jsonl:2: field "entities": expected an array'],
    ['entity not an object', line('a', [3]), 'f.jsonl:2: entities[0]: expected an object'],
    ['start not an integer', line('ab', [{ start: '0', end: 1, label: 'X' }]), 'f.jsonl:2: entities[0].start: expected an integer, got "0"'],
    ['end fractional', line('ab', [{ start: 0, end: 1.5, label: 'X' }]), 'f.jsonl:2: entities[0].end: expected an integer, got 1.5'],
    ['label missing', line('ab', [{ start: 0, end: 1 }]), 'f.jsonl:2: entities[0].label: expected a non-empty string without spaces'],
    ['label with space', line('ab', [{ start: 0, end: 1, label: 'A B' }]), 'entities[0].label'],
    ['end beyond text', line('ab', [{ start: 0, end: 5, label: 'X' }]), 'f.jsonl:2: entities[0].end: 5 is beyond the text length 2'],
    ['negative start', line('ab', [{ start: -1, end: 1, label: 'X' }]), 'f.jsonl:2: entities[0].start: -1 is negative'],
    ['empty range', line('ab', [{ start: 1, end: 1, label: 'X' }]), 'f.jsonl:2: entities[0]: start 1 must be less than end 1'],
  ];
  for (const [name, bad, message] of malformed) {
    it(`malformed: ${name}`, () => {
      expect(() => parseJsonl(`${line('ok')}\n${bad}\n`, 'f.jsonl', whitespaceTokenize)).toThrow(message);
    });
  }
});

describe('readJsonl and the writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ner-jsonl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips sentences through a JSONL file', () => {
    const content = [
      line('Ada met Bob in Rome', [{ start: 0, end: 3, label: 'PER' }, { start: 8, end: 11, label: 'PER' }, { start: 15, end: 19, label: 'LOC' }]),
      line('no entities'),
    ].join('\n');
    const p = join(dir, 'a.jsonl');
    writeFileSync(p, content);
    const sentences = readJsonl(p, whitespaceTokenize);
    const p2 = join(dir, 'b.jsonl');
    writeFileSync(p2, formatJsonl(sentences));
    const again = readJsonl(p2, whitespaceTokenize);
    expect(again.map((s) => s.tags)).toEqual(sentences.map((s) => s.tags));
    expect(JSON.parse(formatJsonl(sentences).split('\n')[0]!).entities[2]).toEqual({ start: 15, end: 19, label: 'LOC' });
    expect(() => formatJsonl([{ tokens: ['a'], tags: ['O'] }])).toThrow('no text/offsets');
  });
});
