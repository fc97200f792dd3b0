/**
 * Upper bounds on a training config and an estimate of a training job's memory, for callers that take configs
 * from untrusted users (the server's POST /v1/train). resolveConfig checks types and lower bounds; these checks
 * stop configs that are valid but would take the machine's memory or hours of CPU (hidden [100000], window 1000,
 * epochs 1e9). Errors name the key, like resolveConfig's.
 */
import { isSentenceLevel, type NerConfig } from './config.js';

export interface ConfigLimits {
  /** Units in one hidden layer. */
  maxHidden: number;
  /** Hidden layers. */
  maxLayers: number;
  /** m: the window is tokens i-m .. i+m. */
  maxWindow: number;
  maxEpochs: number;
  maxBatchSize: number;
  /** `dim` of any feature (embedding size). */
  maxFeatureDim: number;
  /** Feature plugins in model.features. */
  maxFeatures: number;
  /** max-margin head: corrupt windows per true window. */
  maxCorruptWindows: number;
  /** `chars` feature: characters kept of a word, characters a filter spans, character vocabulary size. */
  maxWordLength: number;
  maxCharFilterWidth: number;
  maxChars: number;
  /** Estimated memory of one training job (see estimateTrainingBytes), in MiB. */
  maxJobMemoryMb: number;
}

export const DEFAULT_CONFIG_LIMITS: Readonly<ConfigLimits> = Object.freeze({
  maxHidden: 2048,
  maxLayers: 4,
  maxWindow: 10,
  maxEpochs: 200,
  maxBatchSize: 4096,
  maxFeatureDim: 512,
  maxFeatures: 8,
  maxCorruptWindows: 50,
  maxWordLength: 64,
  maxCharFilterWidth: 9,
  maxChars: 10_000,
  maxJobMemoryMb: 2048,
});

/**
 * Keys that would reach an object's prototype when a config is merged: `__proto__`, `constructor`, `prototype`,
 * and every other member of Object.prototype (`toString`, `hasOwnProperty`, ...), which a `key in object` test
 * finds on any config section and an assignment would then shadow. Rejected wherever they appear.
 */
const UNSAFE_KEYS = new Set(['prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/**
 * The path of the first unsafe key (see UNSAFE_KEYS) in a parsed JSON value, or null. JSON.parse makes
 * "__proto__" an own property; a later spread or assignment would drop it or set the prototype, so such keys
 * are refused, not silently removed.
 */
export function findUnsafeKey(value: unknown, where = ''): string | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeKey(value[i], `${where}[${i}]`);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const path = where ? `${where}.${key}` : key;
      if (UNSAFE_KEYS.has(key)) return path;
      const found = findUnsafeKey((value as Record<string, unknown>)[key], path);
      if (found) return found;
    }
  }
  return null;
}

const MIB = 1024 * 1024;

/** Windows counted per sentence when a crf head's batch is given in sentences (CoNLL-2003 averages 14). */
const SENTENCE_ROWS = 32;

/**
 * Rough estimate, in bytes, of a training job's memory for a corpus of `corpusBytes` bytes (train + dev):
 * tokens (one per 8 bytes; CoNLL-2003 has one per 16, BTC one per 9), their window indices, feature tables for a
 * vocabulary from Heaps' law (50·N^0.6, more than CoNLL-2003's 24k words at 200k tokens) with a gradient and
 * Adam's two moments, the dense layers the same way, the batch activations, and the parsed sentences (~100 bytes
 * a token as JS strings and arrays).
 */
