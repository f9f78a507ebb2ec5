import { describe, expect, it } from 'vitest';
import { regionFromTiles, type RegionTile } from '../../webview/canvas/tileRegion';

/** A 10×7 plane with value 100·row + column, cut into tiles of 4 (edge tiles 2 wide, 3 high). */
const W = 10, H = 7, T = 4;
const plane = Float32Array.from({ length: W * H }, (_, i) => 100 * Math.floor(i / W) + (i % W));
function tiles(missing?: string): (column: number, row: number) => RegionTile | undefined {
  return (column, row) => {
    if (`${column},${row}` === missing) return undefined;
    const width = Math.min(T, W - column * T), height = Math.min(T, H - row * T);
    const data = new Uint16Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = plane[(row * T + y) * W + column * T + x];
    return { data, width, height };
  };
}
const crop = (column: number, row: number, width: number, height: number) =>
  Float32Array.from({ length: width * height }, (_, i) => plane[(row + Math.floor(i / width)) * W + column + (i % width)]);

describe('regionFromTiles', () => {
  it('copies any box exactly, across tile borders and edge tiles', () => {
    for (const [c, r, w, h] of [[0, 0, 10, 7], [3, 2, 5, 4], [8, 4, 2, 3], [4, 4, 4, 3], [1, 1, 1, 1]]) {
      expect(regionFromTiles({ column: c, row: r, width: w, height: h }, T, tiles())).toEqual(crop(c, r, w, h));
    }
  });

  it('is undefined when a tile the box crosses is missing, not when another one is', () => {
    expect(regionFromTiles({ column: 3, row: 2, width: 5, height: 4 }, T, tiles('1,1'))).toBeUndefined();
    expect(regionFromTiles({ column: 0, row: 0, width: 4, height: 4 }, T, tiles('1,1'))).toEqual(crop(0, 0, 4, 4));
  });

  it('is undefined when a tile is smaller than the part of the box it should hold', () => {
    const short = (column: number, row: number): RegionTile | undefined => ({ ...tiles()(column, row)!, height: 2, data: new Uint16Array(8) });
    expect(regionFromTiles({ column: 0, row: 0, width: 4, height: 3 }, T, short)).toBeUndefined();
  });
});
