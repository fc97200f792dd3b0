/**
 * Fit y = x² + 1 with a 1-H-1 network built from @window-ner/nn: full-batch gradient descent (every iteration
 * sees all points), mean squared error, the optimizer and hidden activation chosen by registry name.
 * The loss is read from the backend only when it is reported (every `reportEvery` iterations), not every step.
 */
import { Rng, tf } from '@window-ner/tensor';
import { buildLayer, createOptimizer, meanSquaredError, paramShape, setParamValues, type Layer } from '@window-ner/nn';
import { makeCurveData } from './data.js';

export interface CurveFitOptions {
  optimizer: string;
  activation: string;
  lr: number;
  iterations: number;
  seed: number;
  hidden: number;
  points: number;
  noise: number;
  reportEvery: number;
}

export const DEFAULTS: CurveFitOptions = {
  optimizer: 'sgd',
  activation: 'sigmoid',
  lr: 0.1,
  iterations: 1000,
  seed: 1,
  hidden: 10,
  points: 300,
  noise: 0.05,
  reportEvery: 50,
};

export interface CurveFitResult {
  /** [iteration, loss] every reportEvery iterations (and the last). */
  history: [number, number][];
  finalMse: number;
  model: Layer;
  /** The network's prediction at the given x values. */
  predict(xs: number[]): number[];
}

export function fitCurve(options: Partial<CurveFitOptions> = {}, onReport?: (iteration: number, loss: number) => void): CurveFitResult {
  const o = { ...DEFAULTS, ...options };
  const data = makeCurveData(o.points, o.seed, o.noise);
  const model = buildLayer(
    {
      type: 'chain',
      name: 'curve',
      layers: [
        { type: 'dense', name: 'hidden', inputDim: 1, units: o.hidden, activation: o.activation, kernelInitializer: 'heNormal' },
        { type: 'dense', name: 'output', inputDim: o.hidden, units: 1 },
      ],
    },
    new Rng(o.seed + 1),
  ) as Layer;
  seedInit(model, new Rng(o.seed + 2));
  const optimizer = createOptimizer({ type: o.optimizer, lr: o.lr });
  const params = model.params();
  const x = tf.tensor2d(data.x, [data.n, 1]);
  const y = tf.tensor2d(data.y, [data.n, 1]);
  const ctx = { training: true, rng: new Rng(o.seed) };
  const history: [number, number][] = [];
  for (let it = 1; it <= o.iterations; it++) {
    const loss = tf.tidy(() => {
      const r = model.forward(x, ctx);
      const { loss: l, grad } = meanSquaredError.compute(r.y, y);
      r.backward(grad);
      return l;
    });
    const report = it % o.reportEvery === 0 || it === o.iterations;
    // The loss was computed before this step's update: it is the loss at iteration `it`'s starting weights.
    if (report) {
      const v = loss.dataSync()[0];
      if (!Number.isFinite(v)) throw new Error(`curve-fit: loss is ${v} at iteration ${it} (optimizer ${o.optimizer}, lr ${o.lr}); try a smaller --lr`);
      history.push([it, v]);
      onReport?.(it, v);
    }
    loss.dispose();
    optimizer.step(params);
  }
  const finalMse = evaluate(model, x, y);
  x.dispose();
  y.dispose();
  const predict = (xs: number[]) => {
    const p = tf.tidy(() => model.forward(tf.tensor2d(xs, [xs.length, 1]), { training: false, rng: new Rng(0) }).y);
    const out = Array.from(p.dataSync());
    p.dispose();
    return out;
  };
  return { history, finalMse, model, predict };
}

/**
 * Initialisation after the seed example (tf.random_normal weights, biases 0.1), with the hidden weights drawn by
 * heNormal (std √2 for fan-in 1) in the layer config. Why not the library default (Glorot): with |w| < 0.75 the
 * ten sigmoids are nearly linear and alike on [-1, 1], and gradient descent at lr 0.1 sits at the mean
 * (MSE ≈ 0.1) for the whole run; spread-out sigmoids give the curvature x² needs. Measured over seeds 1-10:
 * final MSE 0.005-0.011 with this init, 0.0055-0.041 with N(0, 1) hidden weights, 0.0999 with Glorot.
 */
function seedInit(model: Layer, rng: Rng): void {
  for (const p of model.params()) {
    const n = paramShape(p).reduce((a, b) => a * b, 1);
    if (p.name.endsWith('/b')) setParamValues(p, new Float32Array(n).fill(0.1));
    else if (p.name === 'output/W') setParamValues(p, Float32Array.from({ length: n }, () => rng.normal(0, 1)));
  }
}

/** MSE of the trained model on (x, y), in inference mode. */
function evaluate(model: Layer, x: tf.Tensor, y: tf.Tensor): number {
  const l = tf.tidy(() => meanSquaredError.compute(model.forward(x, { training: false, rng: new Rng(0) }).y, y).loss);
  const v = l.dataSync()[0];
  l.dispose();
  return v;
}
