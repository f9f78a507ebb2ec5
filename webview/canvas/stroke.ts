/**
 * Brush strokes: interpolation between mouse events and rasterisation of the round brush for the local
 * preview. Pure (no DOM).
 *
 * Brush geometry (diameter d image pixels, position (x, y) in continuous image coordinates):
 * odd d is centred on the centre of the pixel under (x, y); even d on the pixel corner nearest to (x, y).
 * A pixel is painted when its centre lies within d/2 of the brush centre, so d = 1 paints one pixel,
 * d = 2 a 2×2 block, d = 3 a 3×3 block and larger sizes a digital disc.
 */
import type { PixelBox } from '../../extension/protocol';

/** Largest distance (image px) between two consecutive stroke points that still leaves no gaps. */
export function strokeSpacing(brushSize: number): number {
  return Math.max(1, brushSize / 4);
}

/**
 * Inserts points along each segment so consecutive points are at most `spacing` apart.
 * `points` are (x, y) pairs; the result starts with the first point and ends with the last.
 */
export function interpolateStroke(points: ArrayLike<number>, spacing: number): Float32Array {
  const n = Math.floor(points.length / 2);
  if (n === 0) return new Float32Array(0);
  const out: number[] = [points[0], points[1]];
  for (let i = 1; i < n; i++) {
    const x0 = points[2 * i - 2], y0 = points[2 * i - 1];
    const x1 = points[2 * i], y1 = points[2 * i + 1];
    const dist = Math.hypot(x1 - x0, y1 - y0);
    const steps = Math.max(1, Math.ceil(dist / spacing));
    if (dist === 0) continue;
    for (let s = 1; s <= steps; s++) {
      const f = s / steps;
      out.push(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f);
    }
  }
  return Float32Array.from(out);
}

const offsetCache = new Map<number, Int16Array>();

/**
 * Pixel offsets (dc, dr pairs) of the round brush of diameter `size` relative to its anchor pixel:
 * floor(x), floor(y) for odd sizes, round(x), round(y) for even sizes (see module doc).
 */
export function discOffsets(size: number): Int16Array {
  const d = Math.max(1, Math.round(size));
  let offsets = offsetCache.get(d);
  if (offsets) return offsets;
  const r2 = (d / 2) * (d / 2);
  const half = Math.ceil(d / 2) + 1;
  const even = d % 2 === 0;
  const list: number[] = [];
  for (let dr = -half; dr <= half; dr++) {
    for (let dc = -half; dc <= half; dc++) {
      const ex = even ? dc + 0.5 : dc;
      const ey = even ? dr + 0.5 : dr;
      if (ex * ex + ey * ey <= r2) list.push(dc, dr);
    }
  }
  offsets = Int16Array.from(list);
  offsetCache.set(d, offsets);
  return offsets;
}

/** Anchor pixel of the brush at (x, y) (see discOffsets). */
export function brushAnchor(x: number, y: number, size: number): { column: number; row: number } {
  const even = Math.round(size) % 2 === 0;
  return even ? { column: Math.round(x), row: Math.round(y) } : { column: Math.floor(x), row: Math.floor(y) };
}

/** Result of rasterising a stroke: a 0/1 mask of `box` (row-major), clipped to the image. */
export interface StrokeMask {
  box: PixelBox;
  mask: Uint8Array;
}

/**
 * Rasterises the brush stamped at every point of `points` ((x, y) pairs, already interpolated) into a
 * mask clipped to the `width × height` image. Returns an empty box when nothing falls inside.
 */
export function rasterizeStroke(points: ArrayLike<number>, brushSize: number, width: number, height: number): StrokeMask {
  const n = Math.floor(points.length / 2);
  const offsets = discOffsets(brushSize);
  let minDc = 0, maxDc = 0, minDr = 0, maxDr = 0;
  for (let i = 0; i < offsets.length; i += 2) {
    minDc = Math.min(minDc, offsets[i]); maxDc = Math.max(maxDc, offsets[i]);
    minDr = Math.min(minDr, offsets[i + 1]); maxDr = Math.max(maxDr, offsets[i + 1]);
  }
  let c0 = Infinity, r0 = Infinity, c1 = -Infinity, r1 = -Infinity;
  const anchors = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = brushAnchor(points[2 * i], points[2 * i + 1], brushSize);
    anchors[2 * i] = a.column; anchors[2 * i + 1] = a.row;
    c0 = Math.min(c0, a.column + minDc); c1 = Math.max(c1, a.column + maxDc + 1);
    r0 = Math.min(r0, a.row + minDr); r1 = Math.max(r1, a.row + maxDr + 1);
  }
  c0 = Math.max(0, c0); r0 = Math.max(0, r0); c1 = Math.min(width, c1); r1 = Math.min(height, r1);
  if (!(c1 > c0 && r1 > r0)) return { box: { column: 0, row: 0, width: 0, height: 0 }, mask: new Uint8Array(0) };
  const bw = c1 - c0, bh = r1 - r0;
  const mask = new Uint8Array(bw * bh);
  for (let i = 0; i < n; i++) {
    const ac = anchors[2 * i], ar = anchors[2 * i + 1];
    for (let k = 0; k < offsets.length; k += 2) {
      const c = ac + offsets[k], r = ar + offsets[k + 1];
      if (c >= c0 && c < c1 && r >= r0 && r < r1) mask[(r - r0) * bw + (c - c0)] = 1;
    }
  }
  return { box: { column: c0, row: r0, width: bw, height: bh }, mask };
}

/** Smallest box containing both (either may be empty). */
export function unionBox(a: PixelBox, b: PixelBox): PixelBox {
  if (a.width <= 0 || a.height <= 0) return { ...b };
  if (b.width <= 0 || b.height <= 0) return { ...a };
  const c0 = Math.min(a.column, b.column), r0 = Math.min(a.row, b.row);
  const c1 = Math.max(a.column + a.width, b.column + b.width), r1 = Math.max(a.row + a.height, b.row + b.height);
  return { column: c0, row: r0, width: c1 - c0, height: r1 - r0 };
}

/** Intersection of a box with the image, possibly empty. */
export function clipBox(box: PixelBox, width: number, height: number): PixelBox {
  const c0 = Math.max(0, box.column), r0 = Math.max(0, box.row);
  const c1 = Math.min(width, box.column + box.width), r1 = Math.min(height, box.row + box.height);
  return { column: c0, row: r0, width: Math.max(0, c1 - c0), height: Math.max(0, r1 - r0) };
}

/**
 * Clamps stroke points into the image grown by `margin` on every side (in place; returns `points`).
 * Points further out paint nothing (the brush radius is ≤ 30.5 px), but the host rejects strokes with
 * points far outside the image, so a drag that leaves the image must not invalidate the whole stroke.
 * Clamping is monotonic per coordinate, so segments between consecutive clamped points stay outside
 * the image wherever the original ones did.
 */
export function clampStrokePoints(points: Float32Array, width: number, height: number, margin = 60): Float32Array {
  for (let i = 0; i < points.length; i += 2) {
    points[i] = Math.min(width + margin, Math.max(-margin, points[i]));
    points[i + 1] = Math.min(height + margin, Math.max(-margin, points[i + 1]));
  }
  return points;
}
