/** Bad input names file:line and the field, and never touches the existing store or leaves a temp file. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EmbeddingImportError, EmbeddingStore, importEmbeddings, type EmbeddingFormat } from '../src/index.js';
import { sha, tempDir, writeGlove, writeWink } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let out: string;
let before: string;
beforeEach(async () => {
  tmp = tempDir();
  out = join(tmp.dir, 'store.sqlite');
  await importEmbeddings({ source: writeGlove(join(tmp.dir, 'good.txt')), out });
  before = sha(out);
});
afterEach(() => tmp.cleanup());

async function expectRejected(name: string, content: string | Buffer, message: RegExp, format?: EmbeddingFormat): Promise<void> {
  const src = join(tmp.dir, name);
  writeFileSync(src, content);
  const err = await importEmbeddings({ source: src, out, format }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(EmbeddingImportError);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message.startsWith(src)).toBe(true);
  expect(sha(out)).toBe(before);
  expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  const store = EmbeddingStore.open(out);
  expect(store.count).toBe(6);
  store.close();
}

describe('bad input', () => {
  it('a line with too few or too many values', async () => {
    await expectRejected('few.txt', 'a 1 2 3\nb 1 2\n', /few\.txt:2: word "b": expected 3 values, got 2/);
    await expectRejected('many.txt', 'a 1 2 3\nb 1 2 3 4\n', /many\.txt:2: word "b": expected 3 values, got 4/);
  });

  it('a non-number, NaN and Infinity, naming the column', async () => {
    await expectRejected('nan.txt', 'a 1 2 3\n\nb 1 x 3\n', /nan\.txt:3: word "b", value 2 \(column 3\): "x" is not a number/);
    await expectRejected('nan2.txt', 'a 1 NaN 3\n', /nan2\.txt:1: .*value 2.*"NaN" is not a number/);
    await expectRejected('inf.txt', 'a 1 2 -Infinity\n', /inf\.txt:1: .*value 3.*-Infinity is not a finite number/);
  });

  it('an empty file, in every format', async () => {
    await expectRejected('empty.txt', '', /empty/);
    await expectRejected('blank.txt', '\n\n  \n', /empty/);
    await expectRejected('empty.txt.gz', gzipSync(''), /empty/);
    await expectRejected('empty.bin', '', /empty/, 'word2vec-bin');
    await expectRejected('empty.json', '', /empty/, 'wink');
    await expectRejected('header-only.vec', '0 3\n', /empty/);
  });

  it('a dimension differing from the store\'s when merging', async () => {
    const src = writeGlove(join(tmp.dir, 'dim4.txt'), [['z', [1, 2, 3, 4]]]);
    const err = await importEmbeddings({ source: src, out, mode: 'merge' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/dim4\.txt:1: dimension 4 differs from the store's dimension 3/);
    expect(sha(out)).toBe(before);
  });

  it('word2vec: a header that disagrees with the body, truncated binary, NaN in binary', async () => {
    await expectRejected('count.vec', '3 2\na 1 2\nb 3 4\n', /header declares 3 vectors, the file has 2/);
    await expectRejected('dim.vec', '2 2\na 1 2\nb 3 4 5\n', /dim\.vec:3: word "b": expected 2 values, got 3/);
    const bin = Buffer.concat([Buffer.from('2 2\na '), Buffer.from(new Float32Array([1, 2]).buffer), Buffer.from('\nb '), Buffer.from(new Float32Array([1]).buffer)]);
    await expectRejected('trunc.bin', bin, /truncated: header declares 2 vectors, found 1/);
    const nan = Buffer.concat([Buffer.from('1 2\na '), Buffer.from(new Float32Array([1, NaN]).buffer)]);
    await expectRejected('nan.bin', nan, /vector 1 \(byte \d+\): word "a", value 2 is NaN/);
  });

  it('wink: wrong value count, a non-number, a truncated file, a non-wink JSON', async () => {
    const good = writeWink(join(tmp.dir, 'w.json'), [['a', [1, 2, 3]], ['b', [4, 5, 6]]]);
    const text = (await import('node:fs')).readFileSync(good, 'utf8');
    await expectRejected('count.json', text.replace('"b":[4,5,6,', '"b":[4,5,'), /count\.json:1: char \d+: vectors\["b"\]: expected 5 values, got 4/);
    await expectRejected('nonnum.json', text.replace('"b":[4,', '"b":[true,'), /nonnum\.json:1: char \d+: vectors\["b"\]\[0\]: "true" is not a number/);
    await expectRejected('trunc.json', text.slice(0, text.lastIndexOf('"b"') + 8), /file ends inside "vectors"/);
    await expectRejected('other.json', '{"hello": [1, 2]}', /no "vectors" object/);
  });
});
