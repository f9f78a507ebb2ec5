// Feature-engine kernels (issue #3), AssemblyScript compiled to WebAssembly SIMD by scripts/buildWasm.mjs.
// The JS driver is extension/core/features/wasmFeatureKernels.ts; it keeps every working buffer of a
// block inside this module's memory, so the kernels only see byte offsets.
//
// Arithmetic matches the TypeScript reference (convolveAxis.ts, computeFeatureBlock.ts) bit for bit:
// float32 samples promoted to float64, taps folded and summed in the same order, one rounding to
// float32 at the end — only in float64x2 lanes (two pixels per instruction). The exception is eigen3,
// whose arccos/cos are polynomial approximations (error < 1e-7 of the eigenvalue spread, far inside
// the golden tolerance); every lane and the padded tail run the same instructions, so a pixel's value
// never depends on where its block starts (block == whole image, bit for bit).
//
// Kernel descriptors (kdesc): per kernel four i32: destination byte offset, radius, order (0/1/2),
// byte offset of the 2r+1 float64 correlation coefficients.

@inline function mirror(i: i32, n: i32): i32 {
  return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
}

@inline function ld2(p: usize): v128 {
  // Two float32 → float64x2.
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

@inline function st2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

@inline function ldLine(p: usize): v128 {
  return v128.load(p);
}

/**
 * Applies one kernel to a gathered float64 line: out[i] = Σ_t c[t]·line[b + i + t] (folded), i < nx.
 * `nx2` = nx rounded up to even; the destination must have room for it (pad of one float).
 */
function lineKernel(line: usize, b: i32, dst: usize, nx2: i32, r: i32, order: i32, coef: usize): void {
  const base = line + (<usize>b << 3);
  const r2 = r * 2;
  if (order == 1) {
    if (r == 1) {
      const c0 = f64x2.splat(load<f64>(coef));
      for (let i = 0; i < nx2; i += 2) {
        const j = base + (<usize>i << 3);
        st2(dst + (<usize>i << 2), f64x2.mul(c0, f64x2.sub(ldLine(j), ldLine(j + 16))));
      }
    } else if (r == 2) {
      const c0 = f64x2.splat(load<f64>(coef)), c1 = f64x2.splat(load<f64>(coef, 8));
      for (let i = 0; i < nx2; i += 2) {
        const j = base + (<usize>i << 3);
        const s = f64x2.add(f64x2.mul(c0, f64x2.sub(ldLine(j), ldLine(j + 32))), f64x2.mul(c1, f64x2.sub(ldLine(j + 8), ldLine(j + 24))));
        st2(dst + (<usize>i << 2), s);
      }
    } else {
      for (let i = 0; i < nx2; i += 2) {
        const j = base + (<usize>i << 3);
        let s = f64x2.splat(0);
        for (let t = 0; t < r; t++) {
          const c = f64x2.splat(load<f64>(coef + (<usize>t << 3)));
          s = f64x2.add(s, f64x2.mul(c, f64x2.sub(ldLine(j + (<usize>t << 3)), ldLine(j + (<usize>(r2 - t) << 3)))));
        }
        st2(dst + (<usize>i << 2), s);
      }
    }
  } else if (r == 1) {
    const c0 = f64x2.splat(load<f64>(coef)), c1 = f64x2.splat(load<f64>(coef, 8));
    for (let i = 0; i < nx2; i += 2) {
      const j = base + (<usize>i << 3);
      st2(dst + (<usize>i << 2), f64x2.add(f64x2.mul(c1, ldLine(j + 8)), f64x2.mul(c0, f64x2.add(ldLine(j), ldLine(j + 16)))));
    }
  } else if (r == 2) {
    const c0 = f64x2.splat(load<f64>(coef)), c1 = f64x2.splat(load<f64>(coef, 8)), c2 = f64x2.splat(load<f64>(coef, 16));
    for (let i = 0; i < nx2; i += 2) {
      const j = base + (<usize>i << 3);
      let s = f64x2.add(f64x2.mul(c2, ldLine(j + 16)), f64x2.mul(c0, f64x2.add(ldLine(j), ldLine(j + 32))));
      s = f64x2.add(s, f64x2.mul(c1, f64x2.add(ldLine(j + 8), ldLine(j + 24))));
      st2(dst + (<usize>i << 2), s);
    }
  } else {
    const cr = f64x2.splat(load<f64>(coef + (<usize>r << 3)));
    for (let i = 0; i < nx2; i += 2) {
      const j = base + (<usize>i << 3);
      let s = f64x2.mul(cr, ldLine(j + (<usize>r << 3)));
      for (let t = 0; t < r; t++) {
        const c = f64x2.splat(load<f64>(coef + (<usize>t << 3)));
        s = f64x2.add(s, f64x2.mul(c, f64x2.add(ldLine(j + (<usize>t << 3)), ldLine(j + (<usize>(r2 - t) << 3)))));
      }
      st2(dst + (<usize>i << 2), s);
    }
  }
}

/**
 * Convolution along x (see convolveX in convolveAxis.ts). Source box (sz0, sy0, sx0, sny, snx) as float32
 * at `src`; destination box (dz0, dy0, dx0, dnz, dny, dnx); every destination is [z][y][x] of that box
 * with one float of padding at its end. `n` = image width, `R` = the largest radius, `line` a float64
 * work area of dnx + 2R + 2 values.
 */
export function convX(src: usize, sz0: i32, sy0: i32, sx0: i32, sny: i32, snx: i32,
  dz0: i32, dy0: i32, dx0: i32, dnz: i32, dny: i32, dnx: i32,
  n: i32, R: i32, nk: i32, kdesc: usize, line: usize): void {
  const len = dnx + 2 * R;
  const startX = dx0 - R;
  const direct = startX >= 0 && startX + len <= n;
  const nx2 = (dnx + 1) & ~1;
  // Zero the tail the padded lane reads past the line end.
  store<f64>(line + (<usize>len << 3), 0);
  store<f64>(line + (<usize>(len + 1) << 3), 0);
  for (let z = 0; z < dnz; z++) {
    for (let y = 0; y < dny; y++) {
      const srcRow = src + ((<usize>((dz0 + z - sz0) * sny + (dy0 + y - sy0)) * <usize>snx - <usize>sx0) << 2);
      if (direct) {
        const from = srcRow + (<usize>startX << 2);
        let i = 0;
        for (; i + 2 <= len; i += 2) v128.store(line + (<usize>i << 3), ld2(from + (<usize>i << 2)));
        if (i < len) store<f64>(line + (<usize>i << 3), <f64>load<f32>(from + (<usize>i << 2)));
      } else {
        for (let i = 0; i < len; i++) store<f64>(line + (<usize>i << 3), <f64>load<f32>(srcRow + (<usize>mirror(startX + i, n) << 2)));
      }
      const o = <usize>((z * dny + y) * dnx) << 2;
      for (let k = 0; k < nk; k++) {
        const d = kdesc + (<usize>k << 4);
        const r = load<i32>(d, 4);
        lineKernel(line, R - r, <usize>load<i32>(d) + o, nx2, r, load<i32>(d, 8), <usize>load<i32>(d, 12));
      }
    }
  }
}

/**
 * Convolution along z (axis 0) or y (axis 1) (see convolveStrided in convolveAxis.ts). `offs` is an
 * i32 work area of 2R + 1 values. Same box conventions as {@link convX}; `n` = image length along the axis.
 */
export function convStrided(src: usize, sz0: i32, sy0: i32, sx0: i32, sny: i32, snx: i32, axis: i32,
  dz0: i32, dy0: i32, dx0: i32, dnz: i32, dny: i32, dnx: i32,
  n: i32, R: i32, nk: i32, kdesc: usize, offs: usize): void {
  const taps = 2 * R + 1;
  const nx2 = (dnx + 1) & ~1;
  for (let z = 0; z < dnz; z++) {
    for (let y = 0; y < dny; y++) {
      const iz = dz0 + z, iy = dy0 + y;
      for (let t = 0; t < taps; t++) {
        const zz = axis == 0 ? mirror(iz - R + t, n) : iz;
        const yy = axis == 1 ? mirror(iy - R + t, n) : iy;
        store<i32>(offs + (<usize>t << 2), (((zz - sz0) * sny + (yy - sy0)) * snx + (dx0 - sx0)) << 2);
      }
      const o = <usize>((z * dny + y) * dnx) << 2;
      for (let k = 0; k < nk; k++) {
        const d = kdesc + (<usize>k << 4);
        const r = load<i32>(d, 4);
        colKernel(src, offs + (<usize>(R - r) << 2), <usize>load<i32>(d) + o, nx2, r, load<i32>(d, 8), <usize>load<i32>(d, 12));
      }
    }
  }
}

@inline function tap(src: usize, offs: usize, t: i32): usize {
  return src + <usize>load<i32>(offs + (<usize>t << 2));
}

/** out[i] = Σ_t c[t]·src[off[t] + i] (folded), i < nx2; the source rows must be readable for nx2 values. */
function colKernel(src: usize, offs: usize, dst: usize, nx2: i32, r: i32, order: i32, coef: usize): void {
  const r2 = r * 2;
  if (order == 1) {
    if (r == 1) {
      const a = tap(src, offs, 0), b = tap(src, offs, 2);
      const c0 = f64x2.splat(load<f64>(coef));
      for (let i = 0; i < nx2; i += 2) {
        const q = <usize>i << 2;
        st2(dst + q, f64x2.mul(c0, f64x2.sub(ld2(a + q), ld2(b + q))));
      }
    } else if (r == 2) {
      const a0 = tap(src, offs, 0), a1 = tap(src, offs, 1), b1 = tap(src, offs, 3), b0 = tap(src, offs, 4);
      const c0 = f64x2.splat(load<f64>(coef)), c1 = f64x2.splat(load<f64>(coef, 8));
      for (let i = 0; i < nx2; i += 2) {
        const q = <usize>i << 2;
        st2(dst + q, f64x2.add(f64x2.mul(c0, f64x2.sub(ld2(a0 + q), ld2(b0 + q))), f64x2.mul(c1, f64x2.sub(ld2(a1 + q), ld2(b1 + q)))));
      }
    } else {
      for (let i = 0; i < nx2; i += 2) {
        const q = <usize>i << 2;
        let s = f64x2.splat(0);
        for (let t = 0; t < r; t++) {
          const c = f64x2.splat(load<f64>(coef + (<usize>t << 3)));
          s = f64x2.add(s, f64x2.mul(c, f64x2.sub(ld2(tap(src, offs, t) + q), ld2(tap(src, offs, r2 - t) + q))));
        }
        st2(dst + q, s);
      }
    }
  } else if (r == 1) {
    const a = tap(src, offs, 0), m = tap(src, offs, 1), b = tap(src, offs, 2);
    const c0 = f64x2.splat(load<f64>(coef)), c1 = f64x2.splat(load<f64>(coef, 8));
    for (let i = 0; i < nx2; i += 2) {
      const q = <usize>i << 2;
      st2(dst + q, f64x2.add(f64x2.mul(c1, ld2(m + q)), f64x2.mul(c0, f64x2.add(ld2(a + q), ld2(b + q)))));
    }
  } else if (r == 2) {
    const a0 = tap(src, offs, 0), a1 = tap(src, offs, 1), m = tap(src, offs, 2), b1 = tap(src, offs, 3), b0 = tap(src, offs, 4);
    const c0 = f64x2.splat(load<f64>(coef)), c1 = f64x2.splat(load<f64>(coef, 8)), c2 = f64x2.splat(load<f64>(coef, 16));
    for (let i = 0; i < nx2; i += 2) {
      const q = <usize>i << 2;
      let s = f64x2.add(f64x2.mul(c2, ld2(m + q)), f64x2.mul(c0, f64x2.add(ld2(a0 + q), ld2(b0 + q))));
      s = f64x2.add(s, f64x2.mul(c1, f64x2.add(ld2(a1 + q), ld2(b1 + q))));
      st2(dst + q, s);
    }
  } else {
    const m = tap(src, offs, r);
    const cr = f64x2.splat(load<f64>(coef + (<usize>r << 3)));
    // Taps outer, pixels inner would need a float64 accumulator row; instead a strip of 8 pixels keeps
    // four accumulators in registers while the taps stream through.
    let i = 0;
    for (; i + 8 <= nx2; i += 8) {
      const q = <usize>i << 2;
      let s0 = f64x2.mul(cr, ld2(m + q)), s1 = f64x2.mul(cr, ld2(m + q + 8));
      let s2 = f64x2.mul(cr, ld2(m + q + 16)), s3 = f64x2.mul(cr, ld2(m + q + 24));
      for (let t = 0; t < r; t++) {
        const c = f64x2.splat(load<f64>(coef + (<usize>t << 3)));
        const a = tap(src, offs, t) + q, b = tap(src, offs, r2 - t) + q;
        s0 = f64x2.add(s0, f64x2.mul(c, f64x2.add(ld2(a), ld2(b))));
        s1 = f64x2.add(s1, f64x2.mul(c, f64x2.add(ld2(a + 8), ld2(b + 8))));
        s2 = f64x2.add(s2, f64x2.mul(c, f64x2.add(ld2(a + 16), ld2(b + 16))));
        s3 = f64x2.add(s3, f64x2.mul(c, f64x2.add(ld2(a + 24), ld2(b + 24))));
      }
      st2(dst + q, s0); st2(dst + q + 8, s1); st2(dst + q + 16, s2); st2(dst + q + 24, s3);
    }
    for (; i < nx2; i += 2) {
      const q = <usize>i << 2;
      let s = f64x2.mul(cr, ld2(m + q));
      for (let t = 0; t < r; t++) {
        const c = f64x2.splat(load<f64>(coef + (<usize>t << 3)));
        s = f64x2.add(s, f64x2.mul(c, f64x2.add(ld2(tap(src, offs, t) + q), ld2(tap(src, offs, r2 - t) + q))));
      }
      st2(dst + q, s);
    }
  }
}

/** out[e] = a[e]·b[e] for e < n (float32, exact as the float64 product rounded once). */
export function multiply(a: usize, b: usize, out: usize, n: i32): void {
  let e = 0;
  for (; e + 4 <= n; e += 4) {
    const q = <usize>e << 2;
    v128.store(out + q, f32x4.mul(v128.load(a + q), v128.load(b + q)));
  }
  for (; e < n; e++) {
    const q = <usize>e << 2;
    store<f32>(out + q, load<f32>(a + q) * load<f32>(b + q));
  }
}

// map1 modes (as in computeFeatureBlock.ts).
const MODE_SUM2 = 1, MODE_SUM3 = 2, MODE_NORM2 = 3, MODE_NORM3 = 4, MODE_DIFF = 5;

/**
 * One scalar channel of the target from inputs in a read-box layout: row (z, y) of the target starts at
 * byte `start + (z·rowsPerSlice + y)·rowBytes` of each input... given as element offsets: `e0` first
 * element, `rowStride` / `sliceStride` in elements. Output: contiguous [z][y][x] of the target (nz, ny, nx)
 * with one float of padding.
 */
export function map1(mode: i32, a: usize, b: usize, c: usize, e0: i32, rowStride: i32, sliceStride: i32,
  nz: i32, ny: i32, nx: i32, out: usize): void {
  const nx2 = (nx + 1) & ~1;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const e = <usize>(e0 + z * sliceStride + y * rowStride) << 2;
      const o = out + (<usize>((z * ny + y) * nx) << 2);
      for (let i = 0; i < nx2; i += 2) {
        const q = e + (<usize>i << 2);
        const p = ld2(a + q), s = ld2(b + q);
        let v: v128;
        if (mode == MODE_SUM2) v = f64x2.add(p, s);
        else if (mode == MODE_SUM3) v = f64x2.add(f64x2.add(p, s), ld2(c + q));
        else if (mode == MODE_NORM2) v = f64x2.sqrt(f64x2.add(f64x2.mul(p, p), f64x2.mul(s, s)));
        else if (mode == MODE_NORM3) {
          const r = ld2(c + q);
          v = f64x2.sqrt(f64x2.add(f64x2.add(f64x2.mul(p, p), f64x2.mul(s, s)), f64x2.mul(r, r)));
        } else v = f64x2.sub(p, s);
        st2(o + (<usize>i << 2), v);
      }
    }
  }
}

