/**
 * The `document` feature: known indicator values on an invented article (headline, sentence starts, multi-word
 * names), a sentence alone as its own document, key 0 the training corpus's most common combination, the same
 * keys however a document's sentences are encoded, a model file round trip, and bad config keys refused by name.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { resolveConfig } from '../config/config.js';
import { createModel } from '../model/build.js';
import { loadModel, saveModel } from '../model/file.js';
import { referenceScorer } from '../tagging/model-view.js';
import { sentenceContexts } from '../windows/documents.js';
import type { Sentence } from '../corpus/types.js';
import { documentBits, documentPlugin, DocumentScanner } from './document.js';
import { WordIds } from './word-ids.js';
import type { Feature, SentenceContext } from './types.js';

const INFER = { training: false, rng: new Rng(0) };

/** An article: an ALL-CAPS headline, then sentences whose first words are names written mid-sentence elsewhere. */
const ARTICLE = [
  ['JAPAN', 'BEAT', 'SYRIA', 'IN', 'ASIAN', 'CUP'],
  ['Japan', 'beat', 'Syria', '2-1', 'in', 'the', 'Asian', 'Cup', '.'],
  ['The', 'win', 'puts', 'Japan', 'top', '.'],
  ['Syria', 'coach', 'said', 'the', 'Asian', 'Cup', 'was', 'hard', '.'],
];
const [CAP, LOW, RUN] = [1, 2, 4];
/** What the other occurrences of each token's word show (worked out by hand from the definitions). */
const ARTICLE_BITS = [
  [CAP, LOW, CAP, LOW, CAP | RUN, CAP | RUN], // every headline word is written in the body
  [CAP, 0, 0, 0, 0, LOW, CAP | RUN, CAP | RUN, 0], // "Japan" starts the sentence, but is capitalised in S2; "in": only the headline's IN
  [LOW, 0, 0, 0, 0, 0], // "The": "the" elsewhere; mid-sentence "Japan": its other occurrences start a sentence or shout
  [CAP, 0, 0, LOW, CAP | RUN, CAP | RUN, 0, 0, 0], // sentence-initial "Syria" is capitalised mid-sentence in S1
];

/** Training corpus: the article as one document, and two one-sentence documents (no `doc`). */
const corpus: Sentence[] = [
  ...ARTICLE.map((tokens) => ({ tokens, tags: tokens.map((w) => (/^(japan|syria)$/i.test(w) ? 'B-LOC' : 'O')), doc: 0 })),
  { tokens: ['Mary', 'met', 'Smith', 'in', 'Rome'], tags: ['B-PER', 'O', 'B-PER', 'O', 'B-LOC'] },
  { tokens: ['it', 'rained', 'all', 'day', 'in', 'the', 'city'], tags: ['O', 'O', 'O', 'O', 'O', 'O', 'O'] },
];

function documentModel(spec: Record<string, unknown> = {}) {
  const config = resolveConfig({ hidden: [8], minFreq: 1, features: [{ type: 'embedding', dim: 4 }, { type: 'casing' }, { type: 'document', ...spec }] });
  return createModel(config, corpus, null, new Rng(3));
}

