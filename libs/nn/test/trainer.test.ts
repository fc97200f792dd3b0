import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { accumulateDenseGrad, chain, createOptimizer, Dense, denseParam, meanSquaredError, paramValues, softmaxCrossEntropy, train, Trainer, type Layer, type Loss, type TrainProgressEvent } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

/** Two Gaussian blobs in 2-D, labels 0/1: separable, so a small net reaches high accuracy fast. */
function blobs(n: number, seed: number) {
  const r = new Rng(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x[2 * i] = r.normal(y[i] ? 1.5 : -1.5, 0.7);
    x[2 * i + 1] = r.normal(y[i] ? -1 : 1, 0.7);
  }
  return { x, y, n };
}

function accuracy(model: Layer, d: ReturnType<typeof blobs>): number {
  const logits = tf.tidy(() => model.forward(tf.tensor2d(d.x, [d.n, 2]), { training: false, rng: new Rng(0) }).y);
  const v = logits.dataSync();
  logits.dispose();
  let ok = 0;
  for (let i = 0; i < d.n; i++) if ((v[2 * i + 1] > v[2 * i] ? 1 : 0) === d.y[i]) ok++;
  return ok / d.n;
}

const batcher = (d: ReturnType<typeof blobs>) => (ids: Int32Array) => {
  const x = new Float32Array(ids.length * 2);
  const y = new Int32Array(ids.length);
  ids.forEach((id, j) => {
    x[2 * j] = d.x[2 * id];
    x[2 * j + 1] = d.x[2 * id + 1];
    y[j] = d.y[id];
  });
  return { x: tf.tensor2d(x, [ids.length, 2]), target: y };
};

const net = (seed = 1) => {
  const rng = new Rng(seed);
  return chain(new Dense({ name: 'h', inputDim: 2, units: 8, activation: 'tanh' }, rng), new Dense({ name: 'o', inputDim: 8, units: 2 }, rng));
};

