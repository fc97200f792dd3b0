/**
 * The one typed configuration of a window-NER model and its training run. A model file stores the merged config,
 * so loading rebuilds exactly the same pipeline. Every hyper-parameter lives here; nothing is hard-coded elsewhere.
 */
import type { OptimizerSpec as NnOptimizerSpec } from '@window-ner/nn';

export interface FeatureSpec {
  /** Registry name of a feature plugin: "embedding", "casing", or one an external plugin registered. */
  type: string;
  [key: string]: unknown;
}

export interface HeadSpec {
  /**
   * "softmax" (cross-entropy), "max-margin" (ranking loss over corrupt windows and wrong labels) or "crf"
   * (sentence-level log-likelihood with learned transitions).
   */
  type: string;
  /**
   * max-margin: "sentence" (a structured hinge over each sentence's path with learned transitions, batches of
   * whole sentences) or "window" (each window trained alone, no transitions). Default in MAX_MARGIN_DEFAULTS.
   */
  level?: MaxMarginLevel;
  /** max-margin: corrupt windows sampled per true window (window ranking). */
  k?: number;
  /** max-margin: the margin Δ (per wrongly tagged token at sentence level). */
  margin?: number;
  /** max-margin: also require the true class to beat every other class on the true window by the margin. */
  classMargins?: boolean;
  /** max-margin: calibrate the per-class thresholds of the decision rule on dev after training. */
  calibrate?: boolean;
  /** crf, sentence-level max-margin: sentences per training batch (default: about train.batchSize windows' worth). */
  sentences?: number;
  /**
   * crf, sentence-level max-margin: initial score of BIO-invalid transitions (default −10000; 0 lets training
   * learn them from the data).
   */
  invalidTransition?: number;
  [key: string]: unknown;
}

/** nn's optimizer spec (adam, sgd, momentum, adagrad, ...); a NER config always carries its lr. */
export type OptimizerSpec = NnOptimizerSpec & { lr: number };

export interface ModelConfig {
  tokenizer: string;
  features: FeatureSpec[];
  /** m: the window is tokens i-m .. i+m. */
  window: number;
  hidden: number[];
  activation: string;
  /** Inverted-dropout drop probability after each hidden layer (0 = off). */
  dropout: number;
  /** "none" | "layer" | "batch" normalisation after each hidden layer's activation and dropout. */
  norm: string;
  head: HeadSpec;
  /** Registry name of the decoder turning per-token scores into tags: "viterbi" (constrained BIO) or "greedy". */
  decoder: string;
  /** Tag scheme the classifier predicts: "BIO" or "IO". */
  scheme: 'BIO' | 'IO';
}

export interface TrainConfig {
  optimizer: OptimizerSpec;
  batchSize: number;
  epochs: number;
  /** Early stopping: epochs without dev-F1 improvement before stopping (the best epoch is restored). */
  patience: number;
  /** L2 on weights (never biases). */
  l2: number;
  /** Clip gradients by global norm (0 = off). */
  clipNorm: number;
  seed: number;
  /** Probability of replacing a word by <unk> during training (augmentation). */
  wordDropout: number;
  /** Std of Gaussian noise added to embedding inputs during training (0 = off). */
  embeddingNoise: number;
  /** Training words seen fewer times than this and unknown to the vector store map to <unk>. */
  minFreq: number;
  /** Multiply lr by this after each epoch (1 = constant). */
  lrDecay: number;
}

export interface NerConfig {
  model: ModelConfig;
  train: TrainConfig;
}

export const DEFAULT_CONFIG: NerConfig = {
  model: {
    tokenizer: 'default',
    // Issue 14's ablation (`npm run bench`): every addition on, the crf head, is the best row on CoNLL-2003 dev.
    features: [{ type: 'embedding', dim: 100, fineTune: true }, { type: 'casing' }, { type: 'chars' }, { type: 'gazetteer' }, { type: 'document' }],
    window: 2,
    hidden: [200],
    activation: 'relu',
    dropout: 0.5,
    norm: 'none',
    head: { type: 'crf' },
    decoder: 'viterbi',
    scheme: 'BIO',
  },
  train: {
    optimizer: { type: 'adam', lr: 0.001 },
    batchSize: 256,
    epochs: 30,
    patience: 4,
    l2: 0,
    clipNorm: 5,
    seed: 42,
    wordDropout: 0.05,
    embeddingNoise: 0,
    minFreq: 2,
    lrDecay: 0.9,
  },
};

export type MaxMarginLevel = 'sentence' | 'window';

/**
 * Defaults for the max-margin head, applied when head.type is "max-margin" and a field is absent: the level, then
 * that level's k, margin, classMargins and calibrate (chosen on CoNLL-2003 dev; libs/ner README "Max-margin head").
 */
export const MAX_MARGIN_DEFAULTS = {
  level: 'sentence' as MaxMarginLevel,
  sentence: { k: 0, margin: 1, classMargins: false, calibrate: true },
  window: { k: 5, margin: 1, classMargins: true, calibrate: true },
};

/** A max-margin head's level, or an error naming the field. */
export function maxMarginLevel(v: unknown, field = 'model.head.level'): MaxMarginLevel {
  if (v !== 'sentence' && v !== 'window') throw new Error(`config: ${field} must be "sentence" or "window", got ${JSON.stringify(v)}`);
  return v;
}

