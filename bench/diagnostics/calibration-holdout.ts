/**
 * Does the max-margin head's threshold calibration carry over to text it was not tuned on? `fitModel` calibrates
 * on dev and reports dev F1 after, which measures the thresholds on the data that chose them. Here the dev set's
 * documents are split in two halves (alternating documents); thresholds calibrated on one half are scored on the
 * other, against θ = 0, both ways.
 *
 *   tsx --conditions=@window-ner/source bench/diagnostics/calibration-holdout.ts --model mm.sqlite
 *     [--data ../shared/data/conll2003/eng.testa] [--embeddings data/embeddings.sqlite]
 *
 * Findings on sentence-level models (2026-12-03, libs/ner README "Max-margin head"): the held-out half loses 0.47
 * and 0.10 F1 on CoNLL-2003 and gains 6.97 and 1.66 on WNUT-17.
 */
import '../one-blas-thread.js';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@window-ner/tensor';
import { conlleval, loadModel, openVectorStore, readConll, sentenceContexts, type Sentence } from '@window-ner/ner';

const ROOT = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: resolve(ROOT, '../shared/data/conll2003/eng.testa') },
    embeddings: { type: 'string', default: resolve(ROOT, 'data/embeddings.sqlite') },
  },
});
if (!values.model) throw new Error('calibration-holdout: give --model FILE (a max-margin model)');
await initBackend();
const vectors = openVectorStore(values.embeddings!);
const { model } = await loadModel(resolve(values.model), vectors.source);
if (model.head.type !== 'max-margin') throw new Error(`calibration-holdout: ${values.model} has a ${model.head.type} head, not max-margin`);
const head = model.head as typeof model.head & { thresholds: Float32Array; level: string };

const dev = readConll(values.data!);
// Alternating documents (a corpus without -DOCSTART- lines: alternating sentences, each its own document).
const half = (s: Sentence, i: number) => (s.doc ?? i) % 2;
const halves: Sentence[][] = [dev.filter((s, i) => half(s, i) === 0), dev.filter((s, i) => half(s, i) === 1)];
const sets = halves.map((h) => {
  const set = model.windows(h.map((s) => s.tokens), false, h.map((s) => s.tags), sentenceContexts(h));
  return { gold: h, set, scores: model.scoreAll(set) };
});
const f1 = (i: number) => {
  const pred = model.decodeTags(sets[i].set, sets[i].scores).map((tags) => Array.from(tags, (t) => model.labels.label(t)));
  return conlleval(sets[i].gold.map((s) => s.tags), pred).overall.f1;
};

const saved = head.thresholds.slice();
console.log(`calibration-holdout: ${values.model}, level ${head.level}, saved thresholds [${Array.from(saved, (v) => v.toFixed(2)).join(', ')}]`);
for (const [tune, test] of [[0, 1], [1, 0]]) {
  head.thresholds.fill(0);
  const zeroTest = f1(test);
  const zeroTune = f1(tune);
  head.tune!(() => f1(tune));
  const tuned = f1(tune);
  console.log(`tune on half ${tune} (${sets[tune].gold.length} sentences): F1 there ${zeroTune.toFixed(2)} -> ${tuned.toFixed(2)}; half ${test}: θ=0 ${zeroTest.toFixed(2)}, tuned θ ${f1(test).toFixed(2)}`);
}
head.thresholds.set(saved);
vectors.close();
