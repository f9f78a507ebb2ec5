/**
 * The polygon and lasso tools' pixels (issue #16): a closed outline (clicked vertices, or a freehand path)
 * filled with the even-odd rule — a pixel is inside when its centre is — plus the pixels the outline passes
 * through, so a thin or tiny outline still writes what the user drew. Coordinates are image pixels as for
 * strokes: pixel (row, column) covers [column, column+1) × [row, row+1).
 */
import { rasterizeStroke, type RasterizedStroke, type StrokePoint } from '../rasterizeStroke';

/**
 * Pixels of the polygon `points` (closed automatically), clipped to the plane.
 * @example rasterizePolygon([{row:0,column:0},{row:0,column:3},{row:3,column:3},{row:3,column:0}], 4, 4).indices.length // 16 (3×3 inside + outline)
 */
export function rasterizePolygon(points: readonly StrokePoint[], width: number, height: number): RasterizedStroke {
  if (points.length === 0) return { indices: new Uint32Array(0), box: { column: 0, row: 0, width: 0, height: 0 } };
  for (const p of points) if (!Number.isFinite(p.row) || !Number.isFinite(p.column)) throw new RangeError('polygon points must be finite numbers');
  const mask = new Uint8Array(width * height);
  // Interior: scanline at each pixel centre row, even-odd crossings.
  let minR = Infinity, maxR = -Infinity;
  for (const p of points) { minR = Math.min(minR, p.row); maxR = Math.max(maxR, p.row); }
  const rStart = Math.max(0, Math.floor(minR - 0.5));
  const rEnd = Math.min(height - 1, Math.ceil(maxR));
  const n = points.length;
  const xs: number[] = [];
  for (let row = rStart; row <= rEnd; row++) {
    const y = row + 0.5;
    xs.length = 0;
    for (let i = 0; i < n; i++) {
      const a = points[i];
      const b = points[(i + 1) % n];
      if ((a.row <= y && b.row > y) || (b.row <= y && a.row > y)) xs.push(a.column + ((y - a.row) / (b.row - a.row)) * (b.column - a.column));
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // Centres column + 0.5 in [xs[k], xs[k+1]).
      const cStart = Math.max(0, Math.ceil(xs[k] - 0.5));
      const cEnd = Math.min(width - 1, Math.ceil(xs[k + 1] - 0.5) - 1);
      for (let column = cStart; column <= cEnd; column++) mask[row * width + column] = 1;
    }
  }
  // Outline: the pixels the closed path passes through (radius 0: the pixel containing each point of it).
  const outline = rasterizeStroke([...points, points[0]], 0, width, height);
  for (let i = 0; i < outline.indices.length; i++) mask[outline.indices[i]] = 1;
  let count = 0;
  let r0 = Infinity, r1 = -1, c0 = Infinity, c1 = -1;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    count++;
    const r = Math.floor(i / width);
    const c = i - r * width;
    if (r < r0) r0 = r; if (r > r1) r1 = r;
    if (c < c0) c0 = c; if (c > c1) c1 = c;
  }
  const indices = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) indices[k++] = i;
  return { indices, box: count ? { column: c0, row: r0, width: c1 - c0 + 1, height: r1 - r0 + 1 } : { column: 0, row: 0, width: 0, height: 0 } };
}
