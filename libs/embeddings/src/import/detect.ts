/** Guesses the format from the extension, then from the content (so "vectors.txt.gz" or an odd name still works). */
import { readHead } from './source-stream.js';

export const FORMATS = ['glove', 'word2vec', 'word2vec-bin', 'wink'] as const;
export type EmbeddingFormat = (typeof FORMATS)[number];

export async function detectFormat(file: string): Promise<EmbeddingFormat> {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.json')) return 'wink';
  if (name.endsWith('.bin')) return 'word2vec-bin';
  const head = await readHead(file, 1 << 14);
  const firstNonSpace = head.toString('latin1').trimStart()[0];
  if (firstNonSpace === '{') return 'wink';
  const nl = head.indexOf(0x0a);
  const firstLine = head.toString('utf8', 0, nl < 0 ? head.length : nl).trim();
  if (/^\d+\s+\d+$/.test(firstLine)) {
    // A header: text vectors follow as printable lines; binary ones as raw float bytes.
    const body = head.subarray(nl + 1, nl + 1 + 4096);
    const nonText = body.filter((b) => b < 0x09 || (b > 0x0d && b < 0x20)).length;
    return nonText > 0 ? 'word2vec-bin' : 'word2vec';
  }
  return 'glove';
}
