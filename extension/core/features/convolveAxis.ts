/**
 * One separable 1-D convolution pass along z, y or x over a sub-volume, with vigra's
 * BORDER_TREATMENT_REFLECT at the image edges (mirror without repeating the edge pixel:
 * … c b | a b c …, numpy.pad 'reflect').
 *
 * The pass is "valid" inside the source box: every result pixel is computed from source pixels
 * that exist (directly, or mirrored at a true image edge), never from padding at a block edge.
 * So a block computed from a large-enough source box equals the whole-image result bit for bit:
 * each result pixel sees the same inputs in the same arithmetic order wherever the block lies.
 */
import type { Box, VolumeShape } from './box';
import type { Kernel1D } from './gaussianKernel';
import { existingWasmFeatureKernels } from './wasmFeatureKernels';

/** Axis index: 0 = z (slices), 1 = y (rows), 2 = x (columns). */
export type Axis = 0 | 1 | 2;

/** Mirror index i into [0, n) (reflect without repeating the edge); requires |overshoot| < n. */
function mirror(i: number, n: number): number {
  return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
}

let lineBuffer = new Float64Array(4096);
let offsetBuffer = new Int32Array(256);

/**
 * Convolves `source` (covering `sourceBox`) along `axis` with `kernel` and writes the pixels of
 * `resultBox` into `result` (layout [z][y][x] of `resultBox`).
 *
 * Requirements (checked): `resultBox` lies inside `sourceBox` on the two other axes, and along
 * `axis` the source covers every tap after mirroring at the image edge (i.e. the result box grown by
 * the kernel radius, clipped to the image). The kernel radius must be < the image length along
 * `axis` (vigra's "kernel longer than line").
 *
 * Arithmetic: float64 accumulation, symmetric taps folded (k·(a+b) / k·(a−b)), rounded to float32.
 */
export function convolveAxis(
  source: Float32Array, sourceBox: Box, axis: Axis, kernel: Kernel1D,
  result: Float32Array, resultBox: Box, image: VolumeShape,
): Float32Array {
  convolveAxisMulti(source, sourceBox, axis, [kernel], [result], resultBox, image);
  return result;
}

/**
 * {@link convolveAxis} with several kernels on the same source in one sweep (e.g. G, ∂ and ∂² along
 * x): each source row is gathered once and stays in L1 for every kernel. `results[i]` receives
 * `kernels[i]`. Same values as separate calls, bit for bit.
 *
 * When the source and every result are views of the WebAssembly kernels' memory (wasmFeatureKernels.ts),
 * the pass runs there (float64x2 SIMD, identical values); each result then needs one float of padding
 * after its box (FeatureScratch's buffers have it) and the source rows one readable float past their end.
 */
export function convolveAxisMulti(
  source: Float32Array, sourceBox: Box, axis: Axis, kernels: Kernel1D[],
  results: Float32Array[], resultBox: Box, image: VolumeShape,
): void {
  const n = axis === 0 ? image.z : axis === 1 ? image.y : image.x;
  let radius = 0;
  for (const k of kernels) radius = Math.max(radius, k.radius);
  if (radius >= n) throw new RangeError(`kernel radius ${radius} is too long for an image axis of length ${n}`);
  checkCoverage(sourceBox, resultBox, axis, radius, n);
  const volume = resultBox.nz * resultBox.ny * resultBox.nx;
  for (const r of results) if (r.length < volume) throw new RangeError('result array too small for its box');
  // Arrays in the WebAssembly kernels' memory (FeatureScratch's arena) take the SIMD pass: same
  // arithmetic, same values bit for bit.
  const wasm = existingWasmFeatureKernels();
  if (wasm && wasm.owns(source) && results.every((r) => wasm.owns(r))
    && wasm.convolve(source, sourceBox, axis, kernels, results, resultBox, n, radius)) return;
  if (axis === 2) convolveX(source, sourceBox, kernels, results, resultBox, n, radius);
  else convolveStrided(source, sourceBox, axis, kernels, results, resultBox, n, radius);
}

