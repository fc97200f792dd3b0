/**
 * The inner loop of the fast tagging path — pre[t] = bias + Σ_p block(t, p), optionally followed by relu — as a
 * tiny hand-assembled WebAssembly SIMD function (f32x4), about 4x the scalar JS loop. The projection blocks live
 * in the module's memory so nothing is copied per call. Falls back to a JS loop where wasm SIMD is unavailable.
 *
 * Signature: gsum(preP, biasP, offP, n, hBytes, widthBytes, relu, blocksP). offP points at n * width i32 float
 * offsets into the blocks, one per (token, window position): where that position's H floats start. H must be a
 * multiple of 4.
 */

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

function name(s: string): number[] {
  const b = [...Buffer.from(s, 'utf8')];
  return [...leb(b.length), ...b];
}

// Opcodes (WebAssembly core + SIMD proposal, final numbering).
const GET = 0x20, SET = 0x21, I32C = 0x41, ADD = 0x6a, GE_U = 0x4f, BLOCK = 0x02, LOOP = 0x03, IF = 0x04, END = 0x0b;
const BR = 0x0c, BR_IF = 0x0d, VOID = 0x40, I32_LOAD = [0x28, 2, 0], SHL = 0x74;
const V128_LOAD = [0xfd, 0x00, 0, 0], V128_STORE = [0xfd, 0x0b, 0, 0], V128_ZERO = [0xfd, 0x0c, ...new Array(16).fill(0)];
const F32X4_ADD = [0xfd, ...leb(0xe4)], F32X4_MAX = [0xfd, ...leb(0xe9)], F32X4_MUL = [0xfd, ...leb(0xe6)];
const LANE = (i: number) => [0xfd, 0x1f, i], F32_ADD = 0x92, F32_LOAD = [0x2a, 2, 0], F32_STORE = [0x38, 2, 0];
// Params 0..7: preP biasP offP n hBytes widthBytes relu blocksP; locals 8 t, 9 h, 10 (unused), 11 offRow, 12 outP
// (i32), 13 acc (v128), 14.. one address per window position.
const [PRE, BIAS, OFF, N, HB, WB, RELU, BASE, T, H, P, ROW, OUT, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];

/**
 * The module, specialised for a window width: the per-position addresses of a token are loaded once into
 * locals and the position loop is unrolled, so the inner loop is width loads + adds per 4 floats.
 */
function moduleBytes(width: number): Uint8Array {
  const ADDR = ACC + 1;
  const loadAddrs: number[] = [];
  const addAll: number[] = [];
  for (let p = 0; p < width; p++) {
    loadAddrs.push(GET, ROW, 0x28, 2, ...leb(4 * p), I32C, 2, SHL, GET, BASE, ADD, SET, ADDR + p);
    addAll.push(GET, ADDR + p, GET, H, ADD, ...V128_LOAD, ...F32X4_ADD);
  }
  const body = [
    GET, PRE, SET, OUT, GET, OFF, SET, ROW, I32C, 0, SET, T,
    BLOCK, VOID, LOOP, VOID,
    GET, T, GET, N, GE_U, BR_IF, 1,
    ...loadAddrs,
    I32C, 0, SET, H,
    BLOCK, VOID, LOOP, VOID,
    GET, H, GET, HB, GE_U, BR_IF, 1,
    GET, BIAS, GET, H, ADD, ...V128_LOAD,
    ...addAll,
    SET, ACC,
    GET, RELU, IF, VOID, GET, ACC, ...V128_ZERO, ...F32X4_MAX, SET, ACC, END,
    GET, OUT, GET, H, ADD, GET, ACC, ...V128_STORE,
    GET, H, I32C, 16, ADD, SET, H,
    BR, 0, END, END,
    GET, OUT, GET, HB, ADD, SET, OUT,
    GET, ROW, GET, WB, ADD, SET, ROW,
    GET, T, I32C, 1, ADD, SET, T,
    BR, 0, END, END,
    END,
  ];
  const locals = [3, 5, 0x7f, 1, 0x7b, ...leb(width), 0x7f];
  const func = [...leb(locals.length + body.length), ...locals, ...body];
  const out = outputLayerBody();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 8, ...new Array(8).fill(0x7f), 0, 0x60, 7, ...new Array(7).fill(0x7f), 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...name('gsum'), 0x00, 0, ...name('gout'), 0x00, 1]),
    ...section(10, [2, ...func, ...out]),
  ]);
}

/**
 * gout(scoresP, aP, n, hBytes, C, utP, biasP): scores[t, c] = Σ_h a[t, h] · Ut[c, h] + bias[c] (the output layer,
 * Ut = Uᵀ row-major), f32x4 multiply-adds then a horizontal sum.
 */
