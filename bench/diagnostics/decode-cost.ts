/**
 * Per-token cost of the tagging phases after scoring, on CoNLL dev sentences with the fast path: scoring
 * (`tagger.score`), `model.decode` with and without confidences, its parts (head emissions, the decoder per
 * sentence, the head's confidence per sentence) and `tagTokens` end to end (what `npm run bench` times).
 * Written to compare the crf head's decode + confidence with the softmax head's.
 *
 *   tsx --conditions=@window-ner/source bench/diagnostics/decode-cost.ts --model a.sqlite [--model b.sqlite]
 *     [--data ../shared/data/conll2003/eng.testa] [--embeddings data/embeddings.sqlite] [--rounds 5] [--ms 600]
 *     [--lib DIR]
 *
 * `--lib DIR` runs another checkout's libraries (DIR/libs/ner/src, with DIR/node_modules), for A/B against the
 * code before a change with the same command. Each phase runs `--rounds` rounds of at least `--ms` ms of this
 * process's CPU time (not wall time: the host is shared); the minimum per token is reported (the least disturbed
 * round).
 */
import '../one-blas-thread.js';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type * as NerLib from '@window-ner/ner';
import type * as TensorLib from '@window-ner/tensor';

const ROOT = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    data: { type: 'string', default: resolve(ROOT, '../shared/data/conll2003/eng.testa') },
    embeddings: { type: 'string', default: resolve(ROOT, 'data/embeddings.sqlite') },
    rounds: { type: 'string', default: '5' },
    ms: { type: 'string', default: '600' },
    lib: { type: 'string', default: ROOT },
  },
});
if (!values.model?.length) throw new Error('decode-cost: give at least one --model FILE');
const rounds = Math.max(1, Math.min(50, Number(values.rounds)));
const minMs = Math.max(10, Math.min(10_000, Number(values.ms)));
const lib = resolve(values.lib!);
const ner = (await import(resolve(lib, 'libs/ner/src/index.ts'))) as typeof NerLib;
const tensor = (await import(resolve(lib, 'libs/tensor/src/index.ts'))) as typeof TensorLib;
const info = await tensor.initBackend();

const sentences = ner.readConll(values.data!).map((s) => s.tokens);
const chunks: string[][][] = [];
for (let i = 0; i < sentences.length; i += 2000) chunks.push(sentences.slice(i, i + 2000));
const tokens = sentences.reduce((a, s) => a + s.length, 0);

/** The process's CPU time in µs: the host is shared, and wall time counts the other processes' share of it. */
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Minimum over rounds of CPU µs per token of `pass` (one pass = every dev token once). */
function perToken(pass: () => void): number {
  for (let w = 0; w < 3; w++) pass(); // warm-up: caches, JIT
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let passes = 0;
    const t0 = cpuMicros();
    do {
      pass();
      passes++;
    } while (cpuMicros() - t0 < minMs * 1000);
    best = Math.min(best, (cpuMicros() - t0) / (passes * tokens));
  }
  return best;
}

console.log(`decode-cost: ${lib}, backend ${info.name}, ${sentences.length} sentences, ${tokens} tokens, min of ${rounds} rounds of ≥ ${minMs} CPU ms`);
for (const modelPath of values.model) {
  const tagger = await ner.loadTagger(resolve(modelPath), { embeddingsPath: values.embeddings, fastPath: true });
  const { model } = tagger;
  const C = model.numClasses;
  const scored = chunks.map((c) => tagger.score(c));
  const transitions = model.head.transitions?.();
  const emissions = scored.map((s) => {
    const e = new Float32Array(s.scores.length);
    model.head.emissions(s.scores, s.n, C, e);
    return e;
  });
  // The decoded tags of each chunk, one array per chunk (the chosen tags confidences are computed for).
  const chosen = scored.map((s) => {
    const all = new Int32Array(s.n);
    model.decode(s, s.scores).forEach((d, q) => all.set(d.tags, s.sentenceStarts[q]));
    return all;
  });
  // Code before decodeTags existed computed confidences for every decode.
  const decodeTags = (s: (typeof scored)[number]) => ('decodeTags' in model ? model.decodeTags(s, s.scores) : (model as NerLib.WindowModel).decode(s, s.scores));
  const row = {
    score: perToken(() => chunks.forEach((c) => tagger.score(c))),
    decode: perToken(() => scored.forEach((s) => model.decode(s, s.scores))),
    decodeTags: perToken(() => scored.forEach(decodeTags)),
    emissions: perToken(() => scored.forEach((s, k) => model.head.emissions(s.scores, s.n, C, emissions[k]))),
    // The parts as WindowModel.decode runs them: the whole batch at once where the decoder / head can (code
    // before decodeBatch / confidenceBatch existed, and other heads, go sentence by sentence).
    decoder: perToken(() => scored.forEach((s, k) => {
      if (model.decoder.decodeBatch) {
        model.decoder.decodeBatch(emissions[k], s.sentenceStarts, model.labels, { indices: new Int32Array(s.n), tagScores: new Float32Array(s.n) }, transitions);
        return;
      }
      for (let q = 0; q + 1 < s.sentenceStarts.length; q++) {
        const a = s.sentenceStarts[q];
        const n = s.sentenceStarts[q + 1] - a;
        model.decoder.decode(emissions[k].subarray(a * C, (a + n) * C), n, model.labels, undefined, transitions);
      }
    })),
    confidence: perToken(() => scored.forEach((s, k) => {
      const out = new Float32Array(s.n);
      if (model.head.confidenceBatch) {
        model.head.confidenceBatch(emissions[k], s.sentenceStarts, C, chosen[k], out, transitions);
        return;
      }
      for (let q = 0; q + 1 < s.sentenceStarts.length; q++) {
        const a = s.sentenceStarts[q];
        const n = s.sentenceStarts[q + 1] - a;
        model.head.confidence(emissions[k].subarray(a * C, (a + n) * C), n, C, chosen[k].subarray(a, a + n), out.subarray(a, a + n), transitions);
      }
    })),
    tagTokens: perToken(() => chunks.forEach((c) => tagger.tagTokens(c))),
  };
  const cells = Object.entries(row).map(([k, v]) => `${k} ${v.toFixed(3)}`);
  console.log(`${model.head.type} (${modelPath}): CPU µs/token ${cells.join(', ')}; tagTokens ${Math.round(1e6 / row.tagTokens).toLocaleString('en-US')} tokens per CPU second`);
  tagger.dispose();
}
