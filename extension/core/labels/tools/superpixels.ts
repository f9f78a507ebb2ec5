/**
 * Superpixels for the superpixel brush (issue #16): SLIC (Achanta et al. 2012) on one grey tile. The plane is
 * cut into fixed tiles ({@link SUPERPIXEL_TILE}) aligned to its origin, so the webview's preview and the host's
 * edit compute the same segments from the same pixels, whatever the view; segments never cross a tile border.
 *
 * Distance between a pixel and a centre: sqrt(dv² + (ds/S)²·m²), with dv the difference of intensities
 * normalised to the tile's 1st–99th percentile range, ds the Euclidean distance in pixels, S the grid step and m
 * the compactness. Ten iterations, then fragments smaller than S²/4 join a neighbouring segment, so every
 * segment is 4-connected. Deterministic.
 */

/** Edge of the tiles superpixels are computed on (pixels). */
export const SUPERPIXEL_TILE = 256;

/** Options of {@link slic}. */
export interface SlicOptions {
  /** Grid step S (≈ superpixel edge), pixels. @default 12 */
  step?: number;
  /** Compactness m (0 = follow intensity only; larger = squarer). @default 0.15 */
  compactness?: number;
  /** Iterations. @default 10 */
  iterations?: number;
}

/** Segment ids (0..count−1) per pixel of the tile, row-major. */
export interface Superpixels {
  labels: Int32Array;
  count: number;
  width: number;
  height: number;
}

function percentileRange(values: ArrayLike<number>): [number, number] {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const lo = sorted[Math.floor(0.01 * (sorted.length - 1))];
  const hi = sorted[Math.ceil(0.99 * (sorted.length - 1))];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** SLIC superpixels of a `width`×`height` tile of grey values. */
export function slic(values: ArrayLike<number>, width: number, height: number, options: SlicOptions = {}): Superpixels {
  const n = width * height;
  if (values.length < n || width < 1 || height < 1) throw new RangeError(`superpixels need ${width}×${height} values, got ${values.length}`);
  const S = Math.max(2, Math.round(options.step ?? 12));
  const m = options.compactness ?? 0.15;
  const iterations = options.iterations ?? 10;
  const [lo, hi] = percentileRange(values);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (values[i] - lo) / (hi - lo);
  // Centres on the grid, moved to the lowest gradient of their 3×3 neighbourhood.
  const cx: number[] = [], cy: number[] = [], cv: number[] = [];
  const gradient = (x: number, y: number) => {
    const at = (xx: number, yy: number) => v[Math.min(height - 1, Math.max(0, yy)) * width + Math.min(width - 1, Math.max(0, xx))];
    return (at(x + 1, y) - at(x - 1, y)) ** 2 + (at(x, y + 1) - at(x, y - 1)) ** 2;
  };
  for (let y = Math.floor(S / 2); y < height; y += S) {
    for (let x = Math.floor(S / 2); x < width; x += S) {
      let bx = x, by = y, best = Infinity;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx, yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
        const g = gradient(xx, yy);
        if (g < best) { best = g; bx = xx; by = yy; }
      }
      cx.push(bx); cy.push(by); cv.push(v[by * width + bx]);
    }
  }
  if (cx.length === 0) { cx.push(Math.floor(width / 2)); cy.push(Math.floor(height / 2)); cv.push(v[Math.floor(height / 2) * width + Math.floor(width / 2)]); }
  const k = cx.length;
  const labels = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const spatial = (m * m) / (S * S);
  for (let it = 0; it < iterations; it++) {
    dist.fill(Infinity);
    for (let c = 0; c < k; c++) {
      const x0 = Math.max(0, Math.floor(cx[c] - S)), x1 = Math.min(width - 1, Math.ceil(cx[c] + S));
      const y0 = Math.max(0, Math.floor(cy[c] - S)), y1 = Math.min(height - 1, Math.ceil(cy[c] + S));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const i = y * width + x;
          const dv = v[i] - cv[c];
          const d = dv * dv + ((x - cx[c]) ** 2 + (y - cy[c]) ** 2) * spatial;
          if (d < dist[i]) { dist[i] = d; labels[i] = c; }
        }
      }
    }
    const sx = new Float64Array(k), sy = new Float64Array(k), sv = new Float64Array(k), sn = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      if (c < 0) continue;
      sx[c] += i % width; sy[c] += Math.floor(i / width); sv[c] += v[i]; sn[c]++;
    }
    for (let c = 0; c < k; c++) if (sn[c] > 0) { cx[c] = sx[c] / sn[c]; cy[c] = sy[c] / sn[c]; cv[c] = sv[c] / sn[c]; }
  }
  // Pixels no centre reached (tiny tiles) join centre 0's segment; then enforce connectivity.
  for (let i = 0; i < n; i++) if (labels[i] < 0) labels[i] = 0;
  return connected(labels, width, height, Math.max(1, Math.floor((S * S) / 4)));
}

