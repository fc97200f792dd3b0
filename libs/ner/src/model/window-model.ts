/**
 * The window model: features -> windows -> network scores -> head emissions -> decoder tags. Built fresh for
 * training (model/build.ts) or from a model file (model/file.ts); both paths produce this same object.
 */
import { tf, Rng } from '@window-ner/tensor';
import { disposeParams, type Param } from '@window-ner/nn';
import type { NerConfig } from '../config/config.js';
import type { Feature, SentenceContext } from '../features/types.js';
import type { Head } from '../heads/types.js';
import type { LabelSet } from '../labels/label-set.js';
import type { Decoder } from '../decoders/types.js';
import { buildWindows, type WindowSet } from '../windows/windows.js';
import type { WindowNetwork } from './network.js';
import type { WordIds } from '../features/word-ids.js';

/** Windows scored per forward pass at inference (bounds memory; large enough to amortise kernel overhead). */
const INFER_BATCH = 4096;

export interface DecodedSentence {
  /** Label index per token. */
  tags: Int32Array;
  /** Confidence per token in [0, 1]. */
  confidence: Float32Array;
}

/** Inference draws nothing at random; the context still carries an rng. */
const INFERENCE = { training: false, rng: new Rng(0) };

export class WindowModel {
  constructor(
    readonly config: NerConfig,
    readonly labels: LabelSet,
    readonly features: Feature[],
    readonly network: WindowNetwork,
    readonly head: Head,
    readonly decoder: Decoder,
    /** The interner its features share (features/word-ids.ts); tagging calls its beginBatch between batches. */
    readonly words: WordIds,
  ) {}

  get numClasses(): number {
    return this.labels.size;
  }

  /** The network's params, then the head's own (a CRF's transitions): everything training updates. */
  params(): Param[] {
    return [...this.network.net.params(), ...(this.head.params?.() ?? [])];
  }

  /**
   * Windows of tokenised sentences; `gold` tags (strings) become class indices when given; `contexts` place the
   * sentences in their documents (windows/documents.ts).
   */
  windows(sentences: string[][], training: boolean, gold?: readonly (readonly string[])[], contexts?: readonly SentenceContext[]): WindowSet {
    const labels = gold?.map((tags) => Int32Array.from(tags, (t) => this.labels.encode(t)));
    return buildWindows(sentences, this.features, this.config.model.window, training, labels, contexts);
  }

  /** Raw class scores (n x C) of every window of `set`, inference mode. */
  scoreAll(set: WindowSet, batch = INFER_BATCH): Float32Array {
    const C = this.numClasses;
    const out = new Float32Array(set.n * C);
    const width = 2 * set.m + 1;
    for (let start = 0; start < set.n; start += batch) {
      const count = Math.min(batch, set.n - start);
      const keys = set.ids.map((ids) => ids.subarray(start * width, (start + count) * width));
      const s = tf.tidy(() => this.network.net.forward(keys, INFERENCE).y);
      out.set(s.dataSync() as Float32Array, start * C);
      s.dispose();
    }
    return out;
  }

  /** Decode scores of a window set into label indices and confidences, one entry per sentence. */
  decode(set: Pick<WindowSet, 'n' | 'sentenceStarts'>, scores: Float32Array): DecodedSentence[] {
    const confidence = new Float32Array(set.n);
    const starts = set.sentenceStarts;
    return this.decodeInto(set, scores, confidence).map((tags, s) => ({ tags, confidence: confidence.subarray(starts[s], starts[s + 1]) }));
  }

  /**
   * Label indices only, one array per sentence: what evaluation and CoNLL output use. Skips the confidences (a crf
   * head's are a forward-backward per sentence, as much work as the decoding).
   */
  decodeTags(set: Pick<WindowSet, 'n' | 'sentenceStarts'>, scores: Float32Array): Int32Array[] {
    return this.decodeInto(set, scores, null);
  }

  private decodeInto(set: Pick<WindowSet, 'n' | 'sentenceStarts'>, scores: Float32Array, confidence: Float32Array | null): Int32Array[] {
    const C = this.numClasses;
    const starts = set.sentenceStarts;
    const emissions = new Float32Array(scores.length);
    this.head.emissions(scores, set.n, C, emissions);
    // One snapshot of the head's transitions (CRF) per batch, shared by the decoder and the confidences.
    const transitions = this.head.transitions?.();
    // One array per output for the whole batch, each sentence gets views (see DecodeInto).
    const into = { indices: new Int32Array(set.n), tagScores: new Float32Array(set.n) };
    const { decoder, head } = this;
    if (decoder.decodeBatch) decoder.decodeBatch(emissions, starts, this.labels, into, transitions);
    const out: Int32Array[] = [];
    for (let s = 0; s + 1 < starts.length; s++) {
      const a = starts[s];
      const n = starts[s + 1] - a;
      const indices = into.indices.subarray(a, a + n);
      if (!decoder.decodeBatch) decoder.decode(emissions.subarray(a * C, (a + n) * C), n, this.labels, { indices, tagScores: into.tagScores.subarray(a, a + n) }, transitions);
      if (confidence && !head.confidenceBatch) head.confidence(emissions.subarray(a * C, (a + n) * C), n, C, indices, confidence.subarray(a, a + n), transitions);
      out.push(indices);
    }
    if (confidence && head.confidenceBatch) head.confidenceBatch(emissions, starts, C, into.indices, confidence, transitions);
    return out;
  }

  /**
   * decodeTags as label strings, one array per sentence: what CoNLL output and conlleval read. A plain loop: Array.from
   * with a map function over a typed array cost ~3% of fast tagging.
   */
  decodeLabels(set: Pick<WindowSet, 'n' | 'sentenceStarts'>, scores: Float32Array): string[][] {
    const { labels } = this.labels;
    return this.decodeTags(set, scores).map((tags) => {
      const out = new Array<string>(tags.length);
      for (let i = 0; i < tags.length; i++) {
        // LabelSet.label's check, inline: the call cost ~4% of fast tagging here.
        const label = labels[tags[i]];
        if (label === undefined) throw new Error(`label index ${tags[i]} out of range [0, ${labels.length})`);
        out[i] = label;
      }
      return out;
    });
  }

  /** Tag tokenised sentences (labels as strings). */
  predict(sentences: string[][], contexts?: readonly SentenceContext[]): string[][] {
    const set = this.windows(sentences, false, undefined, contexts);
    return this.decodeLabels(set, this.scoreAll(set));
  }

  dispose(): void {
    disposeParams(this.params());
  }
}
