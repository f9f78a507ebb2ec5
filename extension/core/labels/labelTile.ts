/**
 * The labels of one tile of the tiled view (issue #13) at a resolution level: at level 0 the labels as they are; at a
 * coarser level each pixel covers a block of level-0 pixels and shows the largest class id in it, so a thin stroke
 * stays visible when zoomed out (a mean or a sample would make it vanish).
 */
import type { LabelStore } from './labelVolume';

/**
 * Only the store's {@link LabelStore.candidateRects} inside the tile are read, so the coarsest tile of a 32768² image with
 * a few strokes costs the strokes' blocks, not a billion pixels (it held the extension host for seconds).
 * @param box level-0 rectangle the tile covers (clipped to the image)
 * @param scale level-0 pixels per tile pixel, ≥ 1 (1 at level 0; need not be an integer)
 * @param width, height tile size in its level's pixels
 * @returns row-major class ids, `width × height`: tile pixel (i, j) covers level-0 rows box.y + ⌊i·scale⌋ …
 *   box.y + ⌊(i+1)·scale⌋ − 1 (at least one row) and likewise columns
 */
export function labelTile(volume: LabelStore, t: number, z: number, box: { x: number; y: number; width: number; height: number }, scale: number, width: number, height: number): Uint8Array {
  if (!(scale >= 1)) throw new RangeError(`label tile scale must be ≥ 1, got ${scale}`);
  const out = new Uint8Array(width * height);
  const columnOf = cellIndex(box.width, scale, width);
  const rowOf = cellIndex(box.height, scale, height);
  const xEnd = box.x + box.width, yEnd = box.y + box.height;
  for (const rect of volume.candidateRects(t, z)) {
    const x0 = Math.max(rect.column, box.x), x1 = Math.min(rect.column + rect.width, xEnd);
    const y0 = Math.max(rect.row, box.y), y1 = Math.min(rect.row + rect.height, yEnd);
    if (x0 >= x1 || y0 >= y1) continue;
    for (let r = y0; r < y1; r++) {
      const i = rowOf[r - box.y];
      if (i < 0) continue;
      const span = volume.rowSpan(t, z, r, x0, x1);
      const o = i * width;
      for (let k = 0; k < span.length; k++) {
        const v = span[k];
        if (v === 0) continue;
        const j = columnOf[x0 - box.x + k];
        if (j >= 0 && v > out[o + j]) out[o + j] = v;
      }
    }
  }
  return out;
}

/** For each of `n` level-0 offsets, the tile cell (0 … cells − 1) covering it, or −1 beyond the last cell. */
function cellIndex(n: number, scale: number, cells: number): Int32Array {
  const of = new Int32Array(n).fill(-1);
  for (let j = 0; j < cells; j++) {
    const from = Math.floor(j * scale);
    const to = Math.min(n, Math.max(Math.floor((j + 1) * scale), from + 1));
    for (let x = from; x < to; x++) of[x] = j;
  }
  return of;
}