function checkCoverage(s: Box, d: Box, axis: Axis, r: number, n: number): void {
  const sLo = [s.z0, s.y0, s.x0], sN = [s.nz, s.ny, s.nx], dLo = [d.z0, d.y0, d.x0], dN = [d.nz, d.ny, d.nx];
  for (let a = 0; a < 3; a++) {
    let lo = dLo[a], hi = dLo[a] + dN[a];
    if (a === axis) {
      // Mirrored taps of the first/last result pixels.
      lo = Math.max(0, lo - r);
      hi = Math.min(n, hi + r);
      if (dLo[a] - r < 0) hi = Math.max(hi, Math.min(n, r - dLo[a] + 1));
      if (dLo[a] + dN[a] + r > n) lo = Math.min(lo, Math.max(0, 2 * (n - 1) - (dLo[a] + dN[a] - 1 + r)));
    }
    if (lo < sLo[a] || hi > sLo[a] + sN[a]) {
      throw new RangeError(`convolveAxis: source box does not cover the result box along axis ${'zyx'[a]}`);
    }
  }
}

function convolveX(src: Float32Array, sb: Box, kernels: Kernel1D[], dsts: Float32Array[], db: Box, n: number, R: number): void {
  const nx = db.nx, len = nx + 2 * R;
  if (lineBuffer.length < len) lineBuffer = new Float64Array(len * 2);
  const line = lineBuffer;
  const startX = db.x0 - R;
  const direct = startX >= 0 && startX + len <= n;
  const nk = kernels.length;
  for (let z = 0; z < db.nz; z++) {
    for (let y = 0; y < db.ny; y++) {
      const srcRow = ((db.z0 + z - sb.z0) * sb.ny + (db.y0 + y - sb.y0)) * sb.nx - sb.x0;
      if (direct) copyRow(src, srcRow + startX, line, len);
      else mirrorRow(src, srcRow, line, startX, len, n);
      const o = (z * db.ny + y) * nx;
      for (let k = 0; k < nk; k++) {
        const kernel = kernels[k], dst = dsts[k], r = kernel.radius, c = kernel.coefficients;
        const b = R - r; // this kernel's first tap in the line
        if (kernel.order === 1) {
          if (r === 1) rowOdd1(line, b, dst, o, nx, c[0]);
          else if (r === 2) rowOdd2(line, b, dst, o, nx, c[0], c[1]);
          else rowOdd(line, b, dst, o, nx, c, r);
        } else if (r === 1) rowEven1(line, b, dst, o, nx, c[0], c[1]);
        else if (r === 2) rowEven2(line, b, dst, o, nx, c[0], c[1], c[2]);
        else rowEven(line, b, dst, o, nx, c, r);
      }
    }
  }
}

function copyRow(src: Float32Array, from: number, line: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) line[i] = src[from + i];
}

function mirrorRow(src: Float32Array, srcRow: number, line: Float64Array, startX: number, len: number, n: number): void {
  for (let i = 0; i < len; i++) line[i] = src[srcRow + mirror(startX + i, n)];
}

// Row kernels along x: one small monomorphic function per case so V8 optimises each tightly.
// `l` is the gathered line, `b` the index of this kernel's first tap for output 0.
function rowOdd1(l: Float64Array, b: number, d: Float32Array, o: number, nx: number, c0: number): void {
  for (let i = 0; i < nx; i++) d[o + i] = c0 * (l[b + i] - l[b + i + 2]);
}
function rowOdd2(l: Float64Array, b: number, d: Float32Array, o: number, nx: number, c0: number, c1: number): void {
  for (let i = 0; i < nx; i++) {
    const j = b + i;
    d[o + i] = c0 * (l[j] - l[j + 4]) + c1 * (l[j + 1] - l[j + 3]);
  }
}
function rowOdd(l: Float64Array, b: number, d: Float32Array, o: number, nx: number, c: Float64Array, r: number): void {
  const r2 = 2 * r;
  for (let i = 0; i < nx; i++) {
    const j = b + i;
    let s = 0;
    for (let t = 0; t < r; t++) s += c[t] * (l[j + t] - l[j + r2 - t]);
    d[o + i] = s;
  }
}
function rowEven1(l: Float64Array, b: number, d: Float32Array, o: number, nx: number, c0: number, c1: number): void {
  for (let i = 0; i < nx; i++) {
    const j = b + i;
    d[o + i] = c1 * l[j + 1] + c0 * (l[j] + l[j + 2]);
  }
}
function rowEven2(l: Float64Array, b: number, d: Float32Array, o: number, nx: number, c0: number, c1: number, c2: number): void {
  for (let i = 0; i < nx; i++) {
    const j = b + i;
    d[o + i] = c2 * l[j + 2] + c0 * (l[j] + l[j + 4]) + c1 * (l[j + 1] + l[j + 3]);
  }
}
function rowEven(l: Float64Array, b: number, d: Float32Array, o: number, nx: number, c: Float64Array, r: number): void {
  const r2 = 2 * r, cr = c[r];
  for (let i = 0; i < nx; i++) {
    const j = b + i;
    let s = cr * l[j + r];
    for (let t = 0; t < r; t++) s += c[t] * (l[j + t] + l[j + r2 - t]);
    d[o + i] = s;
  }
}

