/**
 * Tagger: raw texts in, entities with character offsets out. Tokenises with the model's tokenizer plugin,
 * splits sentences, scores all windows of a batch at once (through a WindowScorer: the fast path when enabled,
 * else the model's reference forward), decodes each sentence into label indices and builds spans from them,
 * mapped back to character offsets.
 */
import type { Entity, LoadTaggerOptions, ModelInfo, Tagger } from '../api.js';
import { splitSentences, type Token } from '@window-ner/text';
import { spansToEntities } from '../decoders/entities.js';
import { indicesToSpans } from '../labels/spans.js';
import { loadModel } from '../model/file.js';
import type { WindowModel } from '../model/window-model.js';
import { tokenizerPlugins } from '../plugins/registry.js';
import { openVectorStore, type OpenedVectors } from '../vectors/store.js';
import { FastScorer } from './fast-path.js';
import { projectableNetwork, referenceScorer } from './model-view.js';
import type { ScoredSentences, WindowScorer } from './scorer.js';
import type { SentenceContext } from '../features/types.js';
import { sentenceContexts } from '../windows/documents.js';

export interface TaggerOptions {
  /** Use the precomputed-projection scorer (default true; identical results within float rounding). */
  fastPath?: boolean;
}

export class WindowTagger implements Tagger {
  private tokens = 0;
  private readonly scorer: WindowScorer;

  constructor(
    readonly model: WindowModel,
    readonly info: ModelInfo,
    private readonly vectors: OpenedVectors | null,
    opts: TaggerOptions = {},
  ) {
    const net = opts.fastPath !== false ? projectableNetwork(model) : null;
    this.scorer = net ? new FastScorer(net) : referenceScorer(model);
  }

  get tokensTagged(): number {
    return this.tokens;
  }

  /** Class scores of every token (n x C) and the sentence boundaries. */
  score(sentences: string[][], contexts?: readonly SentenceContext[]): ScoredSentences {
    return this.scorer.score(sentences, contexts);
  }

  /**
   * Tag pre-tokenised sentences: label strings per token (for CoNLL output and conlleval). `contexts` place them
   * in their documents (windows/documents.ts sentenceContexts); absent, each sentence is a document of its own.
   */
  tagTokens(sentences: string[][], contexts?: readonly SentenceContext[]): string[][] {
    const scored = this.score(sentences, contexts);
    this.tokens += scored.n;
    return this.model.decodeLabels(scored, scored.scores);
  }

  tag(texts: string[]): Entity[][] {
    const tokenizer = tokenizerPlugins.get(this.model.config.model.tokenizer);
    const sentences: { text: number; tokens: Token[] }[] = [];
    texts.forEach((text, ti) => {
      if (typeof text !== 'string') throw new TypeError(`tag: texts[${ti}] is not a string`);
      const toks = tokenizer.tokenize(text);
      for (const r of splitSentences(text, toks)) sentences.push({ text: ti, tokens: toks.slice(r.start, r.end) });
    });
    // One text is one document: its sentences are each other's context.
    const tokens = sentences.map((s) => s.tokens.map((t) => t.text));
    const scored = this.score(tokens, sentenceContexts(sentences.map((s, i) => ({ tokens: tokens[i], doc: s.text }))));
    this.tokens += scored.n;
    const decoded = this.model.decode(scored, scored.scores);
    const out: Entity[][] = texts.map(() => []);
    decoded.forEach((d, si) => {
      const s = sentences[si];
      out[s.text].push(...spansToEntities(indicesToSpans(d.tags, this.model.labels), s.tokens, texts[s.text], d.confidence));
    });
    return out;
  }

  dispose(): void {
    this.scorer.dispose();
    this.model.dispose();
    this.vectors?.close();
  }
}

export async function loadTagger(modelPath: string, options: LoadTaggerOptions & TaggerOptions = {}): Promise<WindowTagger> {
  const vectors = options.embeddingsPath ? openVectorStore(options.embeddingsPath) : null;
  try {
    const { model, metrics, provenance, version } = await loadModel(modelPath, vectors?.source ?? null);
    const info: ModelInfo = {
      version,
      path: modelPath,
      head: model.head.type,
      labels: [...model.labels.labels],
      types: model.labels.types(),
      config: model.config as unknown as Record<string, unknown>,
      metrics,
      provenance,
    };
    return new WindowTagger(model, info, vectors, options);
  } catch (e) {
    vectors?.close();
    throw e;
  }
}
