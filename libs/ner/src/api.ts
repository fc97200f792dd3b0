/**
 * The contract between libs/ner and its users (apps/ner's CLI and HTTP server). Implemented in model/ and
 * train/; the server codes against these types only.
 */

/** One entity span. Offsets are JS string indices (UTF-16 code units) into the input text; end is exclusive. */
export interface Entity {
  text: string;
  label: string;
  start: number;
  end: number;
  /** Confidence in [0, 1] (softmax head: mean token probability; max-margin head: squashed margin). */
  score: number;
}

export interface ModelInfo {
  /** Content hash of the model file, used as its version. */
  version: string;
  path: string;
  head: string;
  labels: string[];
  /** Entity types (labels without the B-/I- prefix). */
  types: string[];
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  provenance: Record<string, unknown>;
}

export interface Tagger {
  readonly info: ModelInfo;
  /** Tag a batch of texts; returns one entity list per text. Synchronous and tensor-leak free. */
  tag(texts: string[]): Entity[][];
  /** Number of tokens in the texts passed to tag() so far. */
  readonly tokensTagged: number;
  dispose(): void;
}

export interface LoadTaggerOptions {
  /** SQLite embedding store for words outside the model's fine-tuned vocabulary. */
  embeddingsPath?: string;
}

export interface TrainProgress {
  /** load: reading the corpora; vectors: vocabulary, word vectors and windows; then train/eval per epoch. */
  phase: 'load' | 'vectors' | 'train' | 'eval' | 'save' | 'done';
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  loss?: number;
  windowsPerSecond?: number;
  devF1?: number;
  bestDevF1?: number;
  etaSeconds?: number;
}

export interface TrainRequest {
  trainPath: string;
  devPath?: string;
  outPath: string;
  embeddingsPath?: string;
  /** Largest corpus file read, in bytes (default: no limit). */
  maxCorpusBytes?: number;
  /** The corpus paths came from a remote user: refuse symlinks and anything but regular files (see read-stream). */
  untrustedPaths?: boolean;
  /** Partial model/training config (see DEFAULT_CONFIG); merged over the defaults. */
  config?: Record<string, unknown>;
}

export interface TrainResult {
  outPath: string;
  metrics: Record<string, unknown>;
  epochs: number;
  seconds: number;
}