/** Does this head train on whole sentences (crf; max-margin at level "sentence")? */
export function isSentenceLevel(head: HeadSpec): boolean {
  return head.type === 'crf' || (head.type === 'max-margin' && head.level === 'sentence');
}

/**
 * Merge a partial config over the defaults. Accepts either `{model: {...}, train: {...}}` or a flat object whose
 * keys are fields of either section (e.g. `{"hidden": [200], "lr": 0.002}`), so CLI users can write short JSON.
 * Unknown keys are errors naming the key, so a typo never silently trains the wrong model.
 */
export function resolveConfig(partial: Record<string, unknown> = {}, base: NerConfig = DEFAULT_CONFIG): NerConfig {
  const out: NerConfig = structuredClone(base);
  const apply = (key: string, value: unknown, where: string) => {
    if (key === 'plugins') {
      // A config selects plugins by registry name; only the operator's --plugins makes a process import modules.
      throw new Error(`config: "${where}plugins" is not allowed: plugins are allowed by the operator with --plugins when the process starts; a config selects them by registry name (e.g. a feature "type")`);
    } else if (key === 'lr') {
      out.train.optimizer.lr = num(value, `${where}lr`);
    } else if (key === 'optimizer' && typeof value === 'string') {
      out.train.optimizer = { type: value, lr: out.train.optimizer.lr };
    } else if (key === 'head' && typeof value === 'string') {
      out.model.head = { type: value };
    } else if (key in out.model) {
      (out.model as unknown as Record<string, unknown>)[key] = value;
    } else if (key in out.train) {
      (out.train as unknown as Record<string, unknown>)[key] = value;
    } else {
      throw new Error(`config: unknown field "${where}${key}" (model fields: ${Object.keys(out.model).join(', ')}; train fields: ${Object.keys(out.train).join(', ')}, lr)`);
    }
  };
  for (const [key, value] of Object.entries(partial)) {
    if ((key === 'model' || key === 'train') && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) apply(k, v, `${key}.`);
    } else {
      apply(key, value, '');
    }
  }
  if (out.model.head.type === 'max-margin') {
    const level = maxMarginLevel(out.model.head.level ?? MAX_MARGIN_DEFAULTS.level);
    out.model.head = { level, ...MAX_MARGIN_DEFAULTS[level], ...out.model.head };
  }
  validateConfig(out);
  return out;
}

function num(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`config: ${field} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Check types and ranges; errors name the field. */
export function validateConfig(c: NerConfig): void {
  const m = c.model;
  const t = c.train;
  const int = (v: unknown, f: string, min: number) => {
    if (!Number.isInteger(v) || (v as number) < min) throw new Error(`config: ${f} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  };
  const range = (v: unknown, f: string, lo: number, hi: number) => {
    if (num(v, f) < lo || (v as number) > hi) throw new Error(`config: ${f} must be in [${lo}, ${hi}], got ${v}`);
  };
  int(m.window, 'model.window', 0);
  if (!Array.isArray(m.hidden) || m.hidden.length === 0) throw new Error('config: model.hidden must be a non-empty array of layer sizes');
  m.hidden.forEach((h, i) => int(h, `model.hidden[${i}]`, 1));
  range(m.dropout, 'model.dropout', 0, 0.95);
  if (!['none', 'layer', 'batch'].includes(m.norm)) throw new Error(`config: model.norm must be none|layer|batch, got ${JSON.stringify(m.norm)}`);
  if (m.scheme !== 'BIO' && m.scheme !== 'IO') throw new Error(`config: model.scheme must be BIO or IO, got ${JSON.stringify(m.scheme)}`);
  if (!Array.isArray(m.features) || m.features.length === 0) throw new Error('config: model.features must name at least one feature');
  m.features.forEach((f, i) => {
    if (!f || typeof f.type !== 'string') throw new Error(`config: model.features[${i}].type must be a string`);
  });
  if (!m.head || typeof m.head.type !== 'string') throw new Error('config: model.head.type must be a string');
  if (m.head.type === 'max-margin') {
    maxMarginLevel(m.head.level);
    int(m.head.k, 'model.head.k', 0);
    range(m.head.margin, 'model.head.margin', 0, 1e6);
    for (const key of ['classMargins', 'calibrate'] as const) {
      if (typeof m.head[key] !== 'boolean') throw new Error(`config: model.head.${key} must be true or false, got ${JSON.stringify(m.head[key])}`);
    }
  }
  if (isSentenceLevel(m.head)) {
    if (m.head.sentences !== undefined) int(m.head.sentences, 'model.head.sentences', 1);
    if (m.head.invalidTransition !== undefined) range(m.head.invalidTransition, 'model.head.invalidTransition', -1e6, 0);
  }
  if (!t.optimizer || typeof t.optimizer.type !== 'string') throw new Error('config: train.optimizer.type must be a string');
  num(t.optimizer.lr, 'train.optimizer.lr');
  int(t.batchSize, 'train.batchSize', 1);
  int(t.epochs, 'train.epochs', 1);
  int(t.patience, 'train.patience', 0);
  range(t.l2, 'train.l2', 0, 1);
  range(t.clipNorm, 'train.clipNorm', 0, 1e9);
  int(t.seed, 'train.seed', 0);
  range(t.wordDropout, 'train.wordDropout', 0, 0.9);
  range(t.embeddingNoise, 'train.embeddingNoise', 0, 10);
  int(t.minFreq, 'train.minFreq', 1);
  range(t.lrDecay, 'train.lrDecay', 0.01, 1);
}
