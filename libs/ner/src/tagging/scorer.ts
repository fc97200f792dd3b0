/**
 * The one scoring contract of tagging: class scores for every token of pre-tokenised sentences, as the model's
 * network gives them for each token's window. Two implementations: the reference (the model's own forward over
 * built windows; model-view.ts) and the fast path (cached per-word first-layer projections; fast-path.ts). They
 * agree within float rounding (scorer.test.ts checks 1e-4 on trained models of both heads).
 */
import type { SentenceContext } from '../features/types.js';

export interface ScoredSentences {
  /** n x C class scores, row-major. */
  scores: Float32Array;
  /** Tokens over all sentences. */
  n: number;
  /** Token index where each sentence starts, plus n at the end (length sentences + 1). */
  sentenceStarts: Int32Array;
}

export interface WindowScorer {
  /** `contexts[i]` places sentence i in its document (absent: each sentence is a document of its own). */
  score(sentences: string[][], contexts?: readonly SentenceContext[]): ScoredSentences;
  dispose(): void;
}

