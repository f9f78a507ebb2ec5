// Feature-engine kernels (issue #3), AssemblyScript compiled to WebAssembly SIMD by scripts/buildWasm.mjs.
// The JS driver is extension/core/features/wasmFeatureKernels.ts; it keeps every working buffer of a
// block inside this module's memory, so the kernels only see byte offsets.
//
// Convolutions run in float32x4 lanes (four pixels per instruction, issue #18), in the centre-relative
// form of convolveAxis.ts: even kernels (Gaussian, 2nd derivative) as [m +] Σ_t c_t·((a_t − m) + (b_t − m)),
// m the centre tap, odd kernels as Σ_t c_t·(a_t − b_t) — zero-sum by construction, so the rounding error
// scales with the local variation of the image, not with its level. The TypeScript reference
// (convolveAxis.ts) rounds every operation to float32 in the same order (Math.fround), so both give the
// same values bit for bit. map1/eigen2 work in float32x4 lanes too, again matching the reference
// operation by operation. The exception is eigen3, whose arccos/cos are polynomial
// approximations (error < 1e-7 of the eigenvalue spread, far inside the golden tolerance); every lane and
// the padded tail run the same instructions, so a pixel's value never depends on where its block starts
// (block == whole image, bit for bit).
//
// Kernel descriptors (kdesc): per kernel four i32: destination byte offset, radius, order (0/1/2),
// byte offset of the float32 correlation coefficients c_0 … c_{r−1} (c_t pairs the taps at −(r−t) and +(r−t)).

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

@inline function tap(src: usize, offs: usize, t: i32): usize {
  return src + <usize>load<i32>(offs + (<usize>t << 2));
}

@inline function cf(coef: usize, t: i32): v128 {
  return f32x4.splat(load<f32>(coef + (<usize>t << 2)));
}

/** (a − m) + (b − m): exact differences where the image is smooth (Sterbenz), so little rounding. */
@inline function pairAround(a: v128, b: v128, m: v128): v128 {
  return f32x4.add(f32x4.sub(a, m), f32x4.sub(b, m));
}

/** One output vector of an even kernel at byte offset q: [m +] Σ_t c_t·((a_t − m) + (b_t − m)). */
@inline function evenAt(src: usize, offs: usize, q: usize, r: i32, coef: usize, keep: bool): v128 {
  const m = v128.load(tap(src, offs, r) + q);
  let s = f32x4.mul(cf(coef, 0), pairAround(v128.load(tap(src, offs, 0) + q), v128.load(tap(src, offs, 2 * r) + q), m));
  for (let t = 1; t < r; t++) {
    s = f32x4.add(s, f32x4.mul(cf(coef, t), pairAround(v128.load(tap(src, offs, t) + q), v128.load(tap(src, offs, 2 * r - t) + q), m)));
  }
  return keep ? f32x4.add(m, s) : s;
}

/** One output vector of an odd kernel at byte offset q: Σ_t c_t·(a_t − b_t). */
@inline function oddAt(src: usize, offs: usize, q: usize, r: i32, coef: usize): v128 {
  let s = f32x4.mul(cf(coef, 0), f32x4.sub(v128.load(tap(src, offs, 0) + q), v128.load(tap(src, offs, 2 * r) + q)));
  for (let t = 1; t < r; t++) {
    s = f32x4.add(s, f32x4.mul(cf(coef, t), f32x4.sub(v128.load(tap(src, offs, t) + q), v128.load(tap(src, offs, 2 * r - t) + q))));
  }
  return s;
}

/**
 * One kernel over one output row: out[i] from the 2r + 1 tap rows starting at byte offsets offs[0 … 2r]
 * from `src` (consecutive floats for the x pass, rows/slices for the others), i < nx4 (a multiple of 4;
 * the destination and the tap rows must have room for it). Radii 1 and 2 (every feature kernel of the
 * ilastik pipeline) have straight-line loops; larger radii (presmoothing) take 16 pixels per strip so four
 * accumulators stay in registers while the taps stream through.
 */
