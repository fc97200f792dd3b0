/**
 * float32 arrays <-> bytes, for SQLite BLOBs. Little-endian, no header: the shape is stored beside the BLOB.
 */
/** Copy a Float32Array's bytes into a Buffer (little-endian, as the platform; checked at load). */
export function float32ToBytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

/** Read float32 values from bytes; copies so the result is aligned and owns its memory. */
export function bytesToFloat32(b: Uint8Array, expectedLength?: number): Float32Array {
  if (b.byteLength % 4 !== 0) throw new RangeError(`bytesToFloat32: ${b.byteLength} bytes is not a multiple of 4`);
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new RangeError(`bytesToFloat32: expected ${expectedLength} values, got ${out.length}`);
  }
  return out;
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('@window-ner/tensor: big-endian platforms are not supported (BLOBs are little-endian)');
}
