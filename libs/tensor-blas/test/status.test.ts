import { describe, expect, it } from 'vitest';
import { blasInfo } from '../src/index';
import { built, skipReason } from './native-status';

describe('addon build status', () => {
  it('built, or a reason says why not (and CI requires it built)', () => {
    if (process.env.WINDOW_NER_REQUIRE_NATIVE === '1') expect(skipReason).toBeNull();
    if (built) {
      const info = blasInfo()!;
      expect(['OpenBLAS', 'Accelerate']).toContain(info.blas);
      expect(info.threads).toBeGreaterThanOrEqual(0);
    } else {
      expect(skipReason).toMatch(/native kernels not built/);
      console.warn(`[tensor-blas tests] native tests skipped: ${skipReason}`);
    }
  });
});
