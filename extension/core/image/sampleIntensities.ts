/**
 * A cheap, deterministic estimate of an image's intensity range per channel: the 1st and 99th percentiles of
 * a sample of its pixels (up to 3 planes spread over t/z; small planes whole, large planes as a 4×4 grid of
 * 128² windows). Used to warn when an image's intensities are unlike the classifier's training images
 * (issue 14) without reading whole images.
 */
import type { DType, ImageSource } from './imageModel';

/** 1st and 99th percentile of one channel's sampled (finite) values; undefined fields when nothing was finite. */
export interface IntensityRange {
  low: number;
  high: number;
}

/** Options of {@link sampleIntensities}. */
export interface SampleOptions {
  /** Planes (t, z positions) sampled per channel. @default 3 */
  maxPlanes?: number;
  /** Planes up to this many pixels are read whole. @default 262144 (512²) */
  wholePlanePixels?: number;
  /** Edge of the windows read from larger planes. @default 128 */
  window?: number;
  /** Windows per axis of larger planes. @default 4 */
  grid?: number;
}

/**
 * Rearranges `values` so that `values[k]` is the value a full sort would put there, everything before it ≤ and
 * everything after it ≥ (Hoare's selection, median-of-three pivots; O(n) on average instead of a sort's O(n log n):
 * the sample of a 1024² plane is 262144 values, whose sort was most of a batch run's main-thread time).
 * `values` must hold no NaN. Returns `values[k]`.
 */
export function selectRank(values: Float32Array | number[], k: number): number {
  let lo = 0, hi = values.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as the pivot, so sorted or constant runs do not degrade to quadratic time
    const a = values[lo], b = values[mid], c = values[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    let i = lo, j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i]; values[i] = values[j]; values[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k];
}

/**
 * The value at fraction `q` of the values' sorted order (nearest rank below), NaN for none; rearranges `values` in
 * place ({@link selectRank}). Values must not be NaN.
 */
export function percentile(values: Float32Array | number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  return selectRank(values, rankOf(values.length, q));
}

/** The rank {@link percentile} reads for fraction `q` of `n` values. */
function rankOf(n: number, q: number): number {
  return Math.min(n - 1, Math.max(0, Math.floor(q * (n - 1))));
}

/** Integer samples spanning fewer values than this are ranked by counting (every 8- and 16-bit image). */
const COUNTING_SPAN = 1 << 20;

/**
 * The values of ranks `ranks` (0-based, ascending order) of integer `values` in [min, max], by counting them: the
 * values {@link selectRank} finds, in one pass for all ranks instead of a selection per rank (the sample of an 8- or
 * 16-bit image is integers).
 */
export function countedRanks(values: Float32Array, min: number, max: number, ranks: readonly number[]): number[] {
  const counts = new Uint32Array(max - min + 1);
  for (let i = 0; i < values.length; i++) counts[(values[i] - min) | 0]++;
  return ranksFromCounts(counts, min, ranks);
}

/** The values of ranks `ranks` (0-based, ascending order) given `counts[v − offset]` of every value v. */
function ranksFromCounts(counts: Uint32Array, offset: number, ranks: readonly number[]): number[] {
  const order = ranks.map((k, i) => ({ k, i })).sort((a, b) => a.k - b.k);
  const found = new Array<number>(ranks.length).fill(offset + counts.length - 1);
  let next = 0, seen = 0;
  for (let v = 0; v < counts.length && next < order.length; v++) {
    seen += counts[v];
    while (next < order.length && seen > order[next].k) found[order[next++].i] = v + offset;
  }
  return found;
}

/** Evenly spread indices into 0..total−1, at most `count` of them. */
export function spreadIndices(total: number, count: number): number[] {
  const n = Math.max(1, Math.min(total, count));
  return Array.from({ length: n }, (_, k) => Math.floor(((k + 0.5) * total) / n));
}

/** Value ranges of the sample types whose samples are counted straight from the windows read (all integers, few values). */
const COUNTED_TYPES: Partial<Record<DType, [number, number]>> = { uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767] };

/** A region read for sampling: `width` columns per row, of which the column ranges `spans` ([start, end)) are sampled. */
interface SampledRegion { data: Float32Array; width: number; spans: [number, number][] }

/**
 * Samples every channel of `source` and returns its 1st–99th percentile range, one entry per channel.
 * Non-finite values (NaN, ±Inf in float images) are ignored; a channel with none finite gets NaN bounds.
 * The windows of one row of the grid are read as one region when it is at most twice their width (a file is read
 * by rows: four windows side by side read the same strips four times), and samples of 8- and 16-bit images are
 * counted as they are read (a batch run samples every image: sorting, then selecting, 262144 values of each was a
 * tenth of its time).
 */
