/** Vectors are stored as float32 little-endian BLOBs (the format is fixed, whatever the machine's endianness). */
import { endianness } from 'node:os';

const LITTLE = endianness() === 'LE';

export function vectorToBlob(vec: ArrayLike<number>): Buffer {
  const buf = Buffer.allocUnsafe(vec.length * 4);
  if (LITTLE && vec instanceof Float32Array) {
    Buffer.from(vec.buffer, vec.byteOffset, vec.byteLength).copy(buf);
    return buf;
  }
  for (let i = 0; i < vec.length; i++) buf.writeFloatLE(vec[i], i * 4);
  return buf;
}

export function blobToVector(blob: Uint8Array): Float32Array {
  const out = new Float32Array(blob.byteLength / 4);
  if (LITTLE) {
    new Uint8Array(out.buffer).set(blob);
    return out;
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
