import { describe, expect, it } from 'vitest';
import { bytesToFloat32, float32ToBytes } from './bytes.js';

/** Bit patterns that must survive: ±0, ±Inf, quiet and signalling-style NaNs with payloads, denormals, extremes. */
const PATTERNS = [0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, 0x7fbfffff, 0x00000001, 0x807fffff, 0x7f7fffff, 0x3f800000];

describe('float32 <-> bytes', () => {
  it('round-trips every bit pattern exactly (NaN payloads, -0, ±Inf, denormals)', () => {
    const a = new Float32Array(new Uint32Array(PATTERNS).buffer);
    const bytes = float32ToBytes(a);
    expect(bytes.byteLength).toBe(4 * PATTERNS.length);
    const back = bytesToFloat32(bytes, PATTERNS.length);
    expect([...new Uint32Array(back.buffer)]).toEqual(PATTERNS);
    expect(Object.is(back[1], -0)).toBe(true);
  });

  it('is little-endian with no header', () => {
    expect([...float32ToBytes(new Float32Array([1]))]).toEqual([0x00, 0x00, 0x80, 0x3f]);
  });

  it('handles views with a byte offset on both sides, and copies (no aliasing)', () => {
    const big = new Float32Array([9, 1.5, -2.25, 3, 9]);
    const bytes = float32ToBytes(big.subarray(1, 4));
    expect([...bytesToFloat32(bytes)]).toEqual([1.5, -2.25, 3]);
    const padded = new Uint8Array(3 + bytes.byteLength);
    padded.set(bytes, 3);
    const back = bytesToFloat32(padded.subarray(3)); // unaligned source
    expect([...back]).toEqual([1.5, -2.25, 3]);
    big[1] = 100;
    expect(bytesToFloat32(bytes)[0]).toBe(1.5);
  });

  it('rejects a length that is not a multiple of 4, and a wrong expected length', () => {
    expect(() => bytesToFloat32(new Uint8Array(7))).toThrow(/7 bytes is not a multiple of 4/);
    expect(() => bytesToFloat32(new Uint8Array(8), 3)).toThrow(/expected 3 values, got 2/);
    expect(bytesToFloat32(new Uint8Array(0)).length).toBe(0);
  });
});
