/**
 * Rasterises a brush stroke (issue #5): a polyline of pointer positions painted with a round brush,
 * interpolated between positions so fast strokes have no gaps.
 */
import { createEdit, type LabelEdit } from './labelEdit';
import type { LabelStore } from './labelVolume';

/** A pointer position in image pixel coordinates: pixel (row, column) covers [column, column+1) × [row, row+1). */
export interface StrokePoint {
  row: number;
  column: number;
}

/** Result of {@link rasterizeStroke}. */
export interface RasterizedStroke {
  /** Plane indices (`row * width + column`), strictly increasing. */
  indices: Uint32Array;
  /** Bounding box of the painted pixels (half-open); width/height 0 when nothing was painted. */
  box: { column: number; row: number; width: number; height: number };
}

/**
 * Pixels painted by a round brush moved along `points`.
 *
 * A pixel is painted when its centre (column + 0.5, row + 0.5) lies within `radius` of the polyline
 * (each segment between consecutive points; a single point is a dot). In addition the pixel containing
 * every point of the polyline is painted (sampled every ≤ 0.5 px), so a 1-pixel brush draws a connected
 * line and a click on a pixel corner still paints. Pixels outside the plane are clipped.
 *
 * @param points pointer positions in image pixel coordinates (floats allowed), at least one
 * @param radius brush radius in pixels (brush size / 2; a size-1 brush has radius 0.5), ≥ 0
 * @param width plane width (columns)
 * @param height plane height (rows)
 * @example rasterizeStroke([{ row: 1.5, column: 1.5 }], 0.5, 4, 4).indices  // Uint32Array [5]
 */
export function rasterizeStroke(points: readonly StrokePoint[], radius: number, width: number, height: number): RasterizedStroke {
  const empty: RasterizedStroke = { indices: new Uint32Array(0), box: { column: 0, row: 0, width: 0, height: 0 } };
  if (points.length === 0 || !(radius >= 0)) return empty;
  for (const p of points) {
    if (!Number.isFinite(p.row) || !Number.isFinite(p.column)) throw new RangeError('stroke points must be finite numbers');
  }
  // Bounding box of the whole stroke, clipped to the plane.
  let minR = Infinity, maxR = -Infinity, minC = Infinity, maxC = -Infinity;
  for (const p of points) {
    minR = Math.min(minR, p.row); maxR = Math.max(maxR, p.row);
    minC = Math.min(minC, p.column); maxC = Math.max(maxC, p.column);
  }
  const r0 = Math.max(0, Math.floor(minR - radius - 1));
  const r1 = Math.min(height - 1, Math.ceil(maxR + radius + 1));
  const c0 = Math.max(0, Math.floor(minC - radius - 1));
  const c1 = Math.min(width - 1, Math.ceil(maxC + radius + 1));
  if (r0 > r1 || c0 > c1) return empty;
  const maskWidth = c1 - c0 + 1;
  const mask = new Uint8Array(maskWidth * (r1 - r0 + 1));
  const r2 = radius * radius + 1e-9;

  const segments = points.length === 1 ? [[points[0], points[0]]] : points.slice(1).map((p, i) => [points[i], p]);
  for (const [a, b] of segments) {
    // Disc sweep: centres within radius of segment ab.
    const sr0 = Math.max(r0, Math.floor(Math.min(a.row, b.row) - radius - 0.5));
    const sr1 = Math.min(r1, Math.ceil(Math.max(a.row, b.row) + radius - 0.5));
    const sc0 = Math.max(c0, Math.floor(Math.min(a.column, b.column) - radius - 0.5));
    const sc1 = Math.min(c1, Math.ceil(Math.max(a.column, b.column) + radius - 0.5));
    const dr = b.row - a.row;
    const dc = b.column - a.column;
    const len2 = dr * dr + dc * dc;
    for (let row = sr0; row <= sr1; row++) {
      const pr = row + 0.5 - a.row;
      for (let column = sc0; column <= sc1; column++) {
        const pc = column + 0.5 - a.column;
        let u = len2 > 0 ? (pr * dr + pc * dc) / len2 : 0;
        if (u < 0) u = 0; else if (u > 1) u = 1;
        const er = pr - u * dr;
        const ec = pc - u * dc;
        if (er * er + ec * ec <= r2) mask[(row - r0) * maskWidth + (column - c0)] = 1;
      }
    }
    // Containing pixels along the segment (connectivity for thin brushes).
    const steps = Math.max(1, Math.ceil(Math.sqrt(len2) * 2));
    for (let s = 0; s <= steps; s++) {
      const row = Math.floor(a.row + (dr * s) / steps);
      const column = Math.floor(a.column + (dc * s) / steps);
      if (row >= r0 && row <= r1 && column >= c0 && column <= c1) mask[(row - r0) * maskWidth + (column - c0)] = 1;
    }
  }

  let count = 0;
  let br0 = Infinity, br1 = -1, bc0 = Infinity, bc1 = -1;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    count++;
    const row = r0 + Math.floor(i / maskWidth);
    const column = c0 + (i % maskWidth);
    if (row < br0) br0 = row;
    if (row > br1) br1 = row;
    if (column < bc0) bc0 = column;
    if (column > bc1) bc1 = column;
  }
  if (count === 0) return empty;
  const indices = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) indices[k++] = (r0 + Math.floor(i / maskWidth)) * width + c0 + (i % maskWidth);
  }
  return { indices, box: { column: bc0, row: br0, width: bc1 - bc0 + 1, height: br1 - br0 + 1 } };
}

/**
 * The edit of painting (or erasing with `classId` 0) a stroke on plane (t, z) of `volume`.
 * @returns `undefined` when the stroke changes nothing
 */
export function strokeEdit(
  volume: LabelStore,
  t: number,
  z: number,
  points: readonly StrokePoint[],
  radius: number,
  classId: number,
  label = classId === 0 ? 'Erase' : `Paint class ${classId}`,
): LabelEdit | undefined {
  const { indices } = rasterizeStroke(points, radius, volume.shape.x, volume.shape.y);
  const offset = volume.planeOffset(t, z);
  const flat = new Uint32Array(indices.length);
  for (let i = 0; i < indices.length; i++) flat[i] = offset + indices[i];
  return createEdit(volume, flat, classId, label, classId);
}
