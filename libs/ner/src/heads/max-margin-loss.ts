/**
 * The max-margin head's losses over the scores [rows, C] of a batch (rows 0..size-1 the true windows, then k
 * corrupt windows per true window, in order):
 * - window terms (nn's maxMarginLoss): class margins take every class's score on the true window as the corrupt
 *   scores, masking out the true class; window ranking takes column y of the k corrupt windows;
 * - the sentence term (nn's StructuredHinge over each sentence's true rows, with learned transitions), plus
 *   whichever window terms are on.
 * Every term is a mean per true window (per token), so lr and clipNorm keep the softmax head's scale.
 */
import { maxMarginLoss, type Loss, type StructuredHinge } from '@window-ner/nn';
import { tf } from '@window-ner/tensor';
import type { HeadTarget } from './types.js';

/** The window terms; the gradient w.r.t. the gathered scores is scattered back through the same one-hot. */
export function windowMarginLoss(k: number, margin: number, classMargins: boolean): Loss<HeadTarget> {
  return {
    name: 'maxMarginWindows',
    compute(scores, { gold, size }) {
      const [rows, C] = scores.shape as [number, number];
      const onehot = tf.oneHot(tf.tensor1d(gold.subarray(0, size), 'int32'), C).toFloat() as tf.Tensor2D;
      const trueRows = rows === size ? scores : tf.slice(scores, [0, 0], [size, C]);
      const sy = tf.sum(tf.mul(trueRows, onehot), 1);
      let loss: tf.Tensor = tf.scalar(0);
      let dTrue: tf.Tensor = tf.zerosLike(trueRows);
      if (classMargins) {
        const r = maxMarginLoss(sy, trueRows, margin, tf.sub(1, onehot));
        loss = tf.add(loss, r.loss);
        dTrue = tf.add(tf.add(dTrue, r.gradCorrupt), tf.mul(onehot, tf.reshape(r.gradTrue, [size, 1])));
      }
      if (k === 0 || rows === size) return { loss: loss as tf.Scalar, grad: dTrue };
      const corrupt = tf.reshape(tf.slice(scores, [size, 0], [size * k, C]), [size, k, C]);
      const yHot = tf.reshape(onehot, [size, 1, C]);
      const r = maxMarginLoss(sy, tf.sum(tf.mul(corrupt, yHot), 2), margin);
      dTrue = tf.add(dTrue, tf.mul(onehot, tf.reshape(r.gradTrue, [size, 1])));
      const dCorrupt = tf.reshape(tf.mul(tf.reshape(r.gradCorrupt, [size, k, 1]), yHot), [size * k, C]);
      return { loss: tf.add(loss, r.loss) as tf.Scalar, grad: tf.concat([dTrue, dCorrupt], 0) };
    },
  };
}

/** The sentence term over the true rows, plus the window terms when k > 0 or classMargins. */
export function sentenceMarginLoss(hinge: StructuredHinge, k: number, classMargins: boolean): Loss<HeadTarget> {
  const windows = k > 0 || classMargins ? windowMarginLoss(k, hinge.margin, classMargins) : null;
  return {
    name: 'maxMarginSentences',
    compute(scores, target) {
      const { gold, size } = target;
      const [rows, C] = scores.shape as [number, number];
      const trueRows = rows === size ? scores : tf.slice(scores, [0, 0], [size, C]);
      const h = hinge.compute(trueRows, { gold: gold.subarray(0, size), starts: target.sentenceStarts ?? Int32Array.of(0, size) });
      if (!windows) return h;
      const w = windows.compute(scores, target);
      const grad = rows === size ? h.grad : tf.pad(h.grad, [[0, rows - size], [0, 0]]);
      return { loss: tf.add(h.loss, w.loss) as tf.Scalar, grad: tf.add(w.grad, grad) };
    },
  };
}
