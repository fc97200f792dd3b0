/**
 * The `document` feature: what the rest of a token's document says about its word (compared lowercased), for
 * the positions where the token's own casing says little — ALL-CAPS headlines and sentence starts, where CoNLL
 * news puts many of its entities, which the same article writes capitalised mid-sentence elsewhere.
 * Binary indicators, each true when another occurrence of the word in the document (any position but the token's
 * own: in a one-sentence document, the sentence's other positions) is
 *   - `capitalised`: capitalised (first cased letter upper, not ALL-CAPS) and not the sentence's first word;
 *   - `lowercase`:   all lower case (a common word, or an entity's word used as an ordinary one);
 *   - `run`:         capitalised, not the sentence's first word, next to another capitalised word ("Bill
 *                    Clinton", "European Commission": part of a multi-word name).
 * A key is one combination of the indicators; the keys are ordered by how often their combination occurs in the
 * training corpus, so key 0 is the most common (the fast tagging path caches a word under key 0 for free). The
 * table is fixed: key k's row is its combination's multi-hot vector; the first layer learns what each means.
 * A document's keys are computed once, from that document alone (tagging stays streaming-friendly), and cached
 * per document (its contexts share one `document` array: a WeakMap key).
 */
import type { FeatureSpec } from '../config/config.js';
import type { Feature, FeatureBuildContext, FeatureContext, FeaturePlugin, FeatureState, SentenceContext } from './types.js';

/** The indicators this build knows, in bit order (a combination is a bit mask over the configured ones). */
export const DOCUMENT_INDICATORS = ['capitalised', 'lowercase', 'run'] as const;
export type DocumentIndicator = (typeof DOCUMENT_INDICATORS)[number];

/** The spec keys of `document` and their defaults. */
export const DOCUMENT_DEFAULTS = {
  /** Indicators in the feature's vector, in this order. */
  indicators: ['capitalised', 'lowercase'] as DocumentIndicator[],
};

export type DocumentOptions = typeof DOCUMENT_DEFAULTS;

/** The spec's options over the defaults; unknown keys and bad values are errors naming the key. */
export function documentOptions(spec: FeatureSpec): DocumentOptions {
  const out = { ...DOCUMENT_DEFAULTS };
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'type') continue;
    if (!(key in DOCUMENT_DEFAULTS)) throw new Error(`config: feature "document" has no key "${key}" (keys: ${Object.keys(DOCUMENT_DEFAULTS).join(', ')})`);
    const known = (v: unknown): v is DocumentIndicator => DOCUMENT_INDICATORS.includes(v as DocumentIndicator);
    if (!Array.isArray(value) || value.length === 0 || !value.every(known) || new Set(value).size !== value.length) {
      throw new Error(`config: feature "document" indicators must be a non-empty list of distinct names from ${DOCUMENT_INDICATORS.join(', ')}, got ${JSON.stringify(value)}`);
    }
    out.indicators = value;
  }
  return out;
}

/** Casing of one occurrence, from its cased letters. */
const enum Shape {
  Uncased,
  Lower,
  Capitalised,
  AllCaps,
  /** Lower first, upper later ("iPhone"). */
  Mixed,
}

function shapeOf(word: string): Shape {
  let first: boolean | null = null;
  let anyUpper = false;
  let anyLower = false;
  for (const c of word) {
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    if (lower === upper) continue; // not a cased letter
    const isUpper = c === upper;
    first ??= isUpper;
    if (isUpper) anyUpper = true;
    else anyLower = true;
  }
  if (first === null) return Shape.Uncased;
  if (!anyUpper) return Shape.Lower;
  if (!anyLower) return Shape.AllCaps;
  return first ? Shape.Capitalised : Shape.Mixed;
}

/** Bit of each indicator an occurrence shows, given its shape, whether it starts its sentence, and its neighbours. */
const BIT = { capitalised: 1, lowercase: 2, run: 4 } as const satisfies Record<DocumentIndicator, number>;

/**
 * Indicator bits of every token of a document (all three indicators), as [per sentence] bit masks of what the
 * *other* occurrences of the token's word show.
 */
export function documentBits(document: readonly (readonly string[])[]): Uint8Array[] {
  // What each occurrence shows itself, and per lowercased word how many occurrences show each indicator.
  const own = document.map((tokens) => occurrenceBits(tokens));
  const counts = new Map<string, Int32Array>();
  document.forEach((tokens, s) =>
    tokens.forEach((w, t) => {
      const key = w.toLowerCase();
      let c = counts.get(key);
      if (!c) counts.set(key, (c = new Int32Array(3)));
      const b = own[s][t];
      for (let i = 0; i < 3; i++) if (b & (1 << i)) c[i]++;
    }),
  );
  return document.map((tokens, s) =>
    Uint8Array.from(tokens, (w, t) => {
      const c = counts.get(w.toLowerCase())!;
      const b = own[s][t];
      let out = 0;
      for (let i = 0; i < 3; i++) if (c[i] - ((b >> i) & 1) > 0) out |= 1 << i;
      return out;
    }),
  );
}

