/**
 * Raw values of a rectangle of a tiled plane, gathered from its tiles (the tools that read raw values — the magic wand
 * and the superpixel brush — on big images shown as tiles, issue #13/#20).
 */
import type { PixelBox } from '../../extension/protocol';

/** One tile's raw values, row-major, `width` × `height` (edge tiles are smaller than the tile size). */
export interface RegionTile {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/**
 * The values of `box` (pixels of one level), row-major with the box's width, copied from the tiles of size `tileSize`
 * that cross it; undefined when one of those tiles is missing (`tile` returns undefined).
 */
export function regionFromTiles(box: PixelBox, tileSize: number, tile: (column: number, row: number) => RegionTile | undefined): Float32Array | undefined {
  const out = new Float32Array(box.width * box.height);
  if (box.width <= 0 || box.height <= 0) return out;
  const c0 = Math.floor(box.column / tileSize), c1 = Math.floor((box.column + box.width - 1) / tileSize);
  const r0 = Math.floor(box.row / tileSize), r1 = Math.floor((box.row + box.height - 1) / tileSize);
  for (let tr = r0; tr <= r1; tr++) {
    for (let tc = c0; tc <= c1; tc++) {
      const t = tile(tc, tr);
      if (!t) return undefined;
      const x0 = Math.max(box.column, tc * tileSize), x1 = Math.min(box.column + box.width, tc * tileSize + t.width);
      const y0 = Math.max(box.row, tr * tileSize), y1 = Math.min(box.row + box.height, tr * tileSize + t.height);
      // A tile smaller than the box needs (a truncated edge tile) leaves pixels no tile holds.
      if (x1 < Math.min(box.column + box.width, (tc + 1) * tileSize) || y1 < Math.min(box.row + box.height, (tr + 1) * tileSize)) return undefined;
      for (let y = y0; y < y1; y++) {
        const src = (y - tr * tileSize) * t.width - tc * tileSize;
        const dst = (y - box.row) * box.width - box.column;
        for (let x = x0; x < x1; x++) out[dst + x] = t.data[src + x];
      }
    }
  }
  return out;
}

/** The values of `box` of a whole plane (one tile covering it), as {@link regionFromTiles}; undefined without a plane. */
export function planeRegion(plane: RegionTile | undefined, box: PixelBox): Float32Array | undefined {
  return plane ? regionFromTiles(box, Math.max(plane.width, plane.height), () => plane) : undefined;
}
