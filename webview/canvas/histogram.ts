/**
 * Histogram of a raw plane for the contrast panel. Pure (no DOM).
 */
import type { PlaneArray } from './lut';

/**
 * Counts `data` in `bins` equal-width bins over [lo, hi]: bin i covers [lo + i·w, lo + (i+1)·w) with
 * w = (hi − lo) / bins, and `hi` itself falls in the last bin. Values outside [lo, hi] and NaN are not
 * counted. When hi ≤ lo every value equal to lo goes into bin 0.
 */
export function histogram(data: PlaneArray, lo: number, hi: number, bins: number): Uint32Array {
  const counts = new Uint32Array(bins);
  if (!(hi > lo)) {
    for (let i = 0; i < data.length; i++) if (data[i] === lo) counts[0]++;
    return counts;
  }
  const k = bins / (hi - lo);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= lo && v <= hi)) continue;
    const b = Math.floor((v - lo) * k);
    counts[b >= bins ? bins - 1 : b]++;
  }
  return counts;
}

/** Bar heights 0..1 on a log scale (log(1 + count) / log(1 + max)), so sparse tails stay visible. */
export function logHeights(counts: Uint32Array): Float32Array {
  let max = 0;
  for (const c of counts) if (c > max) max = c;
  const out = new Float32Array(counts.length);
  if (max === 0) return out;
  const d = Math.log1p(max);
  for (let i = 0; i < counts.length; i++) out[i] = Math.log1p(counts[i]) / d;
  return out;
}
