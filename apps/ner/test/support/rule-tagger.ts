/**
 * A deterministic dictionary Tagger for the server's own tests: the HTTP layer (validation, limits, errors,
 * swaps, shutdown) is tested against the Tagger contract, fast and without a trained model. The end-to-end
 * suite in tests/ runs the same server with a real trained model.
 */
import type { Entity, ModelInfo, Tagger } from '@window-ner/ner';

const GAZETTEER: Record<string, string> = {
  barack: 'PER', obama: 'PER', angela: 'PER', merkel: 'PER', ada: 'PER', lovelace: 'PER',
  berlin: 'LOC', london: 'LOC', paris: 'LOC', york: 'LOC', new: 'LOC',
  microsoft: 'ORG', google: 'ORG', reuters: 'ORG',
};

export interface RuleTaggerOptions {
  version?: string;
  /** Busy-wait this long per tag() call, to simulate a slow model. */
  delayMs?: number;
}

export class RuleTagger implements Tagger {
  readonly info: ModelInfo;
  tokensTagged = 0;
  disposed = false;
  calls = 0;

  constructor(private readonly opts: RuleTaggerOptions = {}) {
    this.info = {
      version: opts.version ?? 'rule-v1',
      path: `/models/${opts.version ?? 'rule-v1'}.sqlite`,
      head: 'rules',
      labels: ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG'],
      types: ['PER', 'LOC', 'ORG'],
      config: {},
      metrics: { f1: 1 },
      provenance: { source: 'test gazetteer', train: { path: '/srv/corpora/train.conll', sentences: 3 } },
    };
  }

  tag(texts: string[]): Entity[][] {
    if (this.disposed) throw new Error(`tagger ${this.info.version} used after dispose()`);
    this.calls++;
    if (this.opts.delayMs) {
      const until = Date.now() + this.opts.delayMs;
      while (Date.now() < until);
    }
    return texts.map((text) => {
      const entities: Entity[] = [];
      for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
        this.tokensTagged++;
        const label = GAZETTEER[m[0].toLowerCase()];
        if (!label || !/^\p{Lu}/u.test(m[0])) continue;
        const start = m.index;
        const end = start + m[0].length;
        const prev = entities.at(-1);
        // Adjacent words of the same type separated only by spaces form one entity ("Barack Obama").
        if (prev && prev.label === label && /^ +$/.test(text.slice(prev.end, start))) {
          prev.end = end;
          prev.text = text.slice(prev.start, end);
        } else {
          entities.push({ text: m[0], label, start, end, score: 0.9 });
        }
      }
      return entities;
    });
  }

  dispose(): void {
    this.disposed = true;
  }
}
