/**
 * Display statistics of one raw image plane: full range and the 0.1 / 99.9 percentiles the webview
 * uses for auto contrast (issue #2).
 */
import type { PixelArray } from '../core/image/imageModel';

/** Range and auto-contrast percentiles of a plane (raw sample values). */
export interface PlaneStats {
  min: number;
  max: number;
  /** 0.1 percentile */
  low: number;
  /** 99.9 percentile */
  high: number;
}

/** Histogram bins used for types wider than 16 bits. */
const FLOAT_BINS = 65536;

/**
 * Computes min, max and the `lowFraction` / `highFraction` quantiles of `data`.
 *
 * 8- and 16-bit integer planes use an exact histogram over all values, so percentiles are exact
 * sample values. 32-bit and float planes use a 65536-bin histogram over [min, max]; their percentiles
 * are bin lower edges, accurate to (max − min) / 65536, plenty for display contrast. NaN and ±Inf
 * samples are ignored; a plane with no finite sample gets all zeros.
 *
 * Quantile definition: the smallest value v such that at least ⌈fraction·n⌉ samples are ≤ v
 * (with at least one sample), i.e. the "inverted CDF" method.
 *
 * @param data row-major plane in its own sample type
 * @param lowFraction @default 0.001
 * @param highFraction @default 0.999
 * @example planeStats(new Uint8Array([0, 10, 20, 255])) // { min: 0, max: 255, low: 0, high: 255 }
 */
export function planeStats(data: PixelArray, lowFraction = 0.001, highFraction = 0.999): PlaneStats {
  if (data instanceof Uint8Array || data instanceof Int8Array || data instanceof Uint16Array || data instanceof Int16Array) {
    return integerStats(data, lowFraction, highFraction);
  }
  return binnedStats(data, lowFraction, highFraction);
}

function rank(n: number, fraction: number): number {
  // 1-based rank of the quantile sample.
  return Math.min(n, Math.max(1, Math.ceil(fraction * n)));
}

function integerStats(data: Uint8Array | Int8Array | Uint16Array | Int16Array, lo: number, hi: number): PlaneStats {
  const offset = data instanceof Int8Array ? 128 : data instanceof Int16Array ? 32768 : 0;
  const size = data instanceof Uint8Array || data instanceof Int8Array ? 256 : 65536;
  const hist = new Uint32Array(size);
  const n = data.length;
  if (n === 0) return { min: 0, max: 0, low: 0, high: 0 };
  for (let i = 0; i < n; i++) hist[data[i] + offset]++;
  let min = 0;
  while (hist[min] === 0) min++;
  let max = size - 1;
  while (hist[max] === 0) max--;
  const [low, high] = quantileBins(hist, min, max, rank(n, lo), rank(n, hi));
  return { min: min - offset, max: max - offset, low: low - offset, high: high - offset };
}

function binnedStats(data: PixelArray, lo: number, hi: number): PlaneStats {
  let min = Infinity;
  let max = -Infinity;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return { min: 0, max: 0, low: 0, high: 0 };
  if (min === max) return { min, max, low: min, high: max };
  const hist = new Uint32Array(FLOAT_BINS);
  const scale = (FLOAT_BINS - 1) / (max - min);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    hist[Math.floor((v - min) * scale)]++;
  }
  const [lowBin, highBin] = quantileBins(hist, 0, FLOAT_BINS - 1, rank(n, lo), rank(n, hi));
  return { min, max, low: min + lowBin / scale, high: Math.min(max, min + highBin / scale) };
}

/**
 * First bins (in `from..to`) where the cumulative histogram count reaches the 1-based ranks `rLow` and `rHigh`;
 * `from` / `to` when a rank is never reached.
 */
function quantileBins(hist: Uint32Array, from: number, to: number, rLow: number, rHigh: number): [number, number] {
  let low = from;
  let high = to;
  let cumulative = 0;
  let foundLow = false;
  for (let b = from; b <= to; b++) {
    cumulative += hist[b];
    if (!foundLow && cumulative >= rLow) {
      low = b;
      foundLow = true;
    }
    if (cumulative >= rHigh) {
      high = b;
      break;
    }
  }
  return [low, high];
}
