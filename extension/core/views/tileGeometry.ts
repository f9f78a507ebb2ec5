/**
 * Where a tile of the tiled view (issue #13) lies — one definition for the host (which reads labels for it) and the
 * webview (which draws it). Tiles are `tileSize`² pixels of their level (edge tiles smaller); a level's pixel spans
 * `scale` level-0 pixels along x and y (not necessarily an integer for a file's own pyramid).
 */

/** A resolution level as the tiled view knows it. */
export interface TileGeometryLevel {
  width: number;
  height: number;
  /** Level-0 pixels per pixel of this level. */
  scale: number;
}

/** Tile (column, row) of a level: its size in its level's pixels and the part of level 0 it covers. */
export interface TilePlacement {
  /** Tile size in its level's pixels. */
  width: number;
  height: number;
  scale: number;
  /** Level-0 rectangle covered, exact (fractional for fractional scales), clipped to the image: for drawing. */
  rect: { x: number; y: number; width: number; height: number };
  /** The smallest whole-pixel level-0 box containing {@link rect}: for reading level-0 data. */
  box: { x: number; y: number; width: number; height: number };
}

/** Tile (column, row) of `levels[level]` with `tileSize`² tiles. */
export function tilePlacement(levels: readonly TileGeometryLevel[], tileSize: number, level: number, column: number, row: number): TilePlacement {
  const l = levels[level];
  const full = levels[0];
  const width = Math.min(tileSize, l.width - column * tileSize), height = Math.min(tileSize, l.height - row * tileSize);
  const x = column * tileSize * l.scale, y = row * tileSize * l.scale;
  const x1 = Math.min(full.width, (column * tileSize + width) * l.scale), y1 = Math.min(full.height, (row * tileSize + height) * l.scale);
  const bx = Math.floor(x), by = Math.floor(y);
  return {
    width, height, scale: l.scale,
    rect: { x, y, width: x1 - x, height: y1 - y },
    box: { x: bx, y: by, width: Math.ceil(x1) - bx, height: Math.ceil(y1) - by },
  };
}
