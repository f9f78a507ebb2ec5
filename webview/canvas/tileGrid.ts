/**
 * Geometry of the tiled view of big images (issue #13), pure arithmetic: which resolution level matches the zoom,
 * and which tiles of that level cover the visible region. Tiles are `tileSize`² pixels of their level; a level's
 * pixel spans `scale` level-0 pixels along x and y.
 */
import type { PixelBox } from '../../extension/protocol';
import { tilePlacement } from '../../extension/core/views/tileGeometry';

/** One resolution level as the webview knows it. */
export interface TileLevel {
  width: number;
  height: number;
  /** Level-0 pixels per pixel of this level (x and y). */
  scale: number;
  /** Made by the host from the level below rather than stored in the file. */
  computed?: boolean;
}

/** Computed levels a tile may be above the nearest stored level and still be quick: 4² = 16 stored tiles at most. */
const QUICK_STEPS = 2;

/**
 * The finest level at or below `level` whose tiles are quick to make: `level` itself when it is stored in the file or at
 * most {@link QUICK_STEPS} computed levels above a stored one, else the level {@link QUICK_STEPS} above the nearest
 * stored level below. A whole image without a pyramid at Fit needs every pixel of the file for its one coarse tile;
 * the quick level's tiles each need only 16 stored tiles, so the view fills in progressively meanwhile (issue #13).
 */
export function quickLevel(levels: readonly TileLevel[], level: number): number {
  let stored = level;
  while (stored > 0 && levels[stored].computed) stored--;
  return Math.min(level, stored + QUICK_STEPS);
}

/** A tile of a level: tile indices and the part of level 0 it covers (image pixels). */
export interface TileRef {
  level: number;
  column: number;
  row: number;
  /** Level-0 rectangle covered (clipped to the image). */
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The coarsest level whose pixels are still at most one device pixel on screen (so nothing is magnified from a
 * coarser level than needed): `deviceScale` is device pixels per level-0 pixel.
 */
export function chooseLevel(levels: readonly TileLevel[], deviceScale: number): number {
  let best = 0;
  for (let i = 1; i < levels.length; i++) if (levels[i].scale * deviceScale <= 1.0001) best = i;
  return best;
}

/** The level-0 rectangle of tile (column, row) of `level`. */
export function tileRef(levels: readonly TileLevel[], level: number, column: number, row: number, tileSize: number): TileRef {
  const { rect } = tilePlacement(levels, tileSize, level, column, row);
  return { level, column, row, ...rect };
}

/** Pixel size of tile (column, row) of `level` (edge tiles are smaller). */
export function tileSizeAt(levels: readonly TileLevel[], level: number, column: number, row: number, tileSize: number): { width: number; height: number } {
  const l = levels[level];
  return { width: Math.min(tileSize, l.width - column * tileSize), height: Math.min(tileSize, l.height - row * tileSize) };
}

/** Tiles of `level` intersecting `box` (level-0 pixels), nearest the box centre first. */
export function visibleTiles(levels: readonly TileLevel[], level: number, box: PixelBox, tileSize: number): TileRef[] {
  const l = levels[level];
  const span = tileSize * l.scale;
  if (box.width <= 0 || box.height <= 0) return [];
  const c0 = Math.max(0, Math.floor(box.column / span)), c1 = Math.min(Math.ceil(l.width / tileSize) - 1, Math.floor((box.column + box.width - 1) / span));
  const r0 = Math.max(0, Math.floor(box.row / span)), r1 = Math.min(Math.ceil(l.height / tileSize) - 1, Math.floor((box.row + box.height - 1) / span));
  const out: TileRef[] = [];
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) out.push(tileRef(levels, level, c, r, tileSize));
  const cx = box.column + box.width / 2, cy = box.row + box.height / 2;
  const d = (t: TileRef) => Math.hypot(t.x + t.width / 2 - cx, t.y + t.height / 2 - cy);
  return out.sort((a, b) => d(a) - d(b));
}

/** `box` itself when it has at most `maxPixels`, else the centred box of that many pixels with the same aspect. */
export function clipToPixels(box: PixelBox, maxPixels: number): PixelBox {
  if (box.width * box.height <= maxPixels) return box;
  const k = Math.sqrt(maxPixels / (box.width * box.height));
  const width = Math.max(1, Math.floor(box.width * k)), height = Math.max(1, Math.floor(box.height * k));
  return { column: box.column + Math.floor((box.width - width) / 2), row: box.row + Math.floor((box.height - height) / 2), width, height };
}
