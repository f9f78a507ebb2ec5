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
  const centre = view ? viewCentre(view) : { cx: width / 2, cy: height / 2 };
  const visible = view ? tiles.filter((t) => boxesIntersect(t, view)) : [];
  const rest = view ? tiles.filter((t) => !boxesIntersect(t, view)) : tiles;
  return { visible: byDistanceFrom(visible, centre), rest: byDistanceFrom(rest, centre) };
}

/**
 * Only the tiles of the plane's `tileSize` grid that intersect `view`, nearest its centre first (ties row-major) — the
 * `visible` part of {@link tileOrder} without enumerating the plane, which for a 32768² image is 16,384 tiles (issue #13).
 */
export function tilesInView(width: number, height: number, tileSize: number, view: PixelBox): PixelBox[] {
  const tiles: PixelBox[] = [];
  const c0 = Math.max(0, Math.floor(view.column / tileSize)), r0 = Math.max(0, Math.floor(view.row / tileSize));
  const columnEnd = Math.min(width, view.column + view.width), rowEnd = Math.min(height, view.row + view.height);
  for (let row = r0 * tileSize; row < rowEnd; row += tileSize) {
    for (let column = c0 * tileSize; column < columnEnd; column += tileSize) {
      const tile = { column, row, width: Math.min(tileSize, width - column), height: Math.min(tileSize, height - row) };
      if (boxesIntersect(tile, view)) tiles.push(tile);
    }
  }
  return byDistanceFrom(tiles, viewCentre(view));
}

function viewCentre(view: PixelBox): { cx: number; cy: number } {
  return { cx: view.column + view.width / 2, cy: view.row + view.height / 2 };
}

/** `tiles` sorted by the distance of their centre from (cx, cy), each distance computed once; ties keep their order. */
function byDistanceFrom(tiles: PixelBox[], { cx, cy }: { cx: number; cy: number }): PixelBox[] {
  const keyed = tiles.map((t, i) => ({ t, i, d: Math.hypot(t.column + t.width / 2 - cx, t.row + t.height / 2 - cy) }));
  keyed.sort((a, b) => a.d - b.d || a.i - b.i);
  return keyed.map((k) => k.t);
}

/** Key of a tile of plane (t, z). */
export function tileKey(t: number, z: number, tile: PixelBox): string {
  return `${t}/${z}/${tile.row}/${tile.column}/${tile.height}/${tile.width}`;
}
