/**
 * A transition matrix [(L + 2) x L] (layout in linear-chain.ts) prepared once for the per-sequence algorithms a
 * tagger runs on every sentence (crfViterbi, crfMarginals): float64 copies of the scores, their exps, and which
 * pairs Viterbi must compare. A BIO-constrained decoder forbids most pairs into I-X (I-X follows only B-X or I-X),
 * so walking each tag's possible predecessors instead of all L skips 28 of CoNLL's 81 pairs, and when every tag
 * may precede j at one common score (an emission-only decoder's O and B-X) the previous column's best serves all
 * such j.
 */
import { NnError } from '../core/errors.js';

/** Per tag j, the tags i of its possible transitions i → j, increasing: list[start[j] .. start[j + 1]). */
export interface Predecessors {
  list: Int32Array;
  start: Int32Array;
}

function predecessors(L: number, possible: (i: number, j: number) => boolean): Predecessors {
  const list: number[] = [];
  const start = new Int32Array(L + 1);
  for (let j = 0; j < L; j++) {
    start[j] = list.length;
    for (let i = 0; i < L; i++) if (possible(i, j)) list.push(i);
  }
  start[L] = list.length;
  return { list: Int32Array.from(list), start };
}

export class CrfTransitions {
  readonly numTags: number;
  /** The scores as given, in float64. */
  readonly scores: Float64Array;
  /** exp of every score: 0 for a forbidden one (−Infinity) and for one below ~−745 (a BIO-invalid −10000). */
  readonly exp: Float64Array;
  /** Viterbi: per tag j, the tags i with T_ij > −Infinity. */
  readonly maxFrom: Predecessors;
  /**
   * Viterbi: 1 where every tag may precede j with one common score (an emission-only decoder's O and B-X): the
   * best predecessor is then the previous column's best, found once per position for all such columns.
   */
  readonly sharedMax: Uint8Array;

  constructor(T: ArrayLike<number>, numTags: number) {
    const L = numTags;
    if (T.length !== (L + 2) * L) throw new NnError(`crf transitions: expected (${L} + 2) x ${L} = ${(L + 2) * L} scores, got ${T.length}`);
    this.numTags = L;
    this.scores = Float64Array.from(T);
    this.exp = this.scores.map(Math.exp);
    const s = this.scores;
    this.maxFrom = predecessors(L, (i, j) => s[i * L + j] > -Infinity);
    this.sharedMax = new Uint8Array(L);
    for (let j = 0; j < L; j++) {
      let same = this.maxFrom.start[j + 1] - this.maxFrom.start[j] === L;
      for (let i = 1; i < L && same; i++) same = s[i * L + j] === s[j];
      this.sharedMax[j] = same ? 1 : 0;
    }
  }

  /** Were these exactly the scores given? (A caller's cache check: L² + 2L compares, no exps.) */
  matches(T: ArrayLike<number>): boolean {
    if (T.length !== this.scores.length) return false;
    for (let k = 0; k < T.length; k++) if (T[k] !== this.scores[k]) return false;
    return true;
  }
}

/** `T` itself when it is prepared already, else a prepared copy. */
export function prepareTransitions(T: ArrayLike<number> | CrfTransitions, numTags: number): CrfTransitions {
  if (T instanceof CrfTransitions) {
    if (T.numTags !== numTags) throw new NnError(`crf transitions: prepared for ${T.numTags} tags, used with ${numTags}`);
    return T;
  }
  return new CrfTransitions(T, numTags);
}
