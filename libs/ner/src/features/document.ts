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
import { featureOptions } from './options.js';
import { WordIds } from './word-ids.js';
import type { Feature, FeatureBuildContext, FeatureContext, FeaturePlugin, FeatureState, SentenceContext } from './types.js';

/** The indicators this build knows, in bit order (a combination is a bit mask over the configured ones). */
export const DOCUMENT_INDICATORS = ['capitalised', 'lowercase', 'run'] as const;
export type DocumentIndicator = (typeof DOCUMENT_INDICATORS)[number];

/** The spec keys of `document` and their defaults. */
export const DOCUMENT_DEFAULTS = {
  /** Indicators in the feature's vector, in this order. */
  indicators: ['capitalised', 'lowercase', 'run'] as DocumentIndicator[],
};

export type DocumentOptions = typeof DOCUMENT_DEFAULTS;

/** The spec's options over the defaults; unknown keys and bad values are errors naming the key. */
export function documentOptions(spec: FeatureSpec): DocumentOptions {
  const known = (v: unknown): v is DocumentIndicator => DOCUMENT_INDICATORS.includes(v as DocumentIndicator);
  return featureOptions('document', spec, DOCUMENT_DEFAULTS, (_key, value, bad) => {
    if (!Array.isArray(value) || value.length === 0 || !value.every(known) || new Set(value).size !== value.length) {
      throw bad(`a non-empty list of distinct names from ${DOCUMENT_INDICATORS.join(', ')}`);
    }
    return value;
  });
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

/**
 * Shape of a word. ASCII letters by code (this runs on every token tagged); another UTF-16 unit is a cased
 * letter when its case mappings differ (a letter outside the BMP counts as uncased).
 */
function shapeOf(word: string): Shape {
  let first = -1; // 1: the first cased letter is upper case, 0: lower case
  let anyUpper = false;
  let anyLower = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    let upper: boolean;
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) upper = false;
    else if (c < 128) continue;
    else {
      const ch = word[i];
      const up = ch.toUpperCase();
      if (up === ch.toLowerCase()) continue;
      upper = ch === up;
    }
    if (first < 0) first = upper ? 1 : 0;
    if (upper) anyUpper = true;
    else anyLower = true;
  }
  if (first < 0) return Shape.Uncased;
  if (!anyUpper) return Shape.Lower;
  if (!anyLower) return Shape.AllCaps;
  return first === 1 ? Shape.Capitalised : Shape.Mixed;
}

/** Bit of each indicator in a full mask. */
const BIT = { capitalised: 1, lowercase: 2, run: 4 } as const satisfies Record<DocumentIndicator, number>;
const INDICATOR_BITS = 3;
/** Distinct lowercased words a DocumentScanner remembers across documents before it starts over. */
const MAX_REMEMBERED_WORDS = 200_000;

/**
 * Computes documents' indicator bits. Per word id of the model's interner (features/word-ids.ts) it remembers the
 * word's shape and the id of its lowercased form, so a token costs an array read: lowercasing (a new string to
 * hash) and shaping every token were most of this feature's tagging cost. Per-document occurrence counts live in
 * arrays indexed by the lowercased id, stamped with the document's number instead of cleared.
 */
export class DocumentScanner {
  private readonly lowerIds = new Map<string, number>();
  /** By word id: the id of its lowercased form, −1 not seen yet (in this generation of the interner). */
  private lowerOf = new Int32Array(1024).fill(-1);
  private shapes = new Uint8Array(1024);
  /** Per lowercased word: 2 bits per indicator, how many of the document's occurrences show it, saturated at 2. */
  private counts = new Uint8Array(1024);
  /** Per lowercased word: the document its count belongs to (a count from another document reads as 0). */
  private stamps = new Int32Array(1024);
  private documentNumber = 0;
  private generation: number;

  constructor(private readonly words: WordIds = new WordIds()) {
    this.generation = words.generation;
  }

  /**
   * Indicator bits of every token of a document (all three indicators), flat: sentence s is tokens starts[s] ..
   * starts[s + 1] − 1 (flat arrays: a few typed arrays per sentence cost more than the scan itself).
   */
  scan(document: readonly (readonly string[])[]): { bits: Uint8Array; starts: Int32Array } {
    if (this.words.generation !== this.generation || this.lowerIds.size > MAX_REMEMBERED_WORDS) this.forget();
    const doc = ++this.documentNumber;
    const starts = new Int32Array(document.length + 1);
    for (let s = 0; s < document.length; s++) starts[s + 1] = starts[s] + document[s].length;
    const n = starts[document.length];
    const lowered = new Int32Array(n);
    const shapes = new Uint8Array(n);
    const own = new Uint8Array(n);
    for (let s = 0, i = 0; s < document.length; s++) {
      const tokens = document[s];
      const ids = this.words.of(tokens);
      for (let t = 0; t < tokens.length; t++, i++) {
        const id = ids[t];
        if (id >= this.lowerOf.length || this.lowerOf[id] < 0) this.learn(id, tokens[t]);
        shapes[i] = this.shapes[id];
        lowered[i] = this.lowerOf[id];
      }
      occurrenceBits(shapes, starts[s], i, own);
    }
    const { counts, stamps } = this;
    for (let i = 0; i < n; i++) {
      const b = own[i];
      if (b === 0) continue;
      const w = lowered[i];
      let c = stamps[w] === doc ? counts[w] : 0;
      for (let k = 0; k < INDICATOR_BITS; k++) if (b & (1 << k) && ((c >> (2 * k)) & 3) < 2) c += 1 << (2 * k);
      counts[w] = c;
      stamps[w] = doc;
    }
    const bits = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const w = lowered[i];
      if (stamps[w] !== doc) continue;
      const c = counts[w];
      const b = own[i];
      let o = 0;
      for (let k = 0; k < INDICATOR_BITS; k++) if (((c >> (2 * k)) & 3) > ((b >> k) & 1)) o |= 1 << k;
      bits[i] = o;
    }
    return { bits, starts };
  }

  /** Remember word id `id`'s shape and lowercased id. */
  private learn(id: number, token: string): void {
    if (id >= this.lowerOf.length) {
      const size = Math.max(2 * this.lowerOf.length, id + 1);
      const lowerOf = new Int32Array(size).fill(-1);
      lowerOf.set(this.lowerOf);
      this.lowerOf = lowerOf;
      this.shapes = grow(this.shapes, new Uint8Array(size));
    }
    const lower = token.toLowerCase();
    let lid = this.lowerIds.get(lower);
    if (lid === undefined) {
      lid = this.lowerIds.size;
      this.lowerIds.set(lower, lid);
      if (lid >= this.counts.length) {
        this.counts = grow(this.counts, new Uint8Array(2 * lid));
        this.stamps = grow(this.stamps, new Int32Array(2 * lid));
      }
    }
    this.shapes[id] = shapeOf(token);
    this.lowerOf[id] = lid;
  }

  private forget(): void {
    this.lowerIds.clear();
    this.lowerOf.fill(-1);
    this.stamps.fill(0);
    this.generation = this.words.generation;
  }
}

