/**
 * What tagging reads from a trained window model — its reference forward and, for the fast path, its first
 * layer split per window position — kept in this one file so the scorers code against small interfaces rather
 * than the model's classes.
 */
import type { Feature } from '../features/types';
import { EmbeddingFeature } from '../features/embedding';
import type { WindowModel } from '../model/window-model';
import type { ScoredSentences, WindowScorer } from './scorer';

/** The parts of a feature the fast path uses: its width, padding rows, and rows by word. */
export type ProjectedFeature = Pick<Feature, 'dim' | 'padStart' | 'padEnd' | 'ids' | 'copyRow'>;

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
}

function beginBatch(model: WindowModel): void {
  for (const f of model.features) if (f instanceof EmbeddingFeature) f.beginBatch();
}

/** The reference scorer: the model's own forward over each token's window (inference mode). */
export function referenceScorer(model: WindowModel): WindowScorer {
  return {
    score(sentences: string[][]): ScoredSentences {
      beginBatch(model);
      const set = model.windows(sentences, false);
      return { scores: model.scoreAll(set), n: set.n, sentenceStarts: set.sentenceStarts };
    },
    dispose() {},
  };
}

/** The model's network as the fast path sees it, or null when it has more or fewer than one hidden layer. */
export function projectableNetwork(model: WindowModel): ProjectableNetwork | null {
  const { layers } = model.mlp;
  if (layers.length !== 2) return null;
  const [hidden, output] = layers;
  const emb = model.features.find((f) => f instanceof EmbeddingFeature) as EmbeddingFeature | undefined;
  return {
    window: model.config.model.window,
    features: model.features,
    hidden: {
      W: hidden.W.value.dataSync() as Float32Array,
      b: hidden.b.value.dataSync() as Float32Array,
      H: hidden.W.value.shape[1] as number,
      activation: model.mlp.config.activation,
    },
    output: { W: output.W.value.dataSync() as Float32Array, b: output.b.value.dataSync() as Float32Array, C: model.numClasses },
    // Vocabularies are frequency-ordered after their padding and unknown rows.
    frequentWords: (limit) => (emb ? emb.vocab.slice(3, 3 + limit) : []),
    beginBatch: () => beginBatch(model),
  };
}