/** The feature's vector (its multi-hot row) of every token of a sentence, in context. */
function vectors(f: Feature, tokens: string[], context?: SentenceContext): number[][] {
  const keys = new Int32Array(tokens.length);
  f.encode(tokens, keys, 0, false, context);
  return tf.tidy(() => f.forward(keys, INFER).y.arraySync()) as number[][];
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

describe('document feature', () => {
  it('computes the known indicators of an invented article', () => {
    expect(documentBits(ARTICLE).map((s) => Array.from(s))).toEqual(ARTICLE_BITS);
  });

  it('keeps documents apart when one scanner reads them in turn (its word table outlives a document)', () => {
    const scanner = new DocumentScanner();
    const bitsOf = (doc: string[][]) => {
      const { bits, starts } = scanner.scan(doc);
      return doc.map((_, s) => Array.from(bits.subarray(starts[s], starts[s + 1])));
    };
    // "Japan" is capitalised mid-sentence in the article; a later document that only starts a sentence with it
    // must not see that occurrence.
    const later = [['Japan', 'won', '.'], ['They', 'cheered', '.']];
    expect(bitsOf(ARTICLE)).toEqual(ARTICLE_BITS);
    expect(bitsOf(later)).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(bitsOf(ARTICLE)).toEqual(ARTICLE_BITS);
    expect(bitsOf(later)).toEqual(documentBits(later).map((s) => Array.from(s)));
  });

  it('gives the same bits when the interner it shares starts its ids over between documents', () => {
    const words = new WordIds(4);
    const scanner = new DocumentScanner(words);
    for (let round = 0; round < 3; round++) {
      const { bits, starts } = scanner.scan(ARTICLE);
      expect(ARTICLE.map((_, s) => Array.from(bits.subarray(starts[s], starts[s + 1])))).toEqual(ARTICLE_BITS);
      words.beginBatch();
    }
    expect(words.generation).toBe(3);
  });

  it('gives every token the multi-hot row of its combination, whichever sentence is encoded first', () => {
    const model = documentModel({ indicators: ['run', 'capitalised', 'lowercase'] });
    const f = model.features[2];
    expect(f.type).toBe('document');
    expect(f.perWord).toBe(false);
    expect(f.dim).toBe(3);
    const contexts = sentenceContexts(ARTICLE.map((tokens) => ({ tokens, doc: 7 })));
    // Last sentence first: the document's statistics do not depend on the order of encoding.
    for (const s of [3, 0, 2, 1]) {
      const want = ARTICLE_BITS[s].map((b) => [(b & RUN) >> 2, b & CAP, (b & LOW) >> 1]);
      expect(vectors(f, ARTICLE[s], contexts[s])).toEqual(want);
    }
    model.dispose();
  });

  it('treats a sentence alone as its document: its other positions are "elsewhere"', () => {
    const model = documentModel();
    const f = model.features[2];
    const tokens = ['Smith', 'met', 'Jones', 'and', 'Smith', 'left', 'early', ',', 'MET', 'says'];
    // First "Smith": the other one is capitalised mid-sentence; that one's only other occurrence starts the
    // sentence. "MET": "met" is lower case at position 1; "met" itself sees only the ALL-CAPS "MET".
    const [none, cap, low] = [[0, 0, 0], [1, 0, 0], [0, 1, 0]];
    const want = [cap, none, none, none, none, none, none, none, low, none];
    expect(vectors(f, tokens)).toEqual(want);
    expect(vectors(f, tokens, sentenceContexts([{ tokens }])[0])).toEqual(want);
    model.dispose();
  });

  it('orders keys by how often the training corpus shows their combination: key 0 the most common', () => {
    const model = documentModel();
    const f = model.features[2];
    const order = f.getState().json.order as number[];
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Combination counts over the training corpus ([capitalised, lowercase, run] = bits 0, 1, 2).
    const counts = new Array<number>(8).fill(0);
    for (const doc of [ARTICLE, [corpus[4].tokens], [corpus[5].tokens]]) for (const s of documentBits(doc)) for (const b of s) counts[b]++;
    expect(counts[order[0]]).toBe(Math.max(...counts));
    for (let k = 1; k < 8; k++) expect(counts[order[k - 1]]).toBeGreaterThanOrEqual(counts[order[k]]);
    // Padding is "nothing elsewhere": the all-zero row.
    expect(vectors(f, ['.'])[0]).toEqual([0, 0, 0]);
    const pad = tf.tidy(() => f.forward(Int32Array.of(f.padStart, f.padEnd), INFER).y.arraySync());
    expect(pad).toEqual([[0, 0, 0], [0, 0, 0]]);
    model.dispose();
  });

  it('saves its indicators and key order in the model file and restores the same keys and scores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'document-'));
    try {
      const model = documentModel({ indicators: ['lowercase', 'capitalised'] });
      const path = join(dir, 'm.sqlite');
      saveModel(model, path);
      const { model: loaded } = await loadModel(path, null);
      const state = loaded.features[2].getState();
      expect(state.json).toEqual(model.features[2].getState().json);
      expect(state.json.indicators).toEqual(['lowercase', 'capitalised']);
      expect((state.json.order as number[]).length).toBe(4);
      const contexts = sentenceContexts(corpus);
      const sentences = corpus.map((s) => s.tokens);
      const before = referenceScorer(model).score(sentences, contexts).scores;
      const after = referenceScorer(loaded).score(sentences, contexts).scores;
      expect(Array.from(after)).toEqual(Array.from(before));
      // The context changes the scores: without it, each article sentence is a document of its own.
      expect(Array.from(referenceScorer(loaded).score(sentences).scores)).not.toEqual(Array.from(before));
      loaded.dispose();
      model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unknown keys, bad indicator lists and a damaged saved state by name', () => {
    expect(() => documentModel({ window: 3 })).toThrow(/feature "document" has no key "window"/);
    expect(() => documentModel({ indicators: ['capitalised', 'shouting'] })).toThrow(/indicators must be a non-empty list of distinct names from capitalised, lowercase, run, got \["capitalised","shouting"\]/);
    expect(() => documentModel({ indicators: [] })).toThrow(/indicators must be a non-empty list/);
    const ctx = { name: 'document2', vectors: null, lookup: () => { throw new Error('not reached'); }, words: new WordIds() };
    expect(() => documentPlugin.restore({ type: 'document' }, { json: { order: [0, 1, 2, 3] }, tables: {} }, ctx)).toThrow(/has no indicator list/);
    expect(() => documentPlugin.restore({ type: 'document' }, { json: { indicators: ['capitalised', 'titleCase'], order: [0, 1, 2, 3] }, tables: {} }, ctx)).toThrow(/uses indicators \["titleCase"\] that this build does not know/);
    expect(() => documentPlugin.restore({ type: 'document' }, { json: { indicators: ['capitalised', 'lowercase'], order: [0, 1, 1, 3] }, tables: {} }, ctx)).toThrow(/key order \[0,1,1,3\] is not a permutation of 0..3/);
  });
});
