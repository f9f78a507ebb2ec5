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

let lineBuffer = new Float32Array(4096);
let offsetBuffer = new Int32Array(256);
const f = Math.fround;

/** The outer half c_0 … c_{r−1} of a kernel's coefficients as float32 (what the arithmetic uses), cached. */
const outerCoefficients = new WeakMap<Kernel1D, Float32Array>();
function outerHalf(kernel: Kernel1D): Float32Array {
  let c = outerCoefficients.get(kernel);
  if (!c) {
    c = Float32Array.from(kernel.coefficients.subarray(0, kernel.radius));
    outerCoefficients.set(kernel, c);
  }
  return c;
}

/**
 * Convolves `source` (covering `sourceBox`) along `axis` with `kernel` and writes the pixels of
 * `resultBox` into `result` (layout [z][y][x] of `resultBox`).
 *
 * Requirements (checked): `resultBox` lies inside `sourceBox` on the two other axes, and along
 * `axis` the source covers every tap after mirroring at the image edge (i.e. the result box grown by
 * the kernel radius, clipped to the image). The kernel radius must be < the image length along
 * `axis` (vigra's "kernel longer than line").
 *
 * Arithmetic (issue #18): float32, every operation rounded (Math.fround) in a fixed order, so the
 * WebAssembly float32x4 kernels give the same values bit for bit. Taps are folded and taken relative to the
 * centre tap m: even kernels (Gaussian, 2nd derivative; their weights sum to 1 resp. 0) compute
 * [m +] Σ_t c_t·((a_t − m) + (b_t − m)) (the differences are exact where the image is smooth), odd kernels Σ_t c_t·(a_t − b_t), t from the outermost pair inwards.
 * Zero-sum by construction, the rounding error scales with the local variation, not the image level.
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
 * the pass runs there (float32x4 SIMD, identical values); each result then needs three floats of padding
 * after its box (FeatureScratch's buffers have four) and the source rows three readable floats past their end.
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
  if (lineBuffer.length < len) lineBuffer = new Float32Array(len * 2);
  const line = lineBuffer;
  const startX = db.x0 - R;
  const direct = startX >= 0 && startX + len <= n;
  const nk = kernels.length;
  for (let z = 0; z < db.nz; z++) {
    for (let y = 0; y < db.ny; y++) {
      const srcRow = ((db.z0 + z - sb.z0) * sb.ny + (db.y0 + y - sb.y0)) * sb.nx - sb.x0;
      // Rows that need no mirroring are read in place (as the WebAssembly pass does).
      let l: Float32Array = line, at = 0;
      if (direct) { l = src; at = srcRow + startX; } else mirrorRow(src, srcRow, line, startX, len, n);
      const o = (z * db.ny + y) * nx;
      for (let k = 0; k < nk; k++) {
        const kernel = kernels[k], r = kernel.radius;
        const b = at + R - r; // this kernel's first tap for output 0
        runKernel(l, b, 1, dsts[k], o, nx, kernel);
      }
    }
  }
}

function mirrorRow(src: Float32Array, srcRow: number, line: Float32Array, startX: number, len: number, n: number): void {
  for (let i = 0; i < len; i++) line[i] = src[srcRow + mirror(startX + i, n)];
}

/**
 * One kernel over one output row: out[i] = kernel over the taps s[b + i + t·step], t = 0 … 2r (step 1 for a
 * gathered x line; for the other axes the taps come from {@link runKernelRows}). Dispatches to one small
 * monomorphic loop per case so V8 optimises each tightly.
 */
function runKernel(s: Float32Array, b: number, step: number, d: Float32Array, o: number, nx: number, kernel: Kernel1D): void {
  const r = kernel.radius, c = outerHalf(kernel);
  if (kernel.order === 1) {
    if (r === 1) odd1(s, b, b + 2 * step, d, o, nx, c[0]);
    else if (r === 2) odd2(s, b, b + step, b + 3 * step, b + 4 * step, d, o, nx, c[0], c[1]);
    else oddN(s, b, step, d, o, nx, c, r);
  } else if (r === 1) even1(s, b, b + step, b + 2 * step, d, o, nx, c[0], kernel.order === 0);
  else if (r === 2) even2(s, b, b + step, b + 2 * step, b + 3 * step, b + 4 * step, d, o, nx, c[0], c[1], kernel.order === 0);
  else evenN(s, b, step, d, o, nx, c, r, kernel.order === 0);
}