/** Relabels 4-connected components 0..count−1 in scan order; components below `minSize` join their left/upper neighbour. */
function connected(labels: Int32Array, width: number, height: number, minSize: number): Superpixels {
  const n = width * height;
  const out = new Int32Array(n).fill(-1);
  let count = 0;
  const queue = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (out[start] >= 0) continue;
    const original = labels[start];
    // Neighbouring final label (left or up) for merging small fragments.
    let adjacent = -1;
    const sx = start % width;
    if (sx > 0 && out[start - 1] >= 0) adjacent = out[start - 1];
    else if (start >= width && out[start - width] >= 0) adjacent = out[start - width];
    let head = 0, tail = 0;
    queue[tail++] = start;
    out[start] = count;
    while (head < tail) {
      const i = queue[head++];
      const x = i % width;
      const neighbours = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i >= width ? i - width : -1, i + width < n ? i + width : -1];
      for (const j of neighbours) {
        if (j >= 0 && out[j] < 0 && labels[j] === original) { out[j] = count; queue[tail++] = j; }
      }
    }
    if (tail < minSize && adjacent >= 0) {
      for (let q = 0; q < tail; q++) out[queue[q]] = adjacent;
    } else count++;
  }
  return { labels: out, count, width, height };
}

/**
 * The pixels of the superpixels touched by `touched` (plane indices), as plane indices: the superpixel brush.
 * @param tileOf returns the superpixels of the tile with origin (column, row) (cached by the caller)
 */
export function superpixelBrush(
  touched: ArrayLike<number>, planeWidth: number, planeHeight: number,
  tileOf: (column: number, row: number) => Superpixels,
): Uint32Array {
  const chosen = new Map<string, Set<number>>();
  for (let k = 0; k < touched.length; k++) {
    const i = touched[k];
    const row = Math.floor(i / planeWidth), column = i - row * planeWidth;
    if (row >= planeHeight) throw new RangeError(`index ${i} is outside the ${planeWidth}×${planeHeight} plane`);
    const tc = column - (column % SUPERPIXEL_TILE), tr = row - (row % SUPERPIXEL_TILE);
    const key = `${tc},${tr}`;
    const tile = tileOf(tc, tr);
    const id = tile.labels[(row - tr) * tile.width + (column - tc)];
    let set = chosen.get(key);
    if (!set) chosen.set(key, (set = new Set()));
    set.add(id);
  }
  const out: number[] = [];
  for (const [key, ids] of chosen) {
    const [tc, tr] = key.split(',').map(Number);
    const tile = tileOf(tc, tr);
    for (let y = 0; y < tile.height; y++) for (let x = 0; x < tile.width; x++) {
      if (ids.has(tile.labels[y * tile.width + x])) out.push((tr + y) * planeWidth + tc + x);
    }
  }
  return Uint32Array.from(out).sort();
}