/** Two eigenvalue planes (larger first) of [[xx, xy], [xy, yy]]; layout as {@link map1}, outputs out0/out1. */
export function eigen2(xx: usize, xy: usize, yy: usize, e0: i32, rowStride: i32, sliceStride: i32,
  nz: i32, ny: i32, nx: i32, out0: usize, out1: usize): void {
  const nx2 = (nx + 1) & ~1;
  const half = f64x2.splat(0.5);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const e = <usize>(e0 + z * sliceStride + y * rowStride) << 2;
      const o = <usize>((z * ny + y) * nx) << 2;
      for (let i = 0; i < nx2; i += 2) {
        const q = e + (<usize>i << 2);
        const a = ld2(xx + q), b = ld2(xy + q), c = ld2(yy + q);
        const mean = f64x2.mul(half, f64x2.add(a, c)), h = f64x2.mul(half, f64x2.sub(a, c));
        const d = f64x2.sqrt(f64x2.add(f64x2.mul(h, h), f64x2.mul(b, b)));
        const w = o + (<usize>i << 2);
        st2(out0 + w, f64x2.add(mean, d));
        st2(out1 + w, f64x2.sub(mean, d));
      }
    }
  }
}

// arccos on [0, 1]: sqrt(1 − x)·P(x), Abramowitz & Stegun 4.4.46 (|error| ≤ 2e-8 rad).
const A0 = 1.5707963050, A1 = -0.2145988016, A2 = 0.0889789874, A3 = -0.0501743046;
const A4 = 0.0308918810, A5 = -0.0170881256, A6 = 0.0066700901, A7 = -0.0012624911;
const PI = 3.141592653589793;
const SQRT3 = 1.7320508075688772;
const THIRD = 1.0 / 3.0;

