/**
 * The `gazetteer` feature: per-type longest-span matching (overlaps, several types, entries at sentence edges),
 * the leave-own-document-out rule for training sentences, the filter of entries that are rarely entities, user
 * files and their errors, and a model file round trip that matches as the trained model did without the files.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { resolveConfig } from '../config/config.js';
import { checkConfigLimits, DEFAULT_CONFIG_LIMITS } from '../config/limits.js';
import { createModel } from '../model/build.js';
import { loadModel, saveModel } from '../model/file.js';
import type { Sentence } from '../corpus/types.js';
import { sentenceContexts } from '../windows/documents.js';
import { EntityLists, indicatorTable, MAX_FILE_BYTES, readEntryFile } from './gazetteer-lists.js';
import type { Feature, SentenceContext } from './types.js';
import { WordIds } from './word-ids.js';

const s = (text: string, tags: string, doc?: number): Sentence => ({ tokens: text.split(' '), tags: tags.split(' '), doc });

/** Three documents; "New York" is a LOC in two, "New York Times" an ORG in one, "Smith" a PER in one only. */
const corpus: Sentence[] = [
  s('John Smith visited New York .', 'B-PER I-PER O B-LOC I-LOC O', 0),
  s('The New York Times reported it .', 'O B-ORG I-ORG I-ORG O O O', 0),
  s('New York is big .', 'B-LOC I-LOC O O O', 1),
  s('Washington met Smith in Washington', 'B-PER O B-PER O B-LOC', 1),
  s('The Hague is far .', 'B-LOC I-LOC O O O', 2),
  s('The vote was close .', 'O O O O O', 2),
  s('The end .', 'O O O', 2),
];
const TYPES = ['LOC', 'ORG', 'PER'];

/** A token's key as its matches, e.g. "B-LOC I-ORG" ("" for none). */
function describeKey(key: number): string {
  const out: string[] = [];
  for (let t = 0, rest = key; t < TYPES.length; t++, rest = Math.floor(rest / 3)) if (rest % 3) out.push(`${rest % 3 === 1 ? 'B' : 'I'}-${TYPES[t]}`);
  return out.join(' ');
}

function gazetteer(spec: Record<string, unknown> = {}, train = corpus): { feature: Feature; dispose: () => void } {
  const config = resolveConfig({ hidden: [4], minFreq: 1, features: [{ type: 'casing' }, { type: 'gazetteer', ...spec }] });
  const model = createModel(config, train, null, new Rng(1));
  return { feature: model.features[1], dispose: () => model.dispose() };
}

