import { describe, expect, it } from 'vitest';
import { blasInfo, setBlasThreads } from '../src/index.js';
import { built, skipReason } from './native-status.js';

describe('addon build status', () => {
  it('built, or a reason says why not (and CI requires it built)', () => {
    if (process.env.WINDOW_NER_REQUIRE_NATIVE === '1') expect(skipReason).toBeNull();
    if (built) {
      const info = blasInfo()!;
      expect(['OpenBLAS', 'Accelerate']).toContain(info.blas);
      expect(info.threads).toBeGreaterThanOrEqual(0);
      if (info.blas === 'OpenBLAS') {
        const before = info.threads;
        setBlasThreads(1);
        expect(blasInfo()!.threads).toBe(1);
        setBlasThreads(before);
      }
      expect(() => setBlasThreads(0)).toThrow(/integer >= 1, got 0/);
    } else {
      expect(skipReason).toMatch(/native kernels not built/);
      console.warn(`[tensor-blas tests] native tests skipped: ${skipReason}`);
    }
  });
});