function colKernel(src: usize, offs: usize, dst: usize, nx4: i32, r: i32, order: i32, coef: usize): void {
  const keep = order == 0;
  if (r == 1) {
    const a = tap(src, offs, 0), m = tap(src, offs, 1), b = tap(src, offs, 2);
    const c0 = cf(coef, 0);
    if (order == 1) {
      for (let i = 0; i < nx4; i += 4) {
        const q = <usize>i << 2;
        v128.store(dst + q, f32x4.mul(c0, f32x4.sub(v128.load(a + q), v128.load(b + q))));
      }
    } else {
      for (let i = 0; i < nx4; i += 4) {
        const q = <usize>i << 2;
        const mv = v128.load(m + q);
        const s = f32x4.mul(c0, pairAround(v128.load(a + q), v128.load(b + q), mv));
        v128.store(dst + q, keep ? f32x4.add(mv, s) : s);
      }
    }
    return;
  }
  if (r == 2) {
    const a0 = tap(src, offs, 0), a1 = tap(src, offs, 1), m = tap(src, offs, 2), b1 = tap(src, offs, 3), b0 = tap(src, offs, 4);
    const c0 = cf(coef, 0), c1 = cf(coef, 1);
    if (order == 1) {
      for (let i = 0; i < nx4; i += 4) {
        const q = <usize>i << 2;
        const s = f32x4.mul(c0, f32x4.sub(v128.load(a0 + q), v128.load(b0 + q)));
        v128.store(dst + q, f32x4.add(s, f32x4.mul(c1, f32x4.sub(v128.load(a1 + q), v128.load(b1 + q)))));
      }
    } else {
      for (let i = 0; i < nx4; i += 4) {
        const q = <usize>i << 2;
        const mv = v128.load(m + q);
        let s = f32x4.mul(c0, pairAround(v128.load(a0 + q), v128.load(b0 + q), mv));
        s = f32x4.add(s, f32x4.mul(c1, pairAround(v128.load(a1 + q), v128.load(b1 + q), mv)));
        v128.store(dst + q, keep ? f32x4.add(mv, s) : s);
      }
    }
    return;
  }
  let i = 0;
  if (order == 1) {
    for (; i + 16 <= nx4; i += 16) {
      const q = <usize>i << 2;
      let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (let t = 0; t < r; t++) {
        const c = cf(coef, t);
        const a = tap(src, offs, t) + q, b = tap(src, offs, 2 * r - t) + q;
        const d0 = f32x4.mul(c, f32x4.sub(v128.load(a), v128.load(b)));
        const d1 = f32x4.mul(c, f32x4.sub(v128.load(a + 16), v128.load(b + 16)));
        const d2 = f32x4.mul(c, f32x4.sub(v128.load(a + 32), v128.load(b + 32)));
        const d3 = f32x4.mul(c, f32x4.sub(v128.load(a + 48), v128.load(b + 48)));
        // The first term is taken as is (0 + x would turn −0 into +0, unlike the reference).
        if (t == 0) { s0 = d0; s1 = d1; s2 = d2; s3 = d3; } else { s0 = f32x4.add(s0, d0); s1 = f32x4.add(s1, d1); s2 = f32x4.add(s2, d2); s3 = f32x4.add(s3, d3); }
      }
      v128.store(dst + q, s0); v128.store(dst + q + 16, s1); v128.store(dst + q + 32, s2); v128.store(dst + q + 48, s3);
    }
    for (; i < nx4; i += 4) {
      const q = <usize>i << 2;
      v128.store(dst + q, oddAt(src, offs, q, r, coef));
    }
    return;
  }
  const mp = tap(src, offs, r);
  for (; i + 16 <= nx4; i += 16) {
    const q = <usize>i << 2;
    const m0 = v128.load(mp + q), m1 = v128.load(mp + q + 16), m2 = v128.load(mp + q + 32), m3 = v128.load(mp + q + 48);
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (let t = 0; t < r; t++) {
      const c = cf(coef, t);
      const a = tap(src, offs, t) + q, b = tap(src, offs, 2 * r - t) + q;
      const d0 = f32x4.mul(c, pairAround(v128.load(a), v128.load(b), m0));
      const d1 = f32x4.mul(c, pairAround(v128.load(a + 16), v128.load(b + 16), m1));
      const d2 = f32x4.mul(c, pairAround(v128.load(a + 32), v128.load(b + 32), m2));
      const d3 = f32x4.mul(c, pairAround(v128.load(a + 48), v128.load(b + 48), m3));
      if (t == 0) { s0 = d0; s1 = d1; s2 = d2; s3 = d3; } else { s0 = f32x4.add(s0, d0); s1 = f32x4.add(s1, d1); s2 = f32x4.add(s2, d2); s3 = f32x4.add(s3, d3); }
    }
    if (keep) { s0 = f32x4.add(m0, s0); s1 = f32x4.add(m1, s1); s2 = f32x4.add(m2, s2); s3 = f32x4.add(m3, s3); }
    v128.store(dst + q, s0); v128.store(dst + q + 16, s1); v128.store(dst + q + 32, s2); v128.store(dst + q + 48, s3);
  }
  for (; i < nx4; i += 4) {
    const q = <usize>i << 2;
    v128.store(dst + q, evenAt(src, offs, q, r, coef, keep));
  }
}

/**
 * Convolution along x (see convolveX in convolveAxis.ts). Source box (sz0, sy0, sx0, sny, snx) as float32
 * at `src`; destination box (dz0, dy0, dx0, dnz, dny, dnx); every destination is [z][y][x] of that box
 * with three floats of padding at its end. `n` = image width, `R` = the largest radius, `work` an area of
 * 2R + 1 i32 tap offsets followed by a float32 line of dnx + 2R + 4 values (rows that need mirroring are
 * gathered there; the others are read in place, up to three floats past their end).
 */
