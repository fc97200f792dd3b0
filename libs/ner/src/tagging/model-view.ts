/**
 * What tagging reads from a trained window model — its reference forward and, for the fast path, its first
 * layer split per window position — kept in this one file so the scorers code against small interfaces rather
 * than the model's classes.
 */
import { Rng, tf } from '@window-ner/tensor';
import type { Feature, SentenceContext } from '../features/types.js';
import type { WindowModel } from '../model/window-model.js';
import type { WordIds } from '../features/word-ids.js';
import type { ScoredSentences, WindowScorer } from './scorer.js';
import { MAX_CONTEXT_FEATURES } from './fast-path.js';

/** The parts of a feature the fast path uses: its width, padding keys, keys by word, and the vectors of keys. */
export type ProjectedFeature = Pick<Feature, 'dim' | 'padStart' | 'padEnd' | 'encode' | 'perWord'> & {
  /** [keys.length, dim] vectors, row-major (the feature's inference forward). */
  vectors(keys: Int32Array): Float32Array;
};

const INFERENCE = { training: false, rng: new Rng(0) };

function projected(f: Feature): ProjectedFeature {
  return {
    dim: f.dim,
    padStart: f.padStart,
    padEnd: f.padEnd,
    perWord: f.perWord,
    encode: (tokens, out, offset, training, context) => f.encode(tokens, out, offset, training, context),
    vectors(keys) {
      const y = tf.tidy(() => f.forward(keys, INFERENCE).y);
      const v = y.dataSync() as Float32Array;
      y.dispose();
      return v;
    },
  };
}

/**
 * A network with one hidden layer over windows of 2m+1 positions, each position the concatenation of the
 * features' rows (input index p·Σdim + Σ(dims of earlier features) + j): s = Uᵀ g(W x + b) + c.
 */
export interface ProjectableNetwork {
  /** Half-width m of the window. */
  window: number;
  features: readonly ProjectedFeature[];
  /** First layer, W [inputDim x H] row-major and b [H]. */
  hidden: { W: Float32Array; b: Float32Array; H: number; activation: string };
  /** Output layer, U [H x C] row-major and c [C]. */
  output: { W: Float32Array; b: Float32Array; C: number };
  /** Up to `limit` words worth projecting before the first text (most frequent first). */
  frequentWords(limit: number): string[];
  /** Called before each batch: lets features recycle per-batch side tables. */
  beginBatch(): void;
  /** The interner the features share: the fast path keys its word cache by the same ids. */
  words: WordIds;
}

function beginBatch(model: WindowModel): void {
  model.words.beginBatch();
  for (const f of model.features) f.beginBatch();
}

/** The reference scorer: the model's own forward over each token's window (inference mode). */
export function referenceScorer(model: WindowModel): WindowScorer {
  return {
    score(sentences: string[][], contexts?: readonly SentenceContext[]): ScoredSentences {
      beginBatch(model);
      const set = model.windows(sentences, false, undefined, contexts);
      return { scores: model.scoreAll(set), n: set.n, sentenceStarts: set.sentenceStarts };
    },
    dispose() {},
  };
}

/**
 * The model's network as the fast path sees it, or null when the fast path cannot serve it: more or fewer than
 * one hidden layer, a norm layer, or more than three features that read the context.
 */
export function projectableNetwork(model: WindowModel): ProjectableNetwork | null {
  const { hidden, output } = model.network;
  // The fast path combines a token's context keys into one number, 16 bits a feature: at most three features.
  if (hidden.length !== 1 || model.config.model.norm !== 'none' || model.features.filter((f) => !f.perWord).length > MAX_CONTEXT_FEATURES) return null;
  const [layer] = hidden;
  return {
    window: model.config.model.window,
    features: model.features.map(projected),
    hidden: {
      W: layer.W.value.dataSync() as Float32Array,
      b: layer.b!.value.dataSync() as Float32Array,
      H: layer.W.value.shape[1] as number,
      activation: model.config.model.activation,
    },
    output: { W: output.W.value.dataSync() as Float32Array, b: output.b!.value.dataSync() as Float32Array, C: model.numClasses },
    frequentWords: (limit) => [...new Set(model.features.flatMap((f) => f.frequentWords(limit)))].slice(0, limit),
    beginBatch: () => beginBatch(model),
    words: model.words,
  };
}
