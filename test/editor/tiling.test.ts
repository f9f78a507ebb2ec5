import { describe, expect, it } from 'vitest';
import { planeTiles, tileOrder, tilesInView, boxesIntersect } from '../../extension/editor/tiling';

describe('tiling', () => {
  it('covers the plane exactly once with smaller edge tiles', () => {
    const tiles = planeTiles(10, 7, 4);
    expect(tiles.map((t) => [t.column, t.row, t.width, t.height])).toEqual([
      [0, 0, 4, 4], [4, 0, 4, 4], [8, 0, 2, 4],
      [0, 4, 4, 3], [4, 4, 4, 3], [8, 4, 2, 3],
    ]);
    expect(tiles.reduce((n, t) => n + t.width * t.height, 0)).toBe(70);
  });

  it('orders visible tiles first, nearest to the view centre first, then the rest by distance', () => {
    const { visible, rest } = tileOrder(12, 12, 4, { column: 5, row: 5, width: 6, height: 2 }); // centre (8, 6)
    expect(visible.map((t) => [t.column, t.row])).toEqual([[4, 4], [8, 4]]);
    expect(rest.map((t) => [t.column, t.row])).toEqual([
      [4, 0], [8, 0], [4, 8], [8, 8], [0, 4], [0, 0], [0, 8],
    ]);
    expect(visible.length + rest.length).toBe(9);
  });

  it('without a view, starts at the plane centre and marks nothing visible', () => {
    const { visible, rest } = tileOrder(8, 8, 4);
    expect(visible).toEqual([]);
    expect(rest.map((t) => [t.column, t.row])).toEqual([[0, 0], [4, 0], [0, 4], [4, 4]]);
  });

  it('intersection is half-open', () => {
    expect(boxesIntersect({ column: 0, row: 0, width: 4, height: 4 }, { column: 4, row: 0, width: 1, height: 1 })).toBe(false);
    expect(boxesIntersect({ column: 0, row: 0, width: 4, height: 4 }, { column: 3, row: 3, width: 1, height: 1 })).toBe(true);
  });
});

describe('tilesInView (issue #13: no whole-plane enumeration)', () => {
  it('equals the visible part of tileOrder for views inside, across and beyond the plane edges', () => {
    let seed = 3;
    const rand = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
    for (let k = 0; k < 200; k++) {
      const width = 1 + rand(700), height = 1 + rand(700), tileSize = [16, 64, 100, 256][rand(4)];
      const view = { column: rand(width + 50) - 25, row: rand(height + 50) - 25, width: 1 + rand(400), height: 1 + rand(400) };
      expect(tilesInView(width, height, tileSize, view), JSON.stringify({ width, height, tileSize, view })).toEqual(tileOrder(width, height, tileSize, view).visible);
    }
  });
});
