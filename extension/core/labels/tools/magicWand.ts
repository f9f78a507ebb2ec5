/**
 * The magic wand's region (issue #16, QuPath's gesture): from the clicked pixel, the 4-connected pixels of the
 * displayed image whose value differs from the clicked pixel's by at most `tolerance` (the drag distance sets
 * it). Limited to a box (the visible region plus a margin) so it stays instant on huge images.
 */
import type { RasterizedStroke } from '../rasterizeStroke';

/** The part of the plane the wand may grow in: row-major values of the box `column, row, width, height`. */
export interface WandRegion {
  values: ArrayLike<number>;
  column: number;
  row: number;
  width: number;
  height: number;
}

/**
 * Region grown from plane pixel (column, row) inside `region`.
 * @param planeWidth width of the whole plane (indices are plane indices `row * planeWidth + column`)
 * @param tolerance largest |value − seed value| admitted (≥ 0)
 */
export function magicWand(region: WandRegion, planeWidth: number, column: number, row: number, tolerance: number): RasterizedStroke & { seedValue: number } {
  const { values, width, height } = region;
  const sc = column - region.column;
  const sr = row - region.row;
  if (!(sc >= 0 && sr >= 0 && sc < width && sr < height) || !Number.isInteger(sc) || !Number.isInteger(sr)) {
    throw new RangeError(`wand seed (${column}, ${row}) is outside its region`);
  }
  if (!(tolerance >= 0)) throw new RangeError(`wand tolerance must be ≥ 0, got ${tolerance}`);
  const seedValue = values[sr * width + sc];
  const lo = seedValue - tolerance;
  const hi = seedValue + tolerance;
  const seen = new Uint8Array(width * height);
  const stack: number[] = [sr * width + sc];
  seen[sr * width + sc] = 1;
  let r0 = sr, r1 = sr, c0 = sc, c1 = sc, count = 0;
  const ok = (i: number) => { const v = values[i]; return v >= lo && v <= hi; };
  while (stack.length > 0) {
    const i = stack.pop()!;
    count++;
    const r = Math.floor(i / width);
    const c = i - r * width;
    if (r < r0) r0 = r; if (r > r1) r1 = r;
    if (c < c0) c0 = c; if (c > c1) c1 = c;
    if (c > 0 && !seen[i - 1] && ok(i - 1)) { seen[i - 1] = 1; stack.push(i - 1); }
    if (c < width - 1 && !seen[i + 1] && ok(i + 1)) { seen[i + 1] = 1; stack.push(i + 1); }
    if (r > 0 && !seen[i - width] && ok(i - width)) { seen[i - width] = 1; stack.push(i - width); }
    if (r < height - 1 && !seen[i + width] && ok(i + width)) { seen[i + width] = 1; stack.push(i + width); }
  }
  const indices = new Uint32Array(count);
  let k = 0;
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) if (seen[r * width + c]) indices[k++] = (region.row + r) * planeWidth + region.column + c;
  return { seedValue, indices, box: { column: region.column + c0, row: region.row + r0, width: c1 - c0 + 1, height: r1 - r0 + 1 } };
}