function outputLayerBody(): number[] {
  // Params 0..6; locals 7 t, 8 c, 9 h, 10 aRow, 11 sOut, 12 uRow (i32), 13 acc (v128).
  const [S, A, N, HB, C, UT, B, T, CI, H, AROW, SOUT, UROW, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const body = [
    GET, S, SET, SOUT, GET, A, SET, AROW, I32C, 0, SET, T,
    BLOCK, VOID, LOOP, VOID,
    GET, T, GET, N, GE_U, BR_IF, 1,
    I32C, 0, SET, CI, GET, UT, SET, UROW,
    BLOCK, VOID, LOOP, VOID,
    GET, CI, GET, C, GE_U, BR_IF, 1,
    ...V128_ZERO, SET, ACC, I32C, 0, SET, H,
    BLOCK, VOID, LOOP, VOID,
    GET, H, GET, HB, GE_U, BR_IF, 1,
    GET, ACC, GET, AROW, GET, H, ADD, ...V128_LOAD, GET, UROW, GET, H, ADD, ...V128_LOAD, ...F32X4_MUL, ...F32X4_ADD, SET, ACC,
    GET, H, I32C, 16, ADD, SET, H,
    BR, 0, END, END,
    GET, SOUT,
    GET, ACC, ...LANE(0), GET, ACC, ...LANE(1), F32_ADD, GET, ACC, ...LANE(2), F32_ADD, GET, ACC, ...LANE(3), F32_ADD,
    GET, B, GET, CI, I32C, 2, SHL, ADD, ...F32_LOAD, F32_ADD,
    ...F32_STORE,
    GET, SOUT, I32C, 4, ADD, SET, SOUT,
    GET, UROW, GET, HB, ADD, SET, UROW,
    GET, CI, I32C, 1, ADD, SET, CI,
    BR, 0, END, END,
    GET, AROW, GET, HB, ADD, SET, AROW,
    GET, T, I32C, 1, ADD, SET, T,
    BR, 0, END, END,
    END,
  ];
  const locals = [2, 6, 0x7f, 1, 0x7b];
  return [...leb(locals.length + body.length), ...locals, ...body];
}

/** The few WebAssembly APIs used (the repo's TS lib has no DOM/WebAssembly typings). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

type GSum = (preP: number, biasP: number, offP: number, n: number, hBytes: number, widthBytes: number, relu: number, blocksP: number) => void;
type GOut = (scoresP: number, aP: number, n: number, hBytes: number, C: number, utP: number, biasP: number) => void;

/** The output layer s = Uᵀa + c, handed to BlockSum so relu models score entirely inside the module. */
export interface OutputLayer {
  /** U as stored by the MLP: [H, C] row-major. */
  U: Float32Array;
  bias: Float32Array;
  C: number;
}

const compiled = new Map<number, object | null>();

function compile(width: number): object | null {
  if (!compiled.has(width)) {
    try {
      compiled.set(width, wasm ? new wasm.Module(moduleBytes(width)) : null);
    } catch {
      compiled.set(width, null); // no wasm SIMD here: the JS loop is used
    }
  }
  return compiled.get(width) ?? null;
}

const PAGE = 65536;

/**
 * Owns the projection blocks (growable) and the per-call scratch. Layout of the memory:
 * [bias: H][Uᵀ: C x H][output bias: C][blocks: grows][scratch: offsets, pre, scores per call]. Growing the blocks
 * moves only scratch.
 */
export class BlockSum {
  private readonly memory: WasmMemory | null;
  private readonly gsum: GSum | null;
  private readonly gout: GOut | null;
  private readonly utByte: number;
  private readonly outBiasByte: number;
  private buffer: ArrayBuffer;
  private blocksFloats = 0;
  private readonly blocksByte: number;
  /** The projection blocks (a view into the module memory; re-fetch after ensureBlocks). */
  blocks: Float32Array;

  constructor(
    readonly H: number,
    readonly width: number,
    bias: Float32Array,
    useWasm = true,
    private readonly output: OutputLayer | null = null,
  ) {
    const mod = useWasm && H % 4 === 0 ? compile(width) : null;
    const align = (b: number) => Math.ceil(b / 16) * 16;
    const C = output?.C ?? 0;
    this.utByte = align(H * 4);
    this.outBiasByte = this.utByte + align(C * H * 4);
    this.blocksByte = this.outBiasByte + align(C * 4);
    if (mod && wasm) {
      this.memory = new wasm.Memory({ initial: Math.ceil((this.blocksByte + 1) / PAGE) });
      const inst = new wasm.Instance(mod, { env: { memory: this.memory } });
      this.gsum = inst.exports.gsum as GSum;
      this.gout = inst.exports.gout as GOut;
      this.buffer = this.memory.buffer;
    } else {
      this.memory = null;
      this.gsum = null;
      this.gout = null;
      this.buffer = new ArrayBuffer(this.blocksByte);
    }
    new Float32Array(this.buffer, 0, H).set(bias);
    if (output) {
      const ut = new Float32Array(this.buffer, this.utByte, C * H);
      for (let h = 0; h < H; h++) for (let c = 0; c < C; c++) ut[c * H + h] = output.U[h * C + c];
      new Float32Array(this.buffer, this.outBiasByte, C).set(output.bias);
    }
    this.blocks = new Float32Array(this.buffer, this.blocksByte, 0);
  }

  get simd(): boolean {
    return this.gsum !== null;
  }

  private ensureBytes(bytes: number): void {
    if (bytes <= this.buffer.byteLength) return;
    if (this.memory) {
      this.memory.grow(Math.ceil((bytes - this.buffer.byteLength) / PAGE));
      this.buffer = this.memory.buffer;
    } else {
      const grown = new ArrayBuffer(Math.max(bytes, this.buffer.byteLength * 2));
      new Uint8Array(grown).set(new Uint8Array(this.buffer));
      this.buffer = grown;
    }
    this.blocks = new Float32Array(this.buffer, this.blocksByte, this.blocksFloats);
  }

  /**
   * Views of the layer values kept in front of the blocks — hidden bias (H), Uᵀ (C x H), output bias (C) — for a
   * scorer outside the module (the native backend's). Fresh views: growing the memory detaches older ones.
   */
  layer(): { bias: Float32Array; ut: Float32Array; outBias: Float32Array } {
    const C = this.output?.C ?? 0;
    return {
      bias: new Float32Array(this.buffer, 0, this.H),
      ut: new Float32Array(this.buffer, this.utByte, C * this.H),
      outBias: new Float32Array(this.buffer, this.outBiasByte, C),
    };
  }

  /** Whether scores() can run the whole relu + output layer in the module. */
  get fullScoring(): boolean {
    return this.gout !== null && this.output !== null;
  }

  /** relu(pre) · U + c for every token (n x C), entirely in the module. Returns a fresh array. */
  scores(floatOffsets: Int32Array, n: number): Float32Array {
    if (!this.gout || !this.output) throw new Error('BlockSum.scores: needs wasm SIMD and an output layer');
    const pre = this.sum(floatOffsets, n, true);
    const C = this.output.C;
    // Byte positions, read before ensureBytes: growing the memory detaches `pre` (its byteOffset becomes 0).
    const preByte = pre.byteOffset;
    const sByte = preByte + Math.ceil(pre.byteLength / 16) * 16;
    this.ensureBytes(sByte + n * C * 4);
    this.gout(sByte, preByte, n, this.H * 4, C, this.utByte, this.outBiasByte);
    return new Float32Array(this.buffer, sByte, n * C).slice();
  }

  /** Make room for `floats` block values (existing values are kept). */
  ensureBlocks(floats: number): void {
    if (floats <= this.blocksFloats) return;
    const size = Math.max(floats, Math.ceil(this.blocksFloats * 1.5));
    this.ensureBytes(this.blocksByte + size * 4);
    this.blocksFloats = size;
    this.blocks = new Float32Array(this.buffer, this.blocksByte, size);
  }

  /**
   * pre[t] = bias + Σ_p blocks[start(t, p) .. +H] with start(t, p) = floatOffsets[t * width + p]; relu optional.
   * The result is a view of the scratch area: valid until the next call (copy it to keep it).
   */
  sum(floatOffsets: Int32Array, n: number, relu: boolean): Float32Array {
    const { H, width } = this;
    const scratch = this.blocksByte + Math.ceil((this.blocksFloats * 4) / 16) * 16;
    const offBytes = Math.ceil((n * width * 4) / 16) * 16;
    this.ensureBytes(scratch + offBytes + n * H * 4);
    if (this.gsum) {
      new Int32Array(this.buffer, scratch, n * width).set(floatOffsets.subarray(0, n * width));
      this.gsum(scratch + offBytes, 0, scratch, n, H * 4, width * 4, relu ? 1 : 0, this.blocksByte);
      return new Float32Array(this.buffer, scratch + offBytes, n * H);
    }
    const B = this.blocks;
    const bias = new Float32Array(this.buffer, 0, H);
    const pre = new Float32Array(n * H);
    for (let t = 0; t < n; t++) {
      const o = t * H;
      for (let h = 0; h < H; h++) pre[o + h] = bias[h];
      for (let p = 0; p < width; p++) {
        const op = floatOffsets[t * width + p];
        for (let h = 0; h < H; h++) pre[o + h] += B[op + h];
      }
      if (relu) for (let h = 0; h < H; h++) if (!(pre[o + h] > 0)) pre[o + h] = 0;
    }
    return pre;
  }
}