export function estimateTrainingBytes(config: NerConfig, corpusBytes: number): number {
  const m = config.model;
  const tokens = corpusBytes / 8;
  const width = 2 * m.window + 1;
  const featureDims = m.features.map((f) => (typeof f.dim === 'number' ? f.dim : 16));
  const inputDim = width * featureDims.reduce((a, b) => a + b, 0);
  const vocab = Math.min(tokens, 50 * tokens ** 0.6);
  const tables = featureDims.reduce((sum, d) => sum + vocab * d, 0);
  let dense = 0;
  let prev = inputDim;
  for (const h of m.hidden) {
    dense += prev * h + h;
    prev = h;
  }
  dense += prev * 64;
  // A sentence-level head with `sentences` set: rows are those sentences' windows (SENTENCE_ROWS each, a long
  // sentence); max-margin scores k corrupt windows besides each true one.
  const rowsPerWindow = m.head.type === 'max-margin' ? 1 + Number(m.head.k ?? 0) : 1;
  const rows = (isSentenceLevel(m.head) && typeof m.head.sentences === 'number' ? m.head.sentences * SENTENCE_ROWS : config.train.batchSize) * rowsPerWindow;
  // A chars feature's CNN over a batch's distinct words (at most rows × width of them), every character's
  // embedding, im2col row and filter outputs, forward and backward.
  const charFloats = m.features.reduce((sum, f) => {
    if (f.type !== 'chars') return sum;
    const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
    const chars = rows * width * num(f.maxWordLength, 20);
    return sum + chars * (num(f.charDim, 25) * (1 + num(f.width, 3)) + num(f.dim, 30)) * 2;
  }, 0);
  const activations = rows * (inputDim + m.hidden.reduce((a, b) => a + b, 0)) * 3 + charFloats;
  const floats = (tables + dense) * 4 + activations;
  return floats * 4 + tokens * width * m.features.length * 4 + tokens * 100 + 64 * MIB;
}

/** Throws an Error naming the key when a value is above its limit or the job's estimated memory is. */
export function checkConfigLimits(config: NerConfig, limits: ConfigLimits, corpusBytes: number): void {
  const over = (key: string, value: unknown, max: number, flag: string) => {
    if (typeof value === 'number' && value > max) throw new Error(`config: ${key} is ${value}, above the server's limit of ${max} (serve --${flag})`);
  };
  const m = config.model;
  if (m.hidden.length > limits.maxLayers) throw new Error(`config: model.hidden has ${m.hidden.length} layers, above the server's limit of ${limits.maxLayers} (serve --max-layers)`);
  m.hidden.forEach((h, i) => over(`model.hidden[${i}]`, h, limits.maxHidden, 'max-hidden'));
  over('model.window', m.window, limits.maxWindow, 'max-window');
  if (m.features.length > limits.maxFeatures) throw new Error(`config: model.features has ${m.features.length} entries, above the server's limit of ${limits.maxFeatures}`);
  m.features.forEach((f, i) => {
    over(`model.features[${i}].dim`, f.dim, limits.maxFeatureDim, 'max-feature-dim');
    // A gazetteer's files are paths on the machine that trains: a request must not make the server read them.
    if (f.type === 'gazetteer' && Array.isArray(f.files) && f.files.length > 0) throw new Error(`config: model.features[${i}].files names files on the server, which a training request may not read`);
    if (f.type !== 'chars') return;
    over(`model.features[${i}].charDim`, f.charDim, limits.maxFeatureDim, 'max-feature-dim');
    const fixed = (key: string, max: number) => {
      if (typeof f[key] === 'number' && (f[key] as number) > max) throw new Error(`config: model.features[${i}].${key} is ${f[key]}, above the server's limit of ${max}`);
    };
    fixed('maxWordLength', limits.maxWordLength);
    fixed('width', limits.maxCharFilterWidth);
    fixed('maxChars', limits.maxChars);
  });
  if (m.head.type === 'max-margin') over('model.head.k', m.head.k, limits.maxCorruptWindows, 'max-corrupt-windows');
  if (isSentenceLevel(m.head)) over('model.head.sentences', m.head.sentences, Math.floor(limits.maxBatchSize / SENTENCE_ROWS), 'max-batch-size');
  over('train.epochs', config.train.epochs, limits.maxEpochs, 'max-epochs');
  over('train.batchSize', config.train.batchSize, limits.maxBatchSize, 'max-batch-size');
  const mb = Math.ceil(estimateTrainingBytes(config, corpusBytes) / MIB);
  if (mb > limits.maxJobMemoryMb) {
    throw new Error(`config: this job would need about ${mb} MiB (model sizes and a ${Math.ceil(corpusBytes / MIB)} MiB corpus), above the server's limit of ${limits.maxJobMemoryMb} MiB (serve --max-job-memory-mb); use smaller hidden/window/feature sizes or a smaller corpus`);
  }
}
