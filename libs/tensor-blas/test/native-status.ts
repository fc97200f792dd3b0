/**
 * Shared by the tests: whether the addon built here, and how to skip visibly when it did not.
 * Skipping is only for machines without a BLAS; set WINDOW_NER_REQUIRE_NATIVE=1 (CI) to make a missing
 * addon a failure instead of a skip.
 */
import { nativeAddon, nativeLoadError } from '../src/index.js';

export const built = nativeAddon() !== null;
export const skipReason = nativeLoadError();
/** Title suffix that makes the skip reason show up in vitest's output. */
export const titled = (title: string): string => (built ? title : `${title} — SKIPPED: ${skipReason}`);
