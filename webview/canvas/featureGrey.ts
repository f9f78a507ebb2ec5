/** Feature preview pixels as RGBA: a pure function over plain arrays (no DOM), used by the feature preview layer. */

/** Grey RGBA of float values between min (black) and max (white); non-finite values are transparent. */
export function renderFeatureGrey(data: Float32Array, min: number, max: number, out: Uint8ClampedArray): void {
  const scale = max > min ? 255 / (max - min) : 0;
  for (let i = 0, o = 0; i < data.length; i++, o += 4) {
    const v = data[i];
    if (!Number.isFinite(v)) { out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0; continue; }
    const g = Math.max(0, Math.min(255, Math.round((v - min) * scale)));
    out[o] = out[o + 1] = out[o + 2] = g;
    out[o + 3] = 255;
  }
}