function match(f: Feature, text: string, context?: SentenceContext): string[] {
  const tokens = text.split(' ');
  const keys = new Int32Array(tokens.length + 2).fill(-7);
  f.encode(tokens, keys, 1, false, context);
  expect([keys[0], keys[tokens.length + 1]]).toEqual([-7, -7]); // writes only its own tokens
  return Array.from(keys.subarray(1, tokens.length + 1), describeKey);
}

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
  dir = mkdtempSync(join(tmpdir(), 'gazetteer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gazetteer feature', () => {
  it('emits 2T fixed multi-hot indicators, key 0 (and the padding) for no match', () => {
    const { feature: f, dispose } = gazetteer();
    expect([f.type, f.dim, f.perWord, f.padStart, f.padEnd, f.unkKey]).toEqual(['gazetteer', 6, false, 0, 0, -1]);
    expect(f.params().every((p) => !p.trainable)).toBe(true);
    // key = Σ state_t·3^t: B-LOC (1) + I-ORG (2·3) = 7 is the row [B-LOC, I-ORG].
    const y = tf.tidy(() => f.forward(Int32Array.of(0, 7, 2 * 9), { training: false, rng: new Rng(0) }).y.arraySync());
    expect(y).toEqual([[0, 0, 0, 0, 0, 0], [1, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 1]]);
    expect(Array.from(indicatorTable(1))).toEqual([0, 0, 1, 0, 0, 1]);
    dispose();
  });

  it('matches the longest entry per type, overlapping entries of other types, at both sentence edges', () => {
    const { feature: f, dispose } = gazetteer();
    // "New York Times" (ORG) and "New York" (LOC) overlap: each type keeps its own longest match.
    expect(match(f, 'New York Times')).toEqual(['B-LOC B-ORG', 'I-LOC I-ORG', 'I-ORG']);
    // Multi-token entries at the start and at the end of the sentence; a lone "York" is no entry.
    expect(match(f, 'New York and The Hague')).toEqual(['B-LOC', 'I-LOC', '', 'B-LOC', 'I-LOC']);
    expect(match(f, 'York and New')).toEqual(['', '', '']);
    // One surface form of several types; consecutive matches of one type each start with B.
    expect(match(f, 'Washington Washington Smith')).toEqual(['B-LOC B-PER', 'B-LOC B-PER', 'B-PER']);
    // Matching is case-sensitive by default; caseSensitive: false lower-cases both sides.
    expect(match(f, 'new york')).toEqual(['', '']);
    dispose();
    const lower = gazetteer({ caseSensitive: false });
    expect(match(lower.feature, 'new YORK times')).toEqual(['B-LOC B-ORG', 'I-LOC I-ORG', 'I-ORG']);
    lower.dispose();
  });

  it('matches an entry added after it has encoded (it forgets the trie nodes it remembered per token)', () => {
    const lists = new EntityLists(['LOC'], false, 4);
    const keys = new Int32Array(3);
    lists.encode(['Big', 'Sur', '.'], keys, 0);
    expect([...keys]).toEqual([0, 0, 0]);
    lists.add(['big', 'sur'], 0, null);
    lists.encode(['Big', 'Sur', '.'], keys, 0);
    expect([...keys]).toEqual([1, 2, 0]);
    // An interner that starts its ids over at every batch: the trie starts remembered per id follow it.
    const words = new WordIds(2);
    const churned = new EntityLists(['LOC'], false, 4, words);
    churned.add(['big', 'sur'], 0, null);
    for (const sentence of [['Big', 'Sur', '.'], ['the', 'Big', 'Sur'], ['Big', 'Sur', '.']]) {
      const got = new Int32Array(3);
      churned.encode(sentence, got, 0);
      lists.encode(sentence, keys, 0);
      expect([...got]).toEqual([...keys]);
      words.beginBatch();
    }
    expect(words.generation).toBe(3);
  });

  it('leaves a training sentence\'s own document out: an entry of that document only does not match it', () => {
    const { feature: f, dispose } = gazetteer();
    const contexts = sentenceContexts(corpus, true);
    expect(contexts.map((c) => c.trainDocument)).toEqual([0, 0, 1, 1, 2, 2, 2]);
    // "John Smith" is a PER of document 0 alone: no match while encoding document 0 for training (the PER
    // "Smith" of document 1 still matches)...
    expect(match(f, 'John Smith visited New York .', contexts[0])).toEqual(['', 'B-PER', '', 'B-LOC', 'I-LOC', '']);
    expect(match(f, 'John Smith', contexts[3])).toEqual(['B-PER', 'I-PER']);
    // "Washington" (LOC and PER) and "Smith" are entries of document 1 only.
    expect(match(f, 'Washington Smith', contexts[3])).toEqual(['', '']);
    expect(match(f, 'Washington Smith', contexts[0])).toEqual(['B-LOC B-PER', 'B-PER']);
    // ...but a match from another document, and on text that is not training text (no trainDocument).
    expect(match(f, 'John Smith visited New York .', contexts[2])).toEqual(['B-PER', 'I-PER', '', 'B-LOC', 'I-LOC', '']);
    expect(match(f, 'John Smith visited New York .', { document: [corpus[0].tokens], index: 0 })).toEqual(['B-PER', 'I-PER', '', 'B-LOC', 'I-LOC', '']);
    // "New York" (LOC) is in documents 0 and 1, so it matches in both; the ORG "New York Times" only outside doc 0.
    expect(match(f, 'The New York Times', contexts[1])).toEqual(['', 'B-LOC', 'I-LOC', '']);
    expect(match(f, 'The New York Times', contexts[4])).toEqual(['', 'B-LOC B-ORG', 'I-LOC I-ORG', 'I-ORG']);
    dispose();
    const off = gazetteer({ leaveDocumentOut: false });
    expect(match(off.feature, 'John Smith visited New York .', contexts[0])).toEqual(['B-PER', 'I-PER', '', 'B-LOC', 'I-LOC', '']);
    off.dispose();
  });

  it('drops entries that are rarely a gold span in the training text (minEntityRatio)', () => {
    // "The" is a PER once and not an entity four times: dropped at the default 0.5, kept at 0.
    const train = [...corpus, s('The said so', 'B-PER O O', 3)];
    const strict = gazetteer({}, train);
    expect(match(strict.feature, 'The Hague and The end')).toEqual(['B-LOC', 'I-LOC', '', '', '']);
    expect(strict.feature.getState().json.entries).toMatchObject({ PER: expect.not.arrayContaining([['The']]) });
    strict.dispose();
    const all = gazetteer({ minEntityRatio: 0 }, train);
    expect(match(all.feature, 'The Hague and The end')).toEqual(['B-LOC B-PER', 'I-LOC', '', 'B-PER', '']);
    all.dispose();
  });

  it('adds entries from user files, TYPE<TAB>surface form a line', () => {
    const file = join(dir, 'places.tsv');
    writeFileSync(file, '\uFEFFLOC\tSan  Francisco\r\n\nORG\tAcme\nPER\tNew York\n');
    const { feature: f, dispose } = gazetteer({ files: [file] });
    expect(match(f, 'Acme of San Francisco')).toEqual(['B-ORG', '', 'B-LOC', 'I-LOC']);
    // A file entry matches in its own right, beside the corpus's LOC "New York", and is never left out.
    expect(match(f, 'New York', sentenceContexts(corpus, true)[0])).toEqual(['B-LOC B-PER', 'I-LOC I-PER']);
    dispose();
  });

  it('refuses a bad file line with file:line, an unknown type by name, and files past their limits', () => {
    const bad = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return () => readEntryFile(path, TYPES, 3);
    };
    expect(bad('notab.tsv', 'LOC\tParis\nLOC Rome\n')).toThrow(/notab\.tsv:2: gazetteer entry has no TAB/);
    expect(bad('type.tsv', 'LOC\tParis\n\nCITY\tRome\n')).toThrow(/type\.tsv:3: gazetteer entry has type "CITY", which is not an entity type of the training corpus \(LOC, ORG, PER\)/);
    expect(bad('empty.tsv', 'LOC\t  \n')).toThrow(/empty\.tsv:1: gazetteer entry has an empty surface form/);
    expect(bad('notype.tsv', '\tParis\n')).toThrow(/notype\.tsv:1: gazetteer entry has an empty type/);
    expect(bad('long.tsv', 'ORG\ta b c d\n')).toThrow(/long\.tsv:1: gazetteer entry has 4 tokens, more than maxTokens \(3\)/);
    expect(bad('latin1.tsv', 'LOC\tS\u00e3o')).not.toThrow();
    const latin1 = join(dir, 'latin1-bytes.tsv');
    writeFileSync(latin1, Buffer.from([0x4c, 0x4f, 0x43, 0x09, 0x53, 0xe3, 0x6f]));
    expect(() => readEntryFile(latin1, TYPES, 3)).toThrow(/latin1-bytes\.tsv: gazetteer file is not valid UTF-8/);
    expect(() => readEntryFile(join(dir, 'missing.tsv'), TYPES, 3)).toThrow(/missing\.tsv: gazetteer file cannot be read \(ENOENT\)/);
    const many = join(dir, 'many.tsv');
    writeFileSync(many, 'LOC\ta\nLOC\tb\nLOC\tc\n');
    expect(() => readEntryFile(many, TYPES, 3, 2)).toThrow(/many\.tsv:3: gazetteer entry is past the limit of 2 entries/);
    const huge = join(dir, 'huge.tsv');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_FILE_BYTES + 1); // sparse: no disk used
    expect(() => readEntryFile(huge, TYPES, 3)).toThrow(/huge\.tsv: gazetteer file of \d+ bytes is over the limit/);
    // Through the feature: the same errors while building the model.
    expect(() => gazetteer({ files: [join(dir, 'type.tsv')] })).toThrow(/type\.tsv:3: .*"CITY"/);
  });

  it('refuses unknown keys and bad values by name, and files in a server\'s training request', () => {
    expect(() => gazetteer({ lists: [] })).toThrow(/feature "gazetteer" has no key "lists"/);
    expect(() => gazetteer({ minEntityRatio: 2 })).toThrow(/"gazetteer" minEntityRatio must be a number from 0 to 1, got 2/);
    expect(() => gazetteer({ files: 'a.tsv' })).toThrow(/"gazetteer" files must be a list of file paths/);
    const limits = (spec: Record<string, unknown>) => () =>
      checkConfigLimits(resolveConfig({ features: [{ type: 'embedding' }, { type: 'gazetteer', ...spec }] }), DEFAULT_CONFIG_LIMITS, 1e6);
    expect(limits({})).not.toThrow();
    expect(limits({ files: ['/etc/passwd'] })).toThrow('model.features[1].files names files on the server');
  });

  it('stores its lists in the model file: a loaded model matches as the trained one, without the files', async () => {
    const file = join(dir, 'extra.tsv');
    writeFileSync(file, 'ORG\tAcme Corp\n');
    const config = resolveConfig({ hidden: [4], minFreq: 1, features: [{ type: 'casing' }, { type: 'gazetteer', files: [file], caseSensitive: false }] });
    const model = createModel(config, corpus, null, new Rng(1));
    const path = join(dir, 'm.sqlite');
    saveModel(model, path);
    rmSync(file); // restore never rereads it
    const { model: loaded } = await loadModel(path, null);
    const text = 'acme corp said The Hague and new york times met John Smith in Washington';
    expect(match(loaded.features[1], text)).toEqual(match(model.features[1], text));
    expect(match(loaded.features[1], text).slice(0, 2)).toEqual(['B-ORG', 'I-ORG']);
    expect(loaded.features[1].getState().json).toEqual(model.features[1].getState().json);
    model.dispose();
    loaded.dispose();
  });
});
