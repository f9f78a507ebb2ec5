/**
 * Sampled Gaussian and Gaussian-derivative kernels with vigra 1.11's exact rules
 * (Kernel1D::initGaussian / initGaussianDerivative, see ../shared/golden/manifest.json "kernel_rules").
 */

/** A 1-D convolution kernel: `weights[j + radius]` is k(j), applied as out[x] = Σ_j k(j)·in[x − j]. */
export interface Kernel1D {
  /** σ in pixels. */
  sigma: number;
  /** Derivative order 0, 1 or 2. */
  order: 0 | 1 | 2;
  /** Truncation: radius = max(1, floor(window·σ + 0.5)). */
  window: number;
  radius: number;
  /** 2·radius + 1 weights, float64. */
  weights: Float64Array;
  /**
   * Correlation coefficients: out[x] = Σ_t coefficients[t]·in[x − radius + t]
   * (the kernel reversed; equals `weights` for even orders and −`weights` for order 1).
   */
  coefficients: Float64Array;
}

/** Kernel radius for σ and window: max(1, floor(window·σ + 0.5)) pixels. */
export function kernelRadius(sigma: number, window: number): number {
  return Math.max(1, Math.floor(window * sigma + 0.5));
}

const cache = new Map<string, Kernel1D>();

/**
 * The Gaussian (order 0) or its n-th derivative (order 1, 2) sampled at integer offsets −r..r,
 * r = max(1, floor(window·σ + 0.5)).
 * - order 0: exp(−x²/2σ²) normalised to sum 1;
 * - order n ≥ 1: sampled n-th derivative of the Gaussian, mean removed, scaled so Σ k(x)·(−x)ⁿ/n! = 1.
 * Weights are built exactly symmetric (even orders) or antisymmetric (order 1) so filters commute
 * with mirroring and 90° rotations bit for bit.
 *
 * @param sigma σ in pixels (> 0)
 * @param order derivative order
 * @param window truncation in σ units (vigra `window_size`): 3.5 for the direct filters and the
 *   ilastik presmoothing, 2.0 for ilastik's small feature kernels.
 * @example gaussianKernel(1, 0, 3.5).radius === 4
 */
export function gaussianKernel(sigma: number, order: 0 | 1 | 2, window: number): Kernel1D {
  const key = `${sigma}/${order}/${window}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new RangeError(`Gaussian kernel needs σ > 0, got ${sigma}`);
  const radius = kernelRadius(sigma, window);
  const size = 2 * radius + 1;
  const w = new Float64Array(size);
  const s2 = sigma * sigma;
  for (let j = 0; j <= radius; j++) {
    const g = Math.exp(-(j * j) / (2 * s2));
    const v = order === 0 ? g : order === 1 ? (-j / s2) * g : ((j * j) / (s2 * s2) - 1 / s2) * g;
    w[radius + j] = v;
    w[radius - j] = order === 1 ? -v : v;
  }
  if (order === 0) {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += w[i];
    for (let i = 0; i < size; i++) w[i] /= sum;
  } else {
    if (order === 2) {
      // DC removal (the mean of an antisymmetric order-1 kernel is exactly 0, so it is skipped there).
      let mean = 0;
      for (let i = 0; i < size; i++) mean += w[i];
      mean /= size;
      for (let i = 0; i < size; i++) w[i] -= mean;
    }
    let moment = 0;
    for (let j = -radius; j <= radius; j++) moment += w[radius + j] * (order === 1 ? -j : (j * j) / 2);
    for (let i = 0; i < size; i++) w[i] /= moment;
    // Re-impose exact (anti)symmetry after the arithmetic above.
    for (let j = 1; j <= radius; j++) w[radius - j] = order === 1 ? -w[radius + j] : w[radius + j];
    if (order === 1) w[radius] = 0;
  }
  const coefficients = new Float64Array(size);
  for (let t = 0; t < size; t++) coefficients[t] = w[size - 1 - t];
  const kernel: Kernel1D = { sigma, order, window, radius, weights: w, coefficients };
  cache.set(key, kernel);
  return kernel;
}
