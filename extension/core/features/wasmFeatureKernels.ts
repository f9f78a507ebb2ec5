/**
 * Driver of the WebAssembly SIMD feature kernels (extension/wasm/featureKernels.ts): one instance per
 * thread, created lazily, whose memory holds every working buffer of the block being computed (see
 * {@link FeatureScratch} in computeFeatureBlock.ts). The TypeScript kernels remain the reference and the
 * fallback: a call goes to WebAssembly only when all its arrays live in this memory
 * ({@link WasmFeatureKernels.owns}), so callers never pick a path explicitly.
 *
 * Memory map (byte offsets): [0, 64 Ki) module data; [64 Ki, 128 Ki) kernel coefficients (float32,
 * c_0 … c_{r−1}, cached per kernel); [128 Ki, 128 Ki + 1 Mi) per-call work area (kernel descriptors, tap
 * offsets, the float32 line of the x pass); above that the arena of {@link FeatureScratch}.
 */
import { featureKernelsWasmBase64 } from '../wasm/generated/featureKernelsWasm';
import { ensureWasmMemory, instantiateWasm, WASM_HEAP_BASE } from '../wasm/instantiateWasm';
import type { Box } from './box';
import type { Kernel1D } from './gaussianKernel';

interface KernelExports {
  memory: WebAssembly.Memory;
  convX(src: number, sz0: number, sy0: number, sx0: number, sny: number, snx: number,
    dz0: number, dy0: number, dx0: number, dnz: number, dny: number, dnx: number,
    n: number, R: number, nk: number, kdesc: number, line: number): void;
  convStrided(src: number, sz0: number, sy0: number, sx0: number, sny: number, snx: number, axis: number,
    dz0: number, dy0: number, dx0: number, dnz: number, dny: number, dnx: number,
    n: number, R: number, nk: number, kdesc: number, offs: number): void;
  multiply(a: number, b: number, out: number, n: number): void;
  map1(mode: number, a: number, b: number, c: number, e0: number, rowStride: number, sliceStride: number,
    nz: number, ny: number, nx: number, out: number): void;
  eigen2(xx: number, xy: number, yy: number, e0: number, rowStride: number, sliceStride: number,
    nz: number, ny: number, nx: number, out0: number, out1: number): void;
  eigen3(xx: number, xy: number, xz: number, yy: number, yz: number, zz: number, e0: number, rowStride: number,
    sliceStride: number, nz: number, ny: number, nx: number, out0: number, out1: number, out2: number): void;
}

const COEF_BASE = WASM_HEAP_BASE;
const COEF_END = COEF_BASE + 65536;
const WORK_BASE = COEF_END;
const WORK_BYTES = 1 << 20;
const KDESC_BYTES = 4096;
/** First arena byte. */
export const WASM_ARENA_BASE = WORK_BASE + WORK_BYTES;
/** Largest memory we ask for (wasm32 limit is 4 GiB; stay clear of it). */
const MAX_MEMORY_BYTES = 3.5 * 2 ** 30;

/** Element offset of the first target pixel, row stride and slice stride of `readBox` (target inside it). */
export interface ReadLayout { e0: number; rowStride: number; sliceStride: number }

/** A thread's WebAssembly feature kernels and their memory. */
export class WasmFeatureKernels {
  private readonly exports: KernelExports;
  private coefTop = COEF_BASE;
  private readonly coefficients = new Map<Kernel1D, number>();
  private f32: Float32Array;
  private i32: Int32Array;

  constructor() {
    this.exports = instantiateWasm<KernelExports>(featureKernelsWasmBase64);
    ensureWasmMemory(this.exports.memory, WASM_ARENA_BASE);
    this.f32 = new Float32Array(this.exports.memory.buffer);
    this.i32 = new Int32Array(this.exports.memory.buffer);
  }

  get memory(): WebAssembly.Memory {
    return this.exports.memory;
  }

  /** True when `array` is a view of this instance's memory (its byteOffset is then a wasm address). */
  owns(array: Float32Array): boolean {
    return array.buffer === this.exports.memory.buffer;
  }

  /**
   * Grows the memory to at least `bytes` (virtual until touched, so a generous reservation costs no RSS).
   * Detaches every view of the old memory: call only when no arena buffer is in use.
   * @returns false when the memory cannot grow that far
   */
  reserve(bytes: number): boolean {
    if (bytes > MAX_MEMORY_BYTES) return false;
    try {
      if (ensureWasmMemory(this.exports.memory, bytes)) {
        this.f32 = new Float32Array(this.exports.memory.buffer);
        this.i32 = new Int32Array(this.exports.memory.buffer);
      }
      return true;
    } catch {
      return false;
    }
  }

