/**
 * Dense: y = g(x W + b), x [n, inputDim], W [inputDim, units]. Backward uses the closed forms
 * dz = dy ⊙ g'(z), dW = xᵀ dz, db = Σ_rows dz, dx = dz Wᵀ, with matMul's transpose flags so no transposed
 * copy is materialised (native BLAS kernels take the flags directly).
 */
import { tf, Rng } from '@window-ner/tensor';
import type { DenseParam, ForwardContext, ForwardResult, Layer } from '../core/types.js';
import { denseParam, accumulateDenseGrad } from '../core/params.js';
import { checkPositiveInt, shapeMismatch } from '../core/errors.js';
import { getActivation, type Activation } from '../activations/activations.js';
import { initializers } from '../initializers/initializers.js';
import { defaultName } from './naming.js';

/** Activations tfjs fuses into matMul whose derivative nn computes from the output (see activations). */
const FUSED: Record<string, 'linear' | 'relu' | 'sigmoid' | undefined> = { linear: 'linear', relu: 'relu', sigmoid: 'sigmoid' };

export interface DenseConfig {
  type?: 'dense';
  name?: string;
  inputDim: number;
  units: number;
  /** Fused activation (registry name); default linear. */
  activation?: string;
  /** Initializer name for W (default xavierUniform); b starts at zero unless biasInitializer says otherwise. */
  kernelInitializer?: string;
  biasInitializer?: string;
  useBias?: boolean;
}

export class Dense implements Layer {
  readonly name: string;
  readonly W: DenseParam;
  readonly b: DenseParam | null;
  private readonly act: Activation;

  constructor(readonly config: DenseConfig, rng: Rng = new Rng()) {
    this.name = config.name ?? defaultName('dense');
    const where = `Dense "${this.name}"`;
    checkPositiveInt(where, 'inputDim', config.inputDim);
    checkPositiveInt(where, 'units', config.units);
    this.act = getActivation(config.activation);
    const shape = [config.inputDim, config.units];
    const w = initializers.get(config.kernelInitializer ?? 'xavierUniform')(shape, rng);
    this.W = denseParam(`${this.name}/W`, tf.tensor2d(w, [config.inputDim, config.units]), { regularize: true });
    if (config.useBias ?? true) {
      const b = initializers.get(config.biasInitializer ?? 'zeros')([config.units], rng);
      this.b = denseParam(`${this.name}/b`, tf.tensor1d(b), { regularize: false });
    } else {
      this.b = null;
    }
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): ForwardResult {
    if (x.rank !== 2 || x.shape[1] !== this.config.inputDim) {
      throw shapeMismatch(`Dense "${this.name}" input`, `[n, ${this.config.inputDim}]`, x.shape);
    }
    const x2 = x as tf.Tensor2D;
    const W = this.W.value as tf.Tensor2D;
    const linearAct = this.act.name === 'linear';
    const fused = FUSED[this.act.name];
    // One fused kernel (product, bias, activation) where tfjs has the activation; the derivative of those is
    // computed from the output alone (relu: y > 0 exactly when z > 0; sigmoid: y(1 - y)), so z is not needed.
    let z: tf.Tensor2D;
    let y: tf.Tensor2D;
    if (fused) {
      y = z = tf.fused.matMul({ a: x2, b: W, bias: this.b?.value, activation: fused }) as tf.Tensor2D;
    } else {
      const lin = tf.matMul(x2, W);
      z = (this.b ? tf.add(lin, this.b.value) : lin) as tf.Tensor2D;
      y = (linearAct ? z : this.act.fn(z)) as tf.Tensor2D;
    }
    return {
      y,
      backward: (dy) => {
        const dz = (linearAct ? dy : tf.mul(dy, this.act.derivative(z, y))) as tf.Tensor2D;
        accumulateDenseGrad(this.W, tf.matMul(x2, dz, true, false));
        if (this.b) accumulateDenseGrad(this.b, tf.sum(dz, 0));
        return tf.matMul(dz, W, false, true);
      },
    };
  }

  params(): DenseParam[] {
    return this.b ? [this.W, this.b] : [this.W];
  }

  getConfig() {
    return {
      type: 'dense',
      name: this.name,
      inputDim: this.config.inputDim,
      units: this.config.units,
      activation: this.act.name,
      kernelInitializer: this.config.kernelInitializer ?? 'xavierUniform',
      biasInitializer: this.config.biasInitializer ?? 'zeros',
      useBias: this.b !== null,
    };
  }
}
