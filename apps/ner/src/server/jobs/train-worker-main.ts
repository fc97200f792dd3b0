/**
 * Runs one training job inside a worker thread (off the server's event loop): trains with the library's
 * trainModel, streams progress to the server thread, and reports the result or the error. A 'cancel' message
 * aborts training through the AbortSignal trainModel checks between batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainModel } from '@window-ner/ner';
import type { FromWorker, ToWorker, TrainWorkerData } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('train-worker-main.ts must run in a worker thread');
const { request } = workerData as TrainWorkerData;
const controller = new AbortController();
const send = (msg: FromWorker) => port.postMessage(msg);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') controller.abort(new Error('cancelled by an admin request'));
});

try {
  const result = await trainModel(request, (progress) => send({ type: 'progress', progress }), controller.signal);
  send({ type: 'done', result });
} catch (err) {
  send({ type: 'failed', message: (err as Error).message ?? String(err), cancelled: controller.signal.aborted });
}
// The server thread terminates this worker once it has the final message (tfjs may keep handles open).