// Tap t of output i reads s[a_t + i]; m is the centre tap. Every operation is rounded to float32.
function odd1(s: Float32Array, a: number, b: number, d: Float32Array, o: number, nx: number, c0: number): void {
  for (let i = 0; i < nx; i++) d[o + i] = f(c0 * f(s[a + i] - s[b + i]));
}
function odd2(s: Float32Array, a0: number, a1: number, b1: number, b0: number, d: Float32Array, o: number, nx: number, c0: number, c1: number): void {
  for (let i = 0; i < nx; i++) d[o + i] = f(f(c0 * f(s[a0 + i] - s[b0 + i])) + f(c1 * f(s[a1 + i] - s[b1 + i])));
}
function even1(s: Float32Array, a: number, m: number, b: number, d: Float32Array, o: number, nx: number, c0: number, keep: boolean): void {
  for (let i = 0; i < nx; i++) {
    const mv = s[m + i];
    const acc = f(c0 * f(f(s[a + i] - mv) + f(s[b + i] - mv)));
    d[o + i] = keep ? f(mv + acc) : acc;
  }
}
function even2(s: Float32Array, a0: number, a1: number, m: number, b1: number, b0: number, d: Float32Array, o: number, nx: number,
  c0: number, c1: number, keep: boolean): void {
  for (let i = 0; i < nx; i++) {
    const mv = s[m + i];
    let acc = f(c0 * f(f(s[a0 + i] - mv) + f(s[b0 + i] - mv)));
    acc = f(acc + f(c1 * f(f(s[a1 + i] - mv) + f(s[b1 + i] - mv))));
    d[o + i] = keep ? f(mv + acc) : acc;
  }
}
function oddN(s: Float32Array, b: number, step: number, d: Float32Array, o: number, nx: number, c: Float32Array, r: number): void {
  const far = 2 * r * step;
  for (let i = 0; i < nx; i++) {
    const j = b + i;
    let acc = f(c[0] * f(s[j] - s[j + far]));
    for (let t = 1; t < r; t++) acc = f(acc + f(c[t] * f(s[j + t * step] - s[j + far - t * step])));
    d[o + i] = acc;
  }
}
function evenN(s: Float32Array, b: number, step: number, d: Float32Array, o: number, nx: number, c: Float32Array, r: number, keep: boolean): void {
  const far = 2 * r * step, mid = r * step;
  for (let i = 0; i < nx; i++) {
    const j = b + i;
    const mv = s[j + mid];
    let acc = f(c[0] * f(f(s[j] - mv) + f(s[j + far] - mv)));
    for (let t = 1; t < r; t++) acc = f(acc + f(c[t] * f(f(s[j + t * step] - mv) + f(s[j + far - t * step] - mv))));
    d[o + i] = keep ? f(mv + acc) : acc;
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
      for (let k = 0; k < nk; k++) runKernelRows(src, off, R - kernels[k].radius, dsts[k], o, nx, kernels[k]);
    }
  }
}

/** {@link runKernel} with tap t of output i at s[off[b + t] + i] (rows or slices, mirrored where needed). */
function runKernelRows(s: Float32Array, off: Int32Array, b: number, d: Float32Array, o: number, nx: number, kernel: Kernel1D): void {
  const r = kernel.radius, c = outerHalf(kernel);
  if (kernel.order === 1) {
    if (r === 1) odd1(s, off[b], off[b + 2], d, o, nx, c[0]);
    else if (r === 2) odd2(s, off[b], off[b + 1], off[b + 3], off[b + 4], d, o, nx, c[0], c[1]);
    else oddRows(s, off, b, d, o, nx, c, r);
  } else if (r === 1) even1(s, off[b], off[b + 1], off[b + 2], d, o, nx, c[0], kernel.order === 0);
  else if (r === 2) even2(s, off[b], off[b + 1], off[b + 2], off[b + 3], off[b + 4], d, o, nx, c[0], c[1], kernel.order === 0);
  else evenRows(s, off, b, d, o, nx, c, r, kernel.order === 0);
}

function oddRows(s: Float32Array, off: Int32Array, b: number, d: Float32Array, o: number, nx: number, c: Float32Array, r: number): void {
  const r2 = 2 * r;
  for (let i = 0; i < nx; i++) {
    let acc = f(c[0] * f(s[off[b] + i] - s[off[b + r2] + i]));
    for (let t = 1; t < r; t++) acc = f(acc + f(c[t] * f(s[off[b + t] + i] - s[off[b + r2 - t] + i])));
    d[o + i] = acc;
  }
}
function evenRows(s: Float32Array, off: Int32Array, b: number, d: Float32Array, o: number, nx: number, c: Float32Array, r: number, keep: boolean): void {
  const r2 = 2 * r, m = off[b + r];
  for (let i = 0; i < nx; i++) {
    const mv = s[m + i];
    let acc = f(c[0] * f(f(s[off[b] + i] - mv) + f(s[off[b + r2] + i] - mv)));
    for (let t = 1; t < r; t++) acc = f(acc + f(c[t] * f(f(s[off[b + t] + i] - mv) + f(s[off[b + r2 - t] + i] - mv))));
    d[o + i] = keep ? f(mv + acc) : acc;
  }
}
