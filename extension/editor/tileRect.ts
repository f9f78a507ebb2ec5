/** Where a tile of the tiled view (issue #13) lies: its size at its level and the level-0 rectangle it covers. */
import type { TiledImage } from '../protocol';

/** Tile (column, row) of `level`: its pixel size and the level-0 box it covers (clipped to the image). */
export function tileRect(tiling: TiledImage, level: number, column: number, row: number): {
  width: number; height: number; scale: number; box: { x: number; y: number; width: number; height: number };
} {
  const l = tiling.levels[level];
  const full = tiling.levels[0];
  const T = tiling.tileSize;
  const width = Math.min(T, l.width - column * T), height = Math.min(T, l.height - row * T);
  const x = Math.floor(column * T * l.scale), y = Math.floor(row * T * l.scale);
  return {
    width, height, scale: l.scale,
    box: { x, y, width: Math.min(full.width, Math.ceil((column * T + width) * l.scale)) - x, height: Math.min(full.height, Math.ceil((row * T + height) * l.scale)) - y },
  };
}
