/**
 * Runs one training job inside a worker thread (off the server's event loop): trains with the library's
 * trainModel, streams progress to the server thread, optionally scores the served model on the same dev set
 * for the publish gate, and reports the result or the error. A 'cancel' message aborts through the AbortSignal
 * that corpus reading and trainModel check; the server terminates the thread if that takes too long.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { allowPlugins, conlleval, loadTagger, readCorpusStream, sentenceContexts, tokenizerPlugins, trainModel } from '@window-ner/ner';
import type { Baseline } from './publish-gate.js';
import type { FromWorker, ToWorker, TrainWorkerData } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('train-worker-main.ts must run in a worker thread');
const { request, baseline, plugins } = workerData as TrainWorkerData;
const controller = new AbortController();
const send = (msg: FromWorker) => port.postMessage(msg);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') controller.abort(new Error('cancelled by an admin request'));
});

/** Dev F1 of the served model on this job's dev set, read with that model's own tokenizer. */
async function scoreBaseline(model: { path: string; version: string }, devPath: string): Promise<Baseline> {
  const tagger = await loadTagger(model.path, { embeddingsPath: request.embeddingsPath });
  try {
    const tokenizer = tokenizerPlugins.get(tagger.model.config.model.tokenizer);
    const gold = await readCorpusStream(devPath, (t) => tokenizer.tokenize(t), { signal: controller.signal, maxBytes: request.maxCorpusBytes, untrustedPath: request.untrustedPaths });
    controller.signal.throwIfAborted();
    const pred = tagger.tagTokens(gold.map((s) => s.tokens), sentenceContexts(gold));
    return { version: model.version, devF1: conlleval(gold.map((s) => s.tags), pred).overall.f1 };
  } finally {
    tagger.dispose();
  }
}

try {
  await allowPlugins(plugins);
  const result = await trainModel(request, (progress) => send({ type: 'progress', progress }), controller.signal);
  let scored: Baseline | null = null;
  if (baseline && request.devPath) {
    send({ type: 'progress', progress: { phase: 'compare', epoch: result.epochs, epochs: result.epochs, step: 0, stepsPerEpoch: 0 } });
    scored = await scoreBaseline(baseline, request.devPath);
  }
  send({ type: 'done', result, baseline: scored });
} catch (err) {
  send({ type: 'failed', message: (err as Error).message ?? String(err), cancelled: controller.signal.aborted });
}
// The server thread terminates this worker once it has the final message (tfjs may keep handles open).
