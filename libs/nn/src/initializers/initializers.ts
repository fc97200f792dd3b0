/**
 * Weight initialisers, seeded by Rng so a run is repeatable. Each returns host values for a shape; fan-in and
 * fan-out are shape[0] and shape[shape.length-1] (Dense W is [in, out], an embedding table [rows, dim]).
 *   xavierNormal  N(0, 2/(in+out))        xavierUniform U(±sqrt(6/(in+out)))
 *   heNormal      N(0, 2/in)              heUniform     U(±sqrt(6/in))
 *   randomNormal  N(0, stddev²) (0.05 default)
 */
import { Registry, type Rng } from '@window-ner/tensor';

export interface InitializerOptions {
  /** randomNormal's standard deviation (default 0.05). */
  stddev?: number;
  /** randomNormal's mean (default 0). */
  mean?: number;
}

export type Initializer = (shape: readonly number[], rng: Rng, opts?: InitializerOptions) => Float32Array;

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  return { fanIn: shape[0], fanOut: shape[shape.length - 1] };
}

function normal(n: number, rng: Rng, mean: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal(mean, std);
  return out;
}

function uniform(n: number, rng: Rng, limit: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}

export const zeros: Initializer = (shape) => new Float32Array(size(shape));
export const ones: Initializer = (shape) => new Float32Array(size(shape)).fill(1);
export const randomNormal: Initializer = (shape, rng, opts = {}) => normal(size(shape), rng, opts.mean ?? 0, opts.stddev ?? 0.05);
export const xavierNormal: Initializer = (shape, rng) => {
  const { fanIn, fanOut } = fans(shape);
  return normal(size(shape), rng, 0, Math.sqrt(2 / (fanIn + fanOut)));
};
export const xavierUniform: Initializer = (shape, rng) => {
  const { fanIn, fanOut } = fans(shape);
  return uniform(size(shape), rng, Math.sqrt(6 / (fanIn + fanOut)));
};
export const heNormal: Initializer = (shape, rng) => normal(size(shape), rng, 0, Math.sqrt(2 / fans(shape).fanIn));
export const heUniform: Initializer = (shape, rng) => uniform(size(shape), rng, Math.sqrt(6 / fans(shape).fanIn));

export const initializers = new Registry<Initializer>('initializer');
initializers.register('zeros', zeros);
initializers.register('ones', ones);
initializers.register('randomNormal', randomNormal);
initializers.register('xavierNormal', xavierNormal);
initializers.register('xavierUniform', xavierUniform);
initializers.register('glorotNormal', xavierNormal);
initializers.register('glorotUniform', xavierUniform);
initializers.register('heNormal', heNormal);
initializers.register('heUniform', heUniform);