/** The indicator bits one sentence's occurrences show themselves. */
function occurrenceBits(tokens: readonly string[]): Uint8Array {
  const shapes = tokens.map(shapeOf);
  // The sentence's first word: no earlier token has a cased letter (an opening quote does not start it).
  const first = shapes.findIndex((s) => s !== Shape.Uncased);
  return Uint8Array.from(shapes, (shape, t) => {
    if (shape === Shape.Lower) return BIT.lowercase;
    if (shape !== Shape.Capitalised || t === first) return 0;
    const inRun = shapes[t - 1] === Shape.Capitalised || shapes[t + 1] === Shape.Capitalised;
    return BIT.capitalised | (inRun ? BIT.run : 0);
  });
}

/** Combination (bits over the configured indicators, indicator i = bit i) of every full bit mask. */
function combinationOf(indicators: readonly DocumentIndicator[]): Uint8Array {
  return Uint8Array.from({ length: 8 }, (_, bits) => indicators.reduce((c, name, i) => c | ((bits & BIT[name]) !== 0 ? 1 << i : 0), 0));
}

interface DocumentParts {
  options: DocumentOptions;
  /** order[k] = combination of key k (most frequent in the training corpus first). */
  order: number[];
}

function documentFeature(ctx: FeatureContext, parts: DocumentParts): Feature {
  const { indicators } = parts.options;
  const combination = combinationOf(indicators);
  const keyOf = new Int32Array(parts.order.length);
  parts.order.forEach((c, k) => (keyOf[c] = k));
  const dim = indicators.length;
  // Row k: the multi-hot vector of key k's combination.
  const table = new Float32Array(parts.order.length * dim);
  parts.order.forEach((c, k) => {
    for (let i = 0; i < dim; i++) table[k * dim + i] = (c >> i) & 1;
  });
  // A document's keys, computed on its first sentence's encode.
  const byDocument = new WeakMap<readonly (readonly string[])[], Int32Array[]>();
  const keysOf = (document: readonly (readonly string[])[]) => documentBits(document).map((bits) => Int32Array.from(bits, (b) => keyOf[combination[b]]));
  return ctx.lookup({
    type: 'document',
    name: ctx.name,
    dim,
    table,
    trainable: false,
    perWord: false,
    encode(tokens, out, offset, _training, context?: SentenceContext) {
      let keys: Int32Array;
      if (!context) keys = keysOf([tokens])[0]; // a sentence alone is its own document
      else {
        let doc = byDocument.get(context.document);
        if (!doc) byDocument.set(context.document, (doc = keysOf(context.document)));
        keys = doc[context.index];
        if (!keys || keys.length !== tokens.length) throw new Error(`document feature: sentence ${context.index} of its context has ${keys?.length ?? 0} tokens, but ${tokens.length} were given`);
      }
      out.set(keys, offset);
    },
    // Padding reads as "nothing elsewhere" (the casing feature marks the sentence edges).
    padStart: keyOf[0],
    padEnd: keyOf[0],
    getState: (): FeatureState => ({ json: { indicators: [...indicators], order: parts.order }, tables: {} }),
  });
}

/** Combinations ordered by how many training tokens have them (ties: smaller combination first). */
function frequencyOrder(ctx: FeatureBuildContext, indicators: readonly DocumentIndicator[]): number[] {
  const combination = combinationOf(indicators);
  const counts = new Float64Array(1 << indicators.length);
  for (let start = 0; start < ctx.train.length; ) {
    let end = start + 1;
    while (end < ctx.train.length && ctx.trainDocuments[end] === ctx.trainDocuments[start]) end++;
    for (const bits of documentBits(ctx.train.slice(start, end).map((s) => s.tokens))) for (const b of bits) counts[combination[b]]++;
    start = end;
  }
  return Array.from(counts.keys()).sort((a, b) => counts[b] - counts[a] || a - b);
}

export const documentPlugin: FeaturePlugin = {
  create(spec, ctx) {
    const options = documentOptions(spec);
    return documentFeature(ctx, { options, order: frequencyOrder(ctx, options.indicators) });
  },
  restore(_spec, state, ctx) {
    const saved = state.json as { indicators?: unknown; order?: unknown };
    if (!Array.isArray(saved.indicators)) throw new Error(`document feature: the model file's feature state has no indicator list`);
    const options = documentOptions({ type: 'document', indicators: saved.indicators });
    const n = 1 << options.indicators.length;
    const order = saved.order;
    if (!Array.isArray(order) || order.length !== n || [...order].sort((a, b) => a - b).some((c, i) => c !== i)) {
      throw new Error(`document feature: the model file's key order ${JSON.stringify(order)} is not a permutation of 0..${n - 1}`);
    }
    return documentFeature(ctx, { options, order: order as number[] });
  },
};