export function convX(src: usize, sz0: i32, sy0: i32, sx0: i32, sny: i32, snx: i32,
  dz0: i32, dy0: i32, dx0: i32, dnz: i32, dny: i32, dnx: i32,
  n: i32, R: i32, nk: i32, kdesc: usize, work: usize): void {
  const len = dnx + 2 * R;
  const startX = dx0 - R;
  const direct = startX >= 0 && startX + len <= n;
  const nx4 = (dnx + 3) & ~3;
  const taps = 2 * R + 1;
  const offs = work;
  const line = work + ((<usize>taps + 3) & ~<usize>3) * 4;
  for (let t = 0; t < taps; t++) store<i32>(offs + (<usize>t << 2), t << 2);
  // Zero the tail the padded lanes read past the line end.
  for (let i = 0; i < 4; i++) store<f32>(line + (<usize>(len + i) << 2), 0);
  for (let z = 0; z < dnz; z++) {
    for (let y = 0; y < dny; y++) {
      const srcRow = src + ((<usize>((dz0 + z - sz0) * sny + (dy0 + y - sy0)) * <usize>snx - <usize>sx0) << 2);
      let base = line;
      if (direct) base = srcRow + (<usize>startX << 2);
      else {
        // Mirror only the ends; the part inside the image is copied four floats at a time.
        const lo = min(len, max(0, -startX)), hi = max(lo, min(len, n - startX));
        for (let i = 0; i < lo; i++) store<f32>(line + (<usize>i << 2), load<f32>(srcRow + (<usize>mirror(startX + i, n) << 2)));
        let i = lo;
        for (; i + 4 <= hi; i += 4) v128.store(line + (<usize>i << 2), v128.load(srcRow + (<usize>(startX + i) << 2)));
        for (; i < len; i++) store<f32>(line + (<usize>i << 2), load<f32>(srcRow + (<usize>mirror(startX + i, n) << 2)));
      }
      const o = <usize>((z * dny + y) * dnx) << 2;
      for (let k = 0; k < nk; k++) {
        const d = kdesc + (<usize>k << 4);
        const r = load<i32>(d, 4);
        colKernel(base, offs + (<usize>(R - r) << 2), <usize>load<i32>(d) + o, nx4, r, load<i32>(d, 8), <usize>load<i32>(d, 12));
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
  const nx4 = (dnx + 3) & ~3;
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
        colKernel(src, offs + (<usize>(R - r) << 2), <usize>load<i32>(d) + o, nx4, r, load<i32>(d, 8), <usize>load<i32>(d, 12));
      }
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
 * element `e0 + z·sliceStride + y·rowStride` of each input. Output: contiguous [z][y][x] of the target
 * (nz, ny, nx) with three floats of padding. float32x4, every operation rounded as computeFeatureBlock.ts's
 * reference loops round them.
 */
export function map1(mode: i32, a: usize, b: usize, c: usize, e0: i32, rowStride: i32, sliceStride: i32,
  nz: i32, ny: i32, nx: i32, out: usize): void {
  const nx4 = (nx + 3) & ~3;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const e = <usize>(e0 + z * sliceStride + y * rowStride) << 2;
      const o = out + (<usize>((z * ny + y) * nx) << 2);
      for (let i = 0; i < nx4; i += 4) {
        const q = e + (<usize>i << 2);
        const p = v128.load(a + q), s = v128.load(b + q);
        let v: v128;
        if (mode == MODE_SUM2) v = f32x4.add(p, s);
        else if (mode == MODE_SUM3) v = f32x4.add(f32x4.add(p, s), v128.load(c + q));
        else if (mode == MODE_NORM2) v = f32x4.sqrt(f32x4.add(f32x4.mul(p, p), f32x4.mul(s, s)));
        else if (mode == MODE_NORM3) {
          const r = v128.load(c + q);
          v = f32x4.sqrt(f32x4.add(f32x4.add(f32x4.mul(p, p), f32x4.mul(s, s)), f32x4.mul(r, r)));
        } else v = f32x4.sub(p, s);
        v128.store(o + (<usize>i << 2), v);
      }
    }
  }
}

/** Two eigenvalue planes (larger first) of [[xx, xy], [xy, yy]]; layout as {@link map1}, outputs out0/out1; float32x4. */
export function eigen2(xx: usize, xy: usize, yy: usize, e0: i32, rowStride: i32, sliceStride: i32,
  nz: i32, ny: i32, nx: i32, out0: usize, out1: usize): void {
  const nx4 = (nx + 3) & ~3;
  const half = f32x4.splat(0.5);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const e = <usize>(e0 + z * sliceStride + y * rowStride) << 2;
      const o = <usize>((z * ny + y) * nx) << 2;
      for (let i = 0; i < nx4; i += 4) {
        const q = e + (<usize>i << 2);
        const a = v128.load(xx + q), b = v128.load(xy + q), c = v128.load(yy + q);
        const mean = f32x4.mul(half, f32x4.add(a, c)), h = f32x4.mul(half, f32x4.sub(a, c));
        const d = f32x4.sqrt(f32x4.add(f32x4.mul(h, h), f32x4.mul(b, b)));
        const w = o + (<usize>i << 2);
        v128.store(out0 + w, f32x4.add(mean, d));
        v128.store(out1 + w, f32x4.sub(mean, d));
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
