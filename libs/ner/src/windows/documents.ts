/**
 * Sentences grouped into their documents, as the contexts features read (features/types.ts SentenceContext).
 * Consecutive sentences with the same `doc` are one document; a sentence without one is a document of its own.
 */
import type { SentenceContext } from '../features/types.js';

export interface DocumentSentence {
  tokens: string[];
  doc?: number;
}

/** Document number of each sentence, 0, 1, 2, ... in corpus order (a new number wherever `doc` changes or is absent). */
export function documentIndices(sentences: readonly DocumentSentence[]): Int32Array {
  const out = new Int32Array(sentences.length);
  let current = -1;
  sentences.forEach((s, i) => {
    if (i === 0 || s.doc === undefined || s.doc !== sentences[i - 1].doc) current++;
    out[i] = current;
  });
  return out;
}

/**
 * The context of every sentence: its document's sentences and its index there. `training` adds each sentence's
 * document number as `trainDocument` (documentIndices' numbering of the training corpus).
 */
export function sentenceContexts(sentences: readonly DocumentSentence[], training = false): SentenceContext[] {
  const docs = documentIndices(sentences);
  const out: SentenceContext[] = [];
  for (let start = 0; start < sentences.length; ) {
    let end = start + 1;
    while (end < sentences.length && docs[end] === docs[start]) end++;
    const document = sentences.slice(start, end).map((s) => s.tokens);
    for (let i = start; i < end; i++) out.push(training ? { document, index: i - start, trainDocument: docs[i] } : { document, index: i - start });
    start = end;
  }
  return out;
}