export async function sampleIntensities(source: ImageSource, options: SampleOptions = {}): Promise<IntensityRange[]> {
  const { t: T, z: Z, c: C, y: Y, x: X } = source.info.shape;
  const planes = spreadIndices(T * Z, options.maxPlanes ?? 3);
  const whole = Y * X <= (options.wholePlanePixels ?? 262144);
  const window = options.window ?? 128;
  const grid = options.grid ?? 4;
  const counted = COUNTED_TYPES[source.info.dtype];
  const ranges: IntensityRange[] = [];
  for (let c = 0; c < C; c++) {
    const regions: SampledRegion[] = [];
    for (const p of planes) {
      const t = Math.floor(p / Z);
      const z = p % Z;
      if (whole) {
        regions.push({ data: await source.readPlaneFloat32(t, z, c), width: X, spans: [[0, X]] });
        continue;
      }
      const spans = windowStarts(X, window, grid).map((x0): [number, number] => [x0, Math.min(X, x0 + window)]);
      const first = spans[0][0], last = spans[spans.length - 1][1];
      const merged = last - first <= 2 * spans.reduce((n, [a, b]) => n + b - a, 0);
      for (const y0 of windowStarts(Y, window, grid)) {
        const rows = { y0, y1: Math.min(Y, y0 + window) };
        if (merged) {
          const data = await source.readRegionFloat32(t, z, c, { ...rows, x0: first, x1: last });
          regions.push({ data, width: last - first, spans: spans.map(([a, b]): [number, number] => [a - first, b - first]) });
        } else {
          for (const [x0, x1] of spans) regions.push({ data: await source.readRegionFloat32(t, z, c, { ...rows, x0, x1 }), width: x1 - x0, spans: [[0, x1 - x0]] });
        }
      }
    }
    ranges.push(counted ? countedRange(regions, counted) : selectedRange(regions));
  }
  return ranges;
}

/** The range of integer samples in [lo, hi] by counting them. */
function countedRange(regions: SampledRegion[], [lo, hi]: [number, number]): IntensityRange {
  const counts = new Uint32Array(hi - lo + 1);
  let n = 0;
  for (const { data, width, spans } of regions) {
    for (let row = 0; row < data.length; row += width) {
      for (const [a, b] of spans) {
        for (let i = row + a; i < row + b; i++) counts[(data[i] - lo) | 0]++;
        n += b - a;
      }
    }
  }
  if (n === 0) return { low: Number.NaN, high: Number.NaN };
  const [low, high] = ranksFromCounts(counts, lo, [rankOf(n, 0.01), rankOf(n, 0.99)]);
  return { low, high };
}

/** The range of any samples: non-finite ones dropped, then counted when all are integers of a modest span, else selected. */
function selectedRange(regions: SampledRegion[]): IntensityRange {
  const values = new Float32Array(regions.reduce((n, r) => n + (r.data.length / r.width) * r.spans.reduce((m, [a, b]) => m + b - a, 0), 0));
  let n = 0;
  let min = Infinity, max = -Infinity, integral = true;
  for (const { data, width, spans } of regions) {
    for (let row = 0; row < data.length; row += width) {
      for (const [a, b] of spans) {
        for (let i = row + a; i < row + b; i++) {
          // + 0 turns −0 into +0: selection compares with <, under which the two are equal (a sort puts −0 first)
          const v = data[i] + 0;
          if (!Number.isFinite(v)) continue;
          values[n++] = v;
          if (v < min) min = v;
          if (v > max) max = v;
          if (integral && v !== Math.floor(v)) integral = false;
        }
      }
    }
  }
  const finite = values.subarray(0, n);
  if (n > 0 && integral && max - min < COUNTING_SPAN) {
    const [low, high] = countedRanks(finite, min, max, [rankOf(n, 0.01), rankOf(n, 0.99)]);
    return { low, high };
  }
  return { low: percentile(finite, 0.01), high: percentile(finite, 0.99) };
}

/** Starts of `grid` windows of `window` pixels centred in equal cells of `length` (fewer when short). */
function windowStarts(length: number, window: number, grid: number): number[] {
  if (length <= window) return [0];
  const starts = new Set<number>();
  for (let k = 0; k < grid; k++) {
    const centre = ((k + 0.5) * length) / grid;
    starts.add(Math.max(0, Math.min(length - window, Math.round(centre - window / 2))));
  }
  return [...starts];
}
