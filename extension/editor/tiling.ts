/**
 * Prediction tiles of a plane and the order they are computed in (issue #5: "predict the visible
 * region first, then the rest of the plane, tile by tile").
 */
import type { PixelBox } from '../protocol';

/** The tiles of a `width × height` plane on a `tileSize` grid (edge tiles are smaller), row-major. */
export function planeTiles(width: number, height: number, tileSize: number): PixelBox[] {
  const tiles: PixelBox[] = [];
  for (let row = 0; row < height; row += tileSize) {
    for (let column = 0; column < width; column += tileSize) {
      tiles.push({ column, row, width: Math.min(tileSize, width - column), height: Math.min(tileSize, height - row) });
    }
  }
  return tiles;
}

/** True when two boxes overlap (half-open). */
export function boxesIntersect(a: PixelBox, b: PixelBox): boolean {
  return a.column < b.column + b.width && b.column < a.column + a.width && a.row < b.row + b.height && b.row < a.row + a.height;
}

/**
 * All tiles of the plane, visible ones first, each group ordered by the distance of the tile centre
 * from the view centre (so the middle of the screen fills in first), ties in row-major order.
 * Without a view, the plane centre is used and no tile counts as visible.
 * @returns `{ visible, rest }`; `visible.concat(rest)` covers the plane exactly once.
 */
export function tileOrder(width: number, height: number, tileSize: number, view?: PixelBox): { visible: PixelBox[]; rest: PixelBox[] } {
  const tiles = planeTiles(width, height, tileSize);
  const cx = view ? view.column + view.width / 2 : width / 2;
  const cy = view ? view.row + view.height / 2 : height / 2;
  const distance = (t: PixelBox) => Math.hypot(t.column + t.width / 2 - cx, t.row + t.height / 2 - cy);
  const byDistance = (a: PixelBox, b: PixelBox) => distance(a) - distance(b);
  const visible = view ? tiles.filter((t) => boxesIntersect(t, view)) : [];
  const rest = view ? tiles.filter((t) => !boxesIntersect(t, view)) : tiles;
  // Array.prototype.sort is stable, so equal distances keep row-major order.
  return { visible: visible.sort(byDistance), rest: rest.sort(byDistance) };
}

/** Key of a tile of plane (t, z). */
export function tileKey(t: number, z: number, tile: PixelBox): string {
  return `${t}/${z}/${tile.row}/${tile.column}/${tile.height}/${tile.width}`;
}