function grow<T extends Uint8Array | Int32Array>(old: T, bigger: T): T {
  bigger.set(old);
  return bigger;
}

/** Indicator bits of every token of one document, per sentence (DocumentScanner, for a single document). */
export function documentBits(document: readonly (readonly string[])[]): Uint8Array[] {
  const { bits, starts } = new DocumentScanner().scan(document);
  return document.map((_, s) => bits.slice(starts[s], starts[s + 1]));
}

/** The indicator bits the occurrences of one sentence (tokens a .. b − 1) show themselves, from their shapes. */
function occurrenceBits(shapes: Uint8Array, a: number, b: number, out: Uint8Array): void {
  // The sentence's first word: no earlier token has a cased letter (an opening quote does not start it).
  let first = a;
  while (first < b && shapes[first] === Shape.Uncased) first++;
  for (let t = a; t < b; t++) {
    const shape = shapes[t];
    if (shape === Shape.Lower) out[t] = BIT.lowercase;
    else if (shape === Shape.Capitalised && t !== first) {
      const inRun = (t > a && shapes[t - 1] === Shape.Capitalised) || (t + 1 < b && shapes[t + 1] === Shape.Capitalised);
      out[t] = BIT.capitalised | (inRun ? BIT.run : 0);
    }
  }
}

/** Combination (bits over the configured indicators, indicator i = bit i) of every full bit mask. */
function combinationOf(indicators: readonly DocumentIndicator[]): Uint8Array {
  return Uint8Array.from({ length: 1 << INDICATOR_BITS }, (_, bits) => indicators.reduce((c, name, i) => c | ((bits & BIT[name]) !== 0 ? 1 << i : 0), 0));
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
  // A document's keys (flat, with each sentence's start), computed on its first sentence's encode.
  const byDocument = new WeakMap<readonly (readonly string[])[], { keys: Int32Array; starts: Int32Array }>();
  const keyOfBits = Int32Array.from(combination, (c) => keyOf[c]);
  const scanner = new DocumentScanner(ctx.words);
  const keysOf = (document: readonly (readonly string[])[]) => {
    const { bits, starts } = scanner.scan(document);
    const keys = new Int32Array(bits.length);
    for (let t = 0; t < bits.length; t++) keys[t] = keyOfBits[bits[t]];
    return { keys, starts };
  };
  return ctx.lookup({
    type: 'document',
    name: ctx.name,
    dim,
    table,
    trainable: false,
    perWord: false,
    encode(tokens, out, offset, _training, context?: SentenceContext) {
      if (!context) {
        out.set(keysOf([tokens]).keys, offset); // a sentence alone is its own document
        return;
      }
      let doc = byDocument.get(context.document);
      if (!doc) byDocument.set(context.document, (doc = keysOf(context.document)));
      const { keys, starts } = doc;
      const i = context.index;
      const start = starts[i];
      const length = i + 1 < starts.length ? starts[i + 1] - start : 0;
      if (length !== tokens.length) throw new Error(`document feature: sentence ${i} of its context has ${length} tokens, but ${tokens.length} were given`);
      for (let t = 0; t < length; t++) out[offset + t] = keys[start + t];
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
  const scanner = new DocumentScanner(ctx.words);
  for (let start = 0; start < ctx.train.length; ) {
    let end = start + 1;
    while (end < ctx.train.length && ctx.trainDocuments[end] === ctx.trainDocuments[start]) end++;
    for (const b of scanner.scan(ctx.train.slice(start, end).map((s) => s.tokens)).bits) counts[combination[b]]++;
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
    const unknown = saved.indicators.filter((name) => !DOCUMENT_INDICATORS.includes(name));
    if (unknown.length > 0) throw new Error(`document feature: the model uses indicators ${JSON.stringify(unknown)} that this build does not know (it knows ${DOCUMENT_INDICATORS.join(', ')})`);
    const options = documentOptions({ type: 'document', indicators: saved.indicators });
    const n = 1 << options.indicators.length;
    const order = saved.order;
    if (!Array.isArray(order) || order.length !== n || [...order].sort((a, b) => a - b).some((c, i) => c !== i)) {
      throw new Error(`document feature: the model file's key order ${JSON.stringify(order)} is not a permutation of 0..${n - 1}`);
    }
    return documentFeature(ctx, { options, order: order as number[] });
  },
};