@inline function sp(x: f64): v128 { return f64x2.splat(x); }

/**
 * Three eigenvalue planes (largest first) of the symmetric 3×3 tensor; the trigonometric method of
 * symmetricEigenvalues.ts in float64x2 with polynomial arccos (A&S 4.4.46) and cos (Taylor to x¹⁸ on
 * [0, π/3]). Exact diagonal branch and descending sort, branch-free.
 */
export function eigen3(xx: usize, xy: usize, xz: usize, yy: usize, yz: usize, zz: usize,
  e0: i32, rowStride: i32, sliceStride: i32, nz: i32, ny: i32, nx: i32, out0: usize, out1: usize, out2: usize): void {
  const nx2 = (nx + 1) & ~1;
  const zero = sp(0), one = sp(1), minusOne = sp(-1);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const e = <usize>(e0 + z * sliceStride + y * rowStride) << 2;
      const o = <usize>((z * ny + y) * nx) << 2;
      for (let i = 0; i < nx2; i += 2) {
        const q = e + (<usize>i << 2);
        const a11 = ld2(xx + q), a12 = ld2(xy + q), a13 = ld2(xz + q), a22 = ld2(yy + q), a23 = ld2(yz + q), a33 = ld2(zz + q);
        const p1 = f64x2.add(f64x2.add(f64x2.mul(a12, a12), f64x2.mul(a13, a13)), f64x2.mul(a23, a23));
        // Multiplications instead of divisions where the reference divides by constants (two fewer
        // float64 divisions per pair of voxels; the difference is a few ulps).
        const qq = f64x2.mul(f64x2.add(f64x2.add(a11, a22), a33), sp(THIRD));
        const b11 = f64x2.sub(a11, qq), b22 = f64x2.sub(a22, qq), b33 = f64x2.sub(a33, qq);
        const p2 = f64x2.add(f64x2.add(f64x2.add(f64x2.mul(b11, b11), f64x2.mul(b22, b22)), f64x2.mul(b33, b33)), f64x2.mul(sp(2), p1));
        const diag = v128.or(f64x2.eq(p1, zero), f64x2.eq(p2, zero));
        const p = f64x2.sqrt(f64x2.mul(p2, sp(1.0 / 6.0)));
        const inv = f64x2.div(one, p);
        // r = det(B)/(2p³): the determinant of the unscaled B, scaled once.
        let det = f64x2.mul(b11, f64x2.sub(f64x2.mul(b22, b33), f64x2.mul(a23, a23)));
        det = f64x2.sub(det, f64x2.mul(a12, f64x2.sub(f64x2.mul(a12, b33), f64x2.mul(a23, a13))));
        det = f64x2.add(det, f64x2.mul(a13, f64x2.sub(f64x2.mul(a12, a23), f64x2.mul(b22, a13))));
        const inv3 = f64x2.mul(f64x2.mul(inv, inv), inv);
        let r = f64x2.mul(f64x2.mul(sp(0.5), det), inv3);
        r = f64x2.pmax(minusOne, f64x2.pmin(one, r)); // NaN (diagonal lanes) stays NaN; selected away below
        // arccos(r)
        const ax = f64x2.abs(r);
        let poly = f64x2.add(sp(A6), f64x2.mul(ax, sp(A7)));
        poly = f64x2.add(sp(A5), f64x2.mul(ax, poly));
        poly = f64x2.add(sp(A4), f64x2.mul(ax, poly));
        poly = f64x2.add(sp(A3), f64x2.mul(ax, poly));
        poly = f64x2.add(sp(A2), f64x2.mul(ax, poly));
        poly = f64x2.add(sp(A1), f64x2.mul(ax, poly));
        poly = f64x2.add(sp(A0), f64x2.mul(ax, poly));
        const acosAbs = f64x2.mul(f64x2.sqrt(f64x2.sub(one, ax)), poly);
        const acos = v128.bitselect(f64x2.sub(sp(PI), acosAbs), acosAbs, f64x2.lt(r, zero));
        // cos(φ), φ = arccos(r)/3 ∈ [0, π/3]: Taylor series in φ² (remainder < 4e-16).
        const phi = f64x2.mul(acos, sp(THIRD));
        const x2 = f64x2.mul(phi, phi);
        let cs = f64x2.sub(sp(1.0 / 6402373705728000.0), f64x2.mul(x2, sp(1.0 / 2432902008176640000.0)));
        cs = f64x2.sub(sp(1.0 / 20922789888000.0), f64x2.mul(x2, cs));
        cs = f64x2.sub(sp(1.0 / 87178291200.0), f64x2.mul(x2, cs));
        cs = f64x2.sub(sp(1.0 / 479001600.0), f64x2.mul(x2, cs));
        cs = f64x2.sub(sp(1.0 / 3628800.0), f64x2.mul(x2, cs));
        cs = f64x2.sub(sp(1.0 / 40320.0), f64x2.mul(x2, cs));
        cs = f64x2.sub(sp(1.0 / 720.0), f64x2.mul(x2, cs));
        cs = f64x2.sub(sp(1.0 / 24.0), f64x2.mul(x2, cs));
        cs = f64x2.sub(sp(0.5), f64x2.mul(x2, cs));
        const c = f64x2.sub(one, f64x2.mul(x2, cs));
        const sn = f64x2.mul(f64x2.sqrt(f64x2.pmax(zero, f64x2.sub(one, f64x2.mul(c, c)))), sp(SQRT3));
        let v0 = f64x2.add(qq, f64x2.mul(f64x2.mul(sp(2), p), c));
        let v1 = f64x2.sub(qq, f64x2.mul(p, f64x2.sub(c, sn)));
        let v2 = f64x2.sub(qq, f64x2.mul(p, f64x2.add(c, sn)));
        v0 = v128.bitselect(a11, v0, diag);
        v1 = v128.bitselect(a22, v1, diag);
        v2 = v128.bitselect(a33, v2, diag);
        // Sort descending: three compare-exchanges.
        let hi = f64x2.pmax(v0, v1), lo = f64x2.pmin(v0, v1);
        v0 = hi; v1 = lo;
        hi = f64x2.pmax(v1, v2); lo = f64x2.pmin(v1, v2);
        v1 = hi; v2 = lo;
        hi = f64x2.pmax(v0, v1); lo = f64x2.pmin(v0, v1);
        v0 = hi; v1 = lo;
        const w = o + (<usize>i << 2);
        st2(out0 + w, v0);
        st2(out1 + w, v1);
        st2(out2 + w, v2);
      }
    }
  }
}