  private coefficientAddress(kernel: Kernel1D): number {
    let address = this.coefficients.get(kernel);
    if (address === undefined) {
      // The outer half c_0 … c_{r−1}: the kernels derive the centre (zero-sum form, see featureKernels.ts).
      const bytes = 4 * Math.max(4, kernel.radius + (-kernel.radius & 3));
      if (this.coefTop + bytes > COEF_END) {
        this.coefficients.clear();
        this.coefTop = COEF_BASE;
      }
      address = this.coefTop;
      this.f32.set(kernel.coefficients.subarray(0, kernel.radius), address / 4);
      this.coefTop += bytes;
      this.coefficients.set(kernel, address);
    }
    return address;
  }

  /**
   * One pass of convolveAxisMulti (same arguments, already checked) with every array in this memory.
   * @returns false when the pass does not fit the work area (the caller then runs the TypeScript pass)
   */
  convolve(source: Float32Array, sourceBox: Box, axis: 0 | 1 | 2, kernels: Kernel1D[], results: Float32Array[],
    resultBox: Box, n: number, radius: number): boolean {
    const nk = kernels.length;
    const kdescBytes = 16 * nk;
    const offsBytes = 4 * (2 * radius + 4);
    const lineBytes = 4 * (resultBox.nx + 2 * radius + 8);
    if (kdescBytes > KDESC_BYTES || KDESC_BYTES + offsBytes + lineBytes > WORK_BYTES) return false;
    // Coefficients first: clearing the cache must not invalidate descriptors already written.
    const coef = kernels.map((k) => this.coefficientAddress(k));
    const d = WORK_BASE / 4;
    for (let k = 0; k < nk; k++) {
      this.i32[d + 4 * k] = results[k].byteOffset;
      this.i32[d + 4 * k + 1] = kernels[k].radius;
      this.i32[d + 4 * k + 2] = kernels[k].order;
      this.i32[d + 4 * k + 3] = coef[k];
    }
    const s = sourceBox, r = resultBox, work = WORK_BASE + KDESC_BYTES;
    if (axis === 2) {
      this.exports.convX(source.byteOffset, s.z0, s.y0, s.x0, s.ny, s.nx, r.z0, r.y0, r.x0, r.nz, r.ny, r.nx, n, radius, nk, WORK_BASE, work);
    } else {
      this.exports.convStrided(source.byteOffset, s.z0, s.y0, s.x0, s.ny, s.nx, axis, r.z0, r.y0, r.x0, r.nz, r.ny, r.nx, n, radius, nk, WORK_BASE, work);
    }
    return true;
  }

  /** out[e] = a[e]·b[e], e < n. */
  multiply(a: Float32Array, b: Float32Array, out: Float32Array, n: number): void {
    this.exports.multiply(a.byteOffset, b.byteOffset, out.byteOffset, n);
  }

  /** Scalar channel (mode as computeFeatureBlock's MODE_*, not copy) into contiguous target-layout `out`. */
  map1(mode: number, a: Float32Array, b: Float32Array, c: Float32Array, layout: ReadLayout, target: Box, out: Float32Array): void {
    this.exports.map1(mode, a.byteOffset, b.byteOffset, c.byteOffset, layout.e0, layout.rowStride, layout.sliceStride,
      target.nz, target.ny, target.nx, out.byteOffset);
  }

  /** Eigenvalues of 2×2 tensors into two contiguous target-layout planes. */
  eigen2(xx: Float32Array, xy: Float32Array, yy: Float32Array, layout: ReadLayout, target: Box, out0: Float32Array, out1: Float32Array): void {
    this.exports.eigen2(xx.byteOffset, xy.byteOffset, yy.byteOffset, layout.e0, layout.rowStride, layout.sliceStride,
      target.nz, target.ny, target.nx, out0.byteOffset, out1.byteOffset);
  }

  /** Eigenvalues of 3×3 tensors into three contiguous target-layout planes. */
  eigen3(t: Float32Array[], layout: ReadLayout, target: Box, out: Float32Array[]): void {
    this.exports.eigen3(t[0].byteOffset, t[1].byteOffset, t[2].byteOffset, t[3].byteOffset, t[4].byteOffset, t[5].byteOffset,
      layout.e0, layout.rowStride, layout.sliceStride, target.nz, target.ny, target.nx, out[0].byteOffset, out[1].byteOffset, out[2].byteOffset);
  }
}

let instance: WasmFeatureKernels | null | undefined;

/**
 * This thread's kernels, instantiated on first use; null when WebAssembly (with SIMD) is unavailable.
 */
export function wasmFeatureKernels(): WasmFeatureKernels | null {
  if (instance === undefined) {
    try {
      instance = new WasmFeatureKernels();
    } catch {
      instance = null;
    }
  }
  return instance;
}

/** The instance if one exists (never instantiates): used to route calls on arrays it owns. */
export function existingWasmFeatureKernels(): WasmFeatureKernels | null {
  return instance ?? null;
}

/** Drops this thread's instance and its memory (the next use creates a fresh one). No buffer may be in use. */
export function releaseWasmFeatureKernels(): void {
  if (instance) instance = undefined;
}