function convolveStrided(src: Float32Array, sb: Box, axis: 0 | 1, kernels: Kernel1D[], dsts: Float32Array[], db: Box, n: number, R: number): void {
  const taps = 2 * R + 1;
  if (offsetBuffer.length < taps) offsetBuffer = new Int32Array(taps * 2);
  const off = offsetBuffer;
  const nx = db.nx, nk = kernels.length;
  for (let z = 0; z < db.nz; z++) {
    for (let y = 0; y < db.ny; y++) {
      const iz = db.z0 + z, iy = db.y0 + y;
      for (let t = 0; t < taps; t++) {
        const zz = axis === 0 ? mirror(iz - R + t, n) : iz;
        const yy = axis === 1 ? mirror(iy - R + t, n) : iy;
        off[t] = ((zz - sb.z0) * sb.ny + (yy - sb.y0)) * sb.nx + (db.x0 - sb.x0);
      }
      const o = (z * db.ny + y) * nx;
      for (let k = 0; k < nk; k++) {
        const kernel = kernels[k], dst = dsts[k], r = kernel.radius, c = kernel.coefficients;
        const b = R - r; // this kernel's first tap in `off`
        if (kernel.order === 1) {
          if (r === 1) colOdd1(src, off[b], off[b + 2], dst, o, nx, c[0]);
          else if (r === 2) colOdd2(src, off[b], off[b + 1], off[b + 3], off[b + 4], dst, o, nx, c[0], c[1]);
          else colOdd(src, off, b, dst, o, nx, c, r);
        } else if (r === 1) colEven1(src, off[b], off[b + 1], off[b + 2], dst, o, nx, c[0], c[1]);
        else if (r === 2) colEven2(src, off[b], off[b + 1], off[b + 2], off[b + 3], off[b + 4], dst, o, nx, c[0], c[1], c[2]);
        else colEven(src, off, b, dst, o, nx, c, r);
      }
    }
  }
}

// Kernels across rows/slices: tap t reads the source row starting at off[t]; x is contiguous.
function colOdd1(s: Float32Array, a: number, b: number, d: Float32Array, o: number, nx: number, c0: number): void {
  for (let i = 0; i < nx; i++) d[o + i] = c0 * (s[a + i] - s[b + i]);
}
function colOdd2(s: Float32Array, a0: number, a1: number, b1: number, b0: number, d: Float32Array, o: number, nx: number, c0: number, c1: number): void {
  for (let i = 0; i < nx; i++) d[o + i] = c0 * (s[a0 + i] - s[b0 + i]) + c1 * (s[a1 + i] - s[b1 + i]);
}
function colEven1(s: Float32Array, a: number, m: number, b: number, d: Float32Array, o: number, nx: number, c0: number, c1: number): void {
  for (let i = 0; i < nx; i++) d[o + i] = c1 * s[m + i] + c0 * (s[a + i] + s[b + i]);
}
function colEven2(s: Float32Array, a0: number, a1: number, m: number, b1: number, b0: number, d: Float32Array, o: number, nx: number,
  c0: number, c1: number, c2: number): void {
  for (let i = 0; i < nx; i++) d[o + i] = c2 * s[m + i] + c0 * (s[a0 + i] + s[b0 + i]) + c1 * (s[a1 + i] + s[b1 + i]);
}
function colOdd(s: Float32Array, off: Int32Array, b: number, d: Float32Array, o: number, nx: number, c: Float64Array, r: number): void {
  const r2 = 2 * r;
  for (let i = 0; i < nx; i++) {
    let acc = 0;
    for (let t = 0; t < r; t++) acc += c[t] * (s[off[b + t] + i] - s[off[b + r2 - t] + i]);
    d[o + i] = acc;
  }
}
function colEven(s: Float32Array, off: Int32Array, b: number, d: Float32Array, o: number, nx: number, c: Float64Array, r: number): void {
  const r2 = 2 * r, m = off[b + r], cr = c[r];
  for (let i = 0; i < nx; i++) {
    let acc = cr * s[m + i];
    for (let t = 0; t < r; t++) acc += c[t] * (s[off[b + t] + i] + s[off[b + r2 - t] + i]);
    d[o + i] = acc;
  }
}
