/**
 * Eigenvalues of symmetric 2×2 and 3×3 matrices, sorted by signed value, largest first
 * (vigra's convention: ev[0] ≥ ev[1] ≥ ev[2], not by magnitude). Computed in float64.
 */

/**
 * Eigenvalues of [[a, b], [b, c]] (closed form): mean ± sqrt(((a−c)/2)² + b²).
 * Writes the larger into out[0], the smaller into out[1].
 * @example symmetricEigenvalues2(2, 0, 5, out) → out = [5, 2]
 */
export function symmetricEigenvalues2(a: number, b: number, c: number, out: Float64Array): void {
  const mean = 0.5 * (a + c);
  const half = 0.5 * (a - c);
  const d = Math.sqrt(half * half + b * b);
  out[0] = mean + d;
  out[1] = mean - d;
}

const SQRT3 = Math.sqrt(3);

/**
 * Eigenvalues of the symmetric matrix [[a11, a12, a13], [a12, a22, a23], [a13, a23, a33]], largest
 * first, into out[0..2].
 *
 * Method: trigonometric (Smith 1961) solution of the characteristic polynomial of B = (A − qI)/p with
 * q = trace/3 and p = sqrt(tr((A−qI)²)/6) (shift and scale make it immune to magnitude), the
 * half-determinant clamped to [−1, 1] (rounding can push it past), the other roots from cos φ and sin φ,
 * an exact branch for diagonal matrices, and a final sort. Float64 throughout: the error is a
 * few ulps of max|eigenvalue| for distinct eigenvalues and grows to ~√ε ≈ 1e-8 relative for (nearly)
 * repeated ones (acos is ill-conditioned at ±1) — still five orders below the golden tolerance of
 * 1e-3 · max|ev| that vigra's own float32 closed form needs.
 */
export function symmetricEigenvalues3(
  a11: number, a12: number, a13: number, a22: number, a23: number, a33: number, out: Float64Array,
): void {
  const p1 = a12 * a12 + a13 * a13 + a23 * a23;
  const q = (a11 + a22 + a33) / 3;
  let e0: number, e1: number, e2: number;
  const b11 = a11 - q, b22 = a22 - q, b33 = a33 - q;
  const p2 = b11 * b11 + b22 * b22 + b33 * b33 + 2 * p1;
  if (p1 === 0 || p2 === 0) {
    e0 = a11; e1 = a22; e2 = a33;
  } else {
    const p = Math.sqrt(p2 / 6);
    const inv = 1 / p;
    const c11 = b11 * inv, c22 = b22 * inv, c33 = b33 * inv, c12 = a12 * inv, c13 = a13 * inv, c23 = a23 * inv;
    let r = 0.5 * (c11 * (c22 * c33 - c23 * c23) - c12 * (c12 * c33 - c23 * c13) + c13 * (c12 * c23 - c22 * c13));
    r = r < -1 ? -1 : r > 1 ? 1 : r;
    // φ = acos(r)/3 ∈ [0, π/3]; the other two roots follow from cos φ and sin φ = √(1 − cos²φ) ≥ 0
    // (cos(φ ± 2π/3) expanded), saving one trigonometric call per voxel.
    const c = Math.cos(Math.acos(r) / 3);
    const sn = Math.sqrt(Math.max(0, 1 - c * c)) * SQRT3;
    e0 = q + 2 * p * c;
    e1 = q - p * (c - sn);
    e2 = q - p * (c + sn);
  }
  // Sort descending (three compare-swaps).
  if (e0 < e1) { const t = e0; e0 = e1; e1 = t; }
  if (e1 < e2) { const t = e1; e1 = e2; e2 = t; }
  if (e0 < e1) { const t = e0; e0 = e1; e1 = t; }
  out[0] = e0;
  out[1] = e1;
  out[2] = e2;
}
