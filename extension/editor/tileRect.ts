/** Where a tile of the tiled view (issue #13) lies, for the host: see {@link tilePlacement}. */
import { tilePlacement } from '../core/views/tileGeometry';
import type { TiledImage } from '../protocol';

/** Tile (column, row) of `level`: its pixel size and the whole-pixel level-0 box it covers (clipped to the image). */
export function tileRect(tiling: TiledImage, level: number, column: number, row: number): {
  width: number; height: number; scale: number; box: { x: number; y: number; width: number; height: number };
} {
  const { width, height, scale, box } = tilePlacement(tiling.levels, tiling.tileSize, level, column, row);
  return { width, height, scale, box };
}
