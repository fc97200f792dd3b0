/** Copies of every parameter value, so early stopping can restore the best epoch. */
import { tf } from '@window-ner/tensor';
import { NnError } from '../core/errors.js';
import type { Param } from '../core/types.js';

export type Snapshot = Map<string, Float32Array>;

export function takeSnapshot(params: Param[]): Snapshot {
  const snap: Snapshot = new Map();
  for (const p of params) snap.set(p.name, p.kind === 'sparse' ? p.table.slice() : (p.value.dataSync() as Float32Array).slice());
  return snap;
}

export function restoreSnapshot(params: Param[], snap: Snapshot): void {
  for (const p of params) {
    const v = snap.get(p.name);
    if (!v) throw new NnError(`snapshot has no value for parameter "${p.name}"`);
    if (p.kind === 'sparse') p.table.set(v);
    else {
      const t = tf.tensor(v, p.value.shape);
      p.value.assign(t);
      t.dispose();
    }
  }
}
