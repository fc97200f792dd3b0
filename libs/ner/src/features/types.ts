/**
 * Feature plugins: f(w) for one token is the concatenation of every configured feature's vector. A feature is an
 * nn layer from token keys to vectors: `encode` maps a sentence's tokens to keys of the feature's own (row ids of
 * a lookup table; an index into the feature's list of distinct words, for a feature computed from characters;
 * a key per token-in-context, for one that reads the sentence) once per corpus, so a corpus of windows is a few
 * integers per token; `forward(keys)` gives the [keys.length, dim] vectors and a backward that accumulates the
 * feature's parameter gradients (row-sparse for lookup tables: a step touches only the rows in its batch).
 * What the fast tagging path and the max-margin head need from a feature is declared here too.
 */
import type { WordIds } from './word-ids.js';
import type { Layer } from '@window-ner/nn';
import type { Rng } from '@window-ner/tensor';
import type { VectorSource } from '../vectors/source.js';
import type { FeatureSpec } from '../config/config.js';
import type { LookupDefinition } from './lookup.js';
import type { Sentence } from '../corpus/types.js';

/**
 * Where a sentence sits, for features that read beyond it (gazetteer spans read the sentence, document features
 * the other sentences of its document). The contexts of one document share one `document` array, so a feature may
 * compute per-document statistics once (keyed by that array). A sentence without a context is a document of one.
 */
export interface SentenceContext {
  /** The tokens of every sentence of the document, this one at `index`. */
  document: readonly (readonly string[])[];
  index: number;
  /**
   * Training sentences only: the document's index in the training corpus, so a feature built from that corpus
   * (a gazetteer of its spans) can leave the sentence's own document out.
   */
  trainDocument?: number;
}

/** What every feature plugin gets, to build itself fresh or from a model file. */
export interface FeatureContext {
  /** Name of the feature's layer, unique in the model (its params are named after it). */
  name: string;
  /** Resolves words outside a trained vocabulary (tagging), or null. */
  vectors: VectorSource | null;
  /** Builds a lookup-table feature from a definition (what `embedding` and `casing` are made of). */
  lookup(def: LookupDefinition): Feature;
  /**
   * The model's token interner, shared by its features and fast tagging path: a feature that caches per word
   * (and reads the context) keys its cache by `words.of(tokens)` to share one string lookup a token.
   */
  words: WordIds;
}

/** What a feature needs to build itself for training. */
export interface FeatureBuildContext extends FeatureContext {
  /** Training tokens in corpus order (a feature may count them to choose its vocabulary). */
  trainTokens: string[][];
  /**
   * The training sentences with their tags; `trainDocuments[i]` is sentence i's document (what
   * SentenceContext.trainDocument says when that sentence is encoded for training).
   */
  train: readonly Sentence[];
  trainDocuments: Int32Array;
  rng: Rng;
  minFreq: number;
  /** Std of Gaussian noise trainable features add to their vectors during training (0 = off). */
  noise: number;
}

/** Saved state of a feature: JSON plus named float tables (stored as BLOBs). */
export interface FeatureState {
  json: Record<string, unknown>;
  tables: Record<string, { data: Float32Array; shape: number[] }>;
}

/** Keys [first, end) that may replace a window's centre token to make a corrupt window (max-margin head). */
export interface KeyRange {
  first: number;
  end: number;
}

export interface Feature extends Layer<Int32Array, unknown> {
  readonly type: string;
  /** Width of this feature's vector. */
  readonly dim: number;
  /**
   * Keys of the tokens of one sentence into out[offset..]. `training` false lets a feature resolve words
   * outside its trained vocabulary (e.g. read the vector store) instead of mapping them to <unk>. `context` is
   * where the sentence sits (only features that are not `perWord` read it).
   */
  encode(tokens: readonly string[], out: Int32Array, offset: number, training: boolean, context?: SentenceContext): void;
  /** Keys of window positions before the sentence start / after its end. */
  readonly padStart: number;
  readonly padEnd: number;
  /** Key word dropout replaces a token with during training, or -1 if this feature has none. */
  readonly unkKey: number;
  /** Keys a corrupt window's centre may take (a trained vocabulary), or null. */
  readonly replacementKeys: KeyRange | null;
  /**
   * True when a token's vector depends only on the token's string, so the fast path may cache it per word. A
   * feature that reads the context instead keeps few keys (below 65,536; key 0 the common "nothing here" one):
   * the fast path caches a block per distinct tuple of context keys beside the per-word blocks.
   */
  readonly perWord: boolean;
  /** Words worth computing before the first batch (most frequent first), at most `limit`. */
  frequentWords(limit: number): string[];
  /** Called between tagging batches, never inside one: a feature may empty bounded side tables then. */
  beginBatch(): void;
  getState(): FeatureState;
}

export interface FeaturePlugin {
  /** Build a fresh feature from a config entry and the training data. */
  create(spec: FeatureSpec, ctx: FeatureBuildContext): Feature;
  /** Rebuild from a model file; ctx.vectors resolves words outside the trained vocabulary at tag time. */
  restore(spec: FeatureSpec, state: FeatureState, ctx: FeatureContext): Feature;
}