describe('train', () => {
  it('mini-batches with shuffling learn a separable problem; progress events carry epoch/step/loss/throughput', async () => {
    const data = blobs(256, 1);
    const model = net();
    const events: TrainProgressEvent[] = [];
    const r = await train({
      model,
      loss: softmaxCrossEntropy,
      optimizer: createOptimizer({ type: 'adam', lr: 0.05 }),
      examples: data.n,
      batch: batcher(data),
      batchSize: 32,
      epochs: 5,
      seed: 3,
      progressEvery: 4,
      onProgress: (e) => events.push(e),
    });
    expect(r.steps).toBe(5 * 8);
    expect(r.history).toHaveLength(5);
    expect(r.history[4].loss).toBeLessThan(r.history[0].loss);
    expect(accuracy(model, data)).toBeGreaterThan(0.95);
    const train1 = events.filter((e) => e.phase === 'train' && e.epoch === 1);
    expect(train1.map((e) => e.step)).toEqual([4, 8]);
    expect(events[0]).toMatchObject({ epoch: 1, epochs: 5, step: 4, stepsPerEpoch: 8 });
    expect(events[0].examplesPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(events[0].loss)).toBe(true);
    expect(events.filter((e) => e.phase === 'epoch')).toHaveLength(5);
  });

  it('params: a loss with a param of its own (a CRF\'s transitions) is trained when the caller lists it', async () => {
    const data = blobs(64, 2);
    const run = async (listed: boolean) => {
      const model = net();
      const shift = denseParam('shift', tf.zeros([2]));
      const loss: Loss<Int32Array> = {
        name: 'shiftedSoftmax',
        compute: (scores, target) => {
          const r = softmaxCrossEntropy.compute(tf.add(scores, shift.value), target);
          accumulateDenseGrad(shift, tf.sum(r.grad, 0));
          return r;
        },
      };
      const opts = { model, loss, optimizer: createOptimizer({ type: 'adam', lr: 0.05 }), examples: data.n, batch: batcher(data), batchSize: 16, epochs: 2, seed: 1 };
      await train(listed ? { ...opts, params: [...model.params(), shift] } : opts);
      const v = Array.from(shift.value.dataSync());
      shift.value.dispose();
      shift.grad?.dispose();
      return v;
    };
    expect((await run(true)).some((v) => v !== 0)).toBe(true);
    expect(await run(false)).toEqual([0, 0]);
  });

  it('the same seed gives the same run; another seed shuffles differently', async () => {
    const data = blobs(64, 2);
    const run = async (seed: number) => {
      const model = net();
      await train({ model, loss: softmaxCrossEntropy, optimizer: createOptimizer({ type: 'sgd', lr: 0.1 }), examples: data.n, batch: batcher(data), batchSize: 8, epochs: 2, seed });
      return model.params().flatMap((p) => Array.from(paramValues(p)));
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
  });

  it('early stopping: stops after `patience` epochs without improvement and restores the best weights', async () => {
    const data = blobs(64, 3);
    const model = net();
    // A scripted validation metric: best at epoch 2, then worse; with patience 2 training stops after epoch 4.
    const metrics = [0.5, 0.9, 0.8, 0.7, 0.95, 0.99];
    const snapshots: number[][] = [];
    let epoch = 0;
    const r = await train({
      model,
      loss: softmaxCrossEntropy,
      optimizer: createOptimizer({ type: 'sgd', lr: 0.5 }),
      examples: data.n,
      batch: batcher(data),
      batchSize: 16,
      epochs: 6,
      patience: 2,
      validate: () => {
        snapshots.push(model.params().flatMap((p) => Array.from(paramValues(p))));
        return metrics[epoch++];
      },
    });
    expect(r.history.map((h) => h.metric)).toEqual([0.5, 0.9, 0.8, 0.7]);
    expect(r.bestEpoch).toBe(2);
    expect(r.bestMetric).toBe(0.9);
    expect(r.stoppedEarly).toBe(true);
    const now = model.params().flatMap((p) => Array.from(paramValues(p)));
    expect(now).toEqual(snapshots[1]);
    expect(now).not.toEqual(snapshots[3]);
  });

  it('an abort that arrives while validating stops the run before the next epoch takes a step', async () => {
    const data = blobs(64, 3);
    const controller = new AbortController();
    let batchesAfterValidation = 0;
    let validated = false;
    const run = train({
      model: net(),
      loss: softmaxCrossEntropy,
      optimizer: createOptimizer({ type: 'sgd', lr: 0.5 }),
      examples: data.n,
      batch: (ids) => {
        if (validated) batchesAfterValidation++;
        return batcher(data)(ids);
      },
      batchSize: 16,
      epochs: 3,
      signal: controller.signal,
      validate: () => {
        // Like a worker thread's cancel message: delivered only when the event loop next turns.
        setImmediate(() => controller.abort());
        validated = true;
        return 0.5;
      },
    });
    await expect(run).rejects.toThrow('train: aborted after validating epoch 1');
    expect(batchesAfterValidation).toBe(0);
  });

  it("mode 'min' treats a lower metric as better", async () => {
    const data = blobs(32, 4);
    const losses = [3, 2, 2.5, 1, 1.5];
    let i = 0;
    const r = await train({ model: net(), loss: softmaxCrossEntropy, optimizer: createOptimizer({ type: 'sgd', lr: 0.1 }), examples: data.n, batch: batcher(data), batchSize: 8, epochs: 5, mode: 'min', validate: () => losses[i++] });
    expect(r.bestEpoch).toBe(4);
    expect(r.bestMetric).toBe(1);
  });

  it('a NaN loss is reported with its epoch and step', async () => {
    const n = 40;
    const x = new Float32Array(n).fill(1);
    const y = new Float32Array(n).fill(1);
    y[27] = NaN; // example 27, no shuffling, batches of 10: step 3 of epoch 1
    const model = new Dense({ inputDim: 1, units: 1 }, new Rng(1));
    const run = train({
      model,
      loss: meanSquaredError,
      optimizer: createOptimizer({ type: 'sgd', lr: 0.01 }),
      examples: n,
      batch: (ids) => ({ x: tf.tensor2d(Array.from(ids, (i) => x[i]), [ids.length, 1]), target: tf.tensor2d(Array.from(ids, (i) => y[i]), [ids.length, 1]) }),
      batchSize: 10,
      epochs: 1,
      shuffle: false,
      progressEvery: 100,
    });
    await expect(run).rejects.toThrow('train: loss is NaN at epoch 1, step 3 of 4');
  });

  it('Trainer.fit runs the same loop (overrides apply per call)', async () => {
    const data = blobs(64, 5);
    const model = net(2);
    const trainer = new Trainer({ model, loss: softmaxCrossEntropy, optimizer: createOptimizer({ type: 'adam', lr: 0.05 }), examples: data.n, batch: batcher(data), batchSize: 16, epochs: 1 });
    expect((await trainer.fit()).steps).toBe(4);
    expect((await trainer.fit({ epochs: 3 })).steps).toBe(12);
    expect(accuracy(model, data)).toBeGreaterThan(0.9);
  });

  it('bad arguments say which', async () => {
    const base = { model: net(), loss: softmaxCrossEntropy, optimizer: createOptimizer({ type: 'sgd', lr: 0.1 }), examples: 10, batch: batcher(blobs(10, 1)), batchSize: 4, epochs: 1 };
    await expect(train({ ...base, batchSize: 0 })).rejects.toThrow('train: batchSize must be a positive integer, got 0');
    await expect(train({ ...base, lrDecay: -1 })).rejects.toThrow('train: lrDecay must be a finite number >= 0, got -1');
  });

  it('onEnd runs once after the best weights are restored, and its result is returned', async () => {
    const data = blobs(64, 5);
    const model = net();
    const metrics = [0.9, 0.1, 0.2];
    let epoch = 0;
    let best: number[] = [];
    const calls: { epochs: number; weights: number[] }[] = [];
    const weights = () => model.params().flatMap((p) => Array.from(paramValues(p)));
    const sgd = createOptimizer({ type: 'sgd', lr: 0.5 });
    const r = await train({ model, loss: softmaxCrossEntropy, optimizer: sgd, examples: data.n, batch: batcher(data), batchSize: 16, epochs: 3,
      validate: () => {
        if (epoch === 0) best = weights();
        return metrics[epoch++];
      },
      onEnd: (result) => {
        calls.push({ epochs: result.history.length, weights: weights() });
        return 'calibrated';
      },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].epochs).toBe(3);
    expect(calls[0].weights).toEqual(best);
    expect(r.end).toBe('calibrated');
  });
  it("nonFiniteLoss 'record' keeps training through a NaN loss and records it; the default stops naming the step", async () => {
    const data = blobs(32, 6);
    const base = { model: net(), loss: softmaxCrossEntropy, examples: data.n, batch: batcher(data), batchSize: 16, epochs: 2 };
    await expect(train({ ...base, optimizer: createOptimizer({ type: 'sgd', lr: 1e38 }) })).rejects.toThrow(/train: loss is (NaN|Infinity) at epoch \d+, step \d+ of 2/);
    const r = await train({ ...base, model: net(), optimizer: createOptimizer({ type: 'sgd', lr: 1e38 }), nonFiniteLoss: 'record' });
    expect(r.history).toHaveLength(2);
    expect(Number.isFinite(r.history[1].loss)).toBe(false);
  });
});
