import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { detectFormat, EmbeddingStore, ensureStore, importEmbeddings, type ImportProgress } from '../src/index.js';
import { SAMPLE, tempDir, writeGlove, writeWink, writeWord2VecBinary, writeWord2VecText } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

function expectSample(out: string, format: string): void {
  const store = EmbeddingStore.open(out);
  try {
    expect(store.meta).toMatchObject({ dim: 3, count: SAMPLE.length, format });
    for (const [w, v] of SAMPLE) expect(Array.from(store.get(w)!)).toEqual(v);
  } finally {
    store.close();
  }
}

describe('importers', () => {
  it.each([
    ['glove', 'v.txt', (p: string) => writeGlove(p)],
    ['glove', 'v.txt.gz', (p: string) => writeGlove(p, SAMPLE, true)],
    ['word2vec', 'v.vec', (p: string) => writeWord2VecText(p)],
    ['word2vec-bin', 'v.bin', (p: string) => writeWord2VecBinary(p)],
    ['word2vec-bin', 'v.bin.gz', (p: string) => writeWord2VecBinary(p, SAMPLE, true)],
    ['word2vec-bin', 'noext', (p: string) => writeWord2VecBinary(p)],
    ['wink', 'v.json', (p: string) => writeWink(p)],
  ])('imports %s from %s (format detected)', async (format, name, write) => {
    const src = write(join(tmp.dir, name));
    expect(await detectFormat(src)).toBe(format);
    const progress: ImportProgress[] = [];
    const out = join(tmp.dir, 'out', 'store.sqlite');
    const summary = await importEmbeddings({ source: src, out, onProgress: (p) => progress.push(p), chunkBytes: 7 });
    expect(summary).toMatchObject({ format, read: SAMPLE.length, duplicates: 0 });
    expect(progress.at(-1)).toMatchObject({ vectors: SAMPLE.length });
    expect(progress.at(-1)!.bytesRead).toBe(progress.at(-1)!.totalBytes);
    expectSample(out, format);
  });

  it('reads the wink unkVector, escaped words, and the l2/index columns', async () => {
    const words: Array<[string, number[]]> = [['say "hi"', [1, 0, 0]], ['back\\slash', [0, 1, 0]], [']', [0, 0, 1]], ['日本', [3, 4, 0]]];
    const src = writeWink(join(tmp.dir, 'w.json'), words, [0.5, 0.5, 0.5]);
    const out = join(tmp.dir, 's.sqlite');
    await importEmbeddings({ source: src, out, batchSize: 2 });
    const store = EmbeddingStore.open(out);
    for (const [w, v] of words) expect(Array.from(store.get(w)!)).toEqual(v);
    expect(store.lookup('unknown-word')).toMatchObject({ via: 'unk' });
    expect(Array.from(store.unk)).toEqual([0.5, 0.5, 0.5]);
    store.close();
  });

  it('parses a wink JSON whose entries straddle chunk boundaries', async () => {
    const many: Array<[string, number[]]> = Array.from({ length: 30_000 }, (_, i) => [`w${i}é`, [i, -i / 7, 1e-3]]);
    const src = writeWink(join(tmp.dir, 'big.json'), many);
    const out = join(tmp.dir, 's.sqlite');
    const summary = await importEmbeddings({ source: src, out, chunkBytes: 997 }); // entries cut everywhere
    expect(summary.meta.count).toBe(30_000);
    const store = EmbeddingStore.open(out);
    expect(Array.from(store.get('w29999é')!)).toEqual(Array.from(new Float32Array([29999, -29999 / 7, 1e-3])));
    store.close();
  });

  it('keeps GloVe words that contain spaces, and l2-normalises on request', async () => {
    const src = join(tmp.dir, 'v.txt');
    const out = join(tmp.dir, 's.sqlite');
    writeFileSync(src, 'the 0 5\nnew york 3 4\n');
    await importEmbeddings({ source: src, out, normalisation: 'l2' });
    const store = EmbeddingStore.open(out);
    expect(Array.from(store.get('new york')!)).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(store.meta.normalisation).toBe('l2');
    store.close();
  });

  it('ignores duplicate words after the first and counts them', async () => {
    const src = writeGlove(join(tmp.dir, 'v.txt'), [['a', [1]], ['b', [2]], ['a', [3]]]);
    const summary = await importEmbeddings({ source: src, out: join(tmp.dir, 's.sqlite') });
    expect(summary.duplicates).toBe(1);
    expect(summary.meta.count).toBe(2);
  });

  it('merges into an existing store of the same dimension', async () => {
    const out = join(tmp.dir, 's.sqlite');
    await importEmbeddings({ source: writeGlove(join(tmp.dir, 'a.txt')), out });
    await importEmbeddings({ source: writeGlove(join(tmp.dir, 'b.txt'), [['extra', [7, 8, 9]], ['the', [0, 0, 0]]]), out, mode: 'merge' });
    const store = EmbeddingStore.open(out);
    expect(store.count).toBe(SAMPLE.length + 1);
    expect(Array.from(store.get('extra')!)).toEqual([7, 8, 9]);
    expect(Array.from(store.get('the')!)).toEqual([0.5, -0.25, 1]); // existing words win
    store.close();
  });
});

describe('ensureStore', () => {
  it('builds the store on first use and reuses it afterwards', async () => {
    const out = join(tmp.dir, 'data', 'embeddings.sqlite');
    const src = writeWink(join(tmp.dir, 'w.json'));
    let builds = 0;
    const first = await ensureStore(out, { source: src, onBuild: () => builds++ });
    expect(first.count).toBe(SAMPLE.length);
    first.close();
    const second = await ensureStore(out, { source: join(tmp.dir, 'does-not-exist.json'), onBuild: () => builds++ });
    expect(second.count).toBe(SAMPLE.length);
    second.close();
    expect(builds).toBe(1);
  });
});
