/**
 * A seeded normal generator for the tests (a local copy so tensor-blas does not depend on @window-ner/tensor,
 * which depends on it: that would be a cycle in the project graph).
 */
export function seededNormal(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export const randnArray = (normal: () => number, n: number): Float32Array => Float32Array.from({ length: n }, normal);
