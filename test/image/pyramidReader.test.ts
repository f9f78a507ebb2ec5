import { describe, expect, it } from 'vitest';
import { PyramidReader, PYRAMID_TILE, downsample2x } from '../../extension/core/image/pyramidReader';
import { memoryImageSource } from '../../extension/core/image/memoryImageSource';
import type { ImageInfo, ImageSource } from '../../extension/core/image/imageModel';

function image(width: number, height: number, z = 1): { source: ImageSource; reads: number[] } {
  const info: ImageInfo = { name: 'p.tif', format: 'tiff', shape: { t: 1, z, c: 1, y: height, x: width }, axes: z > 1 ? 'ZYX' : 'YX', dtype: 'uint16', pages: z, compression: 'none', metadata: {} };
  const planes = Array.from({ length: z }, (_, k) => Uint16Array.from({ length: width * height }, (_, i) => (i * 7 + k * 1000) % 4001));
  const source = memoryImageSource(info, planes);
  const reads: number[] = [];
  const readRegion = source.readRegion.bind(source);
  source.readRegion = async (t, zz, c, box) => { reads.push((box.y1 - box.y0) * (box.x1 - box.x0)); return readRegion(t, zz, c, box); };
  return { source, reads };
}

describe('PyramidReader (issue #13)', () => {
  it('halves x and y until a level fits in one tile; z is kept', () => {
    const { source } = image(1300, 700, 3);
    const p = new PyramidReader(source);
    expect(p.levels.map((l) => [l.shape.z, l.shape.y, l.shape.x, l.scale.x])).toEqual([[3, 700, 1300, 1], [3, 350, 650, 2], [3, 175, 325, 4]]);
  });

  it('a computed level is the 2×2 mean of the level below, whole or read in pieces (tiled == whole)', async () => {
    const { source } = image(1100, 1030, 2);
    const p = new PyramidReader(source);
    const l0 = await source.readPlane(0, 1, 0);
    const l1 = downsample2x(l0, 1100, 1030, 550, 515, 'uint16');
    const whole = await p.readBox(1, 0, 0, { z0: 1, nz: 1, y0: 0, ny: 515, x0: 0, nx: 550 });
    expect(Array.from(whole)).toEqual(Array.from(l1));
    const piece = await p.readBox(1, 0, 0, { z0: 1, nz: 1, y0: 500, ny: 15, x0: 505, nx: 45 });
    const expected: number[] = [];
    for (let y = 500; y < 515; y++) for (let x = 505; x < 550; x++) expected.push(l1[y * 550 + x]);
    expect(Array.from(piece)).toEqual(expected);
    const l2 = downsample2x(l1, 550, 515, 275, 258, 'uint16');
    expect(Array.from(await p.readBox(2, 0, 0, { z0: 1, nz: 1, y0: 0, ny: 258, x0: 0, nx: 275 }))).toEqual(Array.from(l2));
  });

  it('odd edges average what they have; integers round half up', () => {
    expect(Array.from(downsample2x([1, 2, 3, 4, 5, 6], 3, 2, 2, 1, 'uint8'))).toEqual([3, 5]); // (1+2+4+5)/4 = 3, (3+6)/2 = 4.5 → 5
    expect(Array.from(downsample2x([1, 2, 3, 4, 5, 6], 3, 2, 2, 1, 'float32'))).toEqual([3, 4.5]);
  });

  it('computed tiles two or more levels above the file are cached: reading them again does not read the file', async () => {
    const { source, reads } = image(4 * PYRAMID_TILE + 20, 2 * PYRAMID_TILE, 1);
    const p = new PyramidReader(source);
    await p.readBox(2, 0, 0, { z0: 0, nz: 1, y0: 0, ny: 256, x0: 0, nx: 517 });
    const n = reads.length;
    expect(n).toBeGreaterThan(0);
    await p.readBox(2, 0, 0, { z0: 0, nz: 1, y0: 10, ny: 100, x0: 3, nx: 400 });
    expect(reads.length).toBe(n);
    expect(p.bytes).toBe(2 * 256 * PYRAMID_TILE + 2 * 256 * 5); // level 2's two tiles (512 + 5 wide), uint16
  });

  it('the level just above the file is not kept (remade from four file tiles when needed)', async () => {
    const { source, reads } = image(2 * PYRAMID_TILE + 10, PYRAMID_TILE, 1);
    const p = new PyramidReader(source);
    await p.readBox(1, 0, 0, { z0: 0, nz: 1, y0: 0, ny: 256, x0: 0, nx: 517 });
    const n = reads.length;
    await p.readBox(1, 0, 0, { z0: 0, nz: 1, y0: 10, ny: 100, x0: 3, nx: 400 });
    expect(reads.length).toBeGreaterThan(n);
    expect(p.bytes).toBe(0);
  });

  it('uses the file\'s own levels first', async () => {
    const { source } = image(2048, 2048, 1);
    const level1 = Uint16Array.from({ length: 1024 * 1024 }, (_, i) => i % 7);
    source.info.levels = [
      { shape: source.info.shape, scale: { z: 1, y: 1, x: 1 } },
      { shape: { ...source.info.shape, y: 1024, x: 1024 }, scale: { z: 1, y: 2, x: 2 } },
    ];
    source.readBox = async (level, _t, _c, box) => {
      expect(level).toBe(1);
      const out = new Uint16Array(box.ny * box.nx);
      for (let y = 0; y < box.ny; y++) for (let x = 0; x < box.nx; x++) out[y * box.nx + x] = level1[(box.y0 + y) * 1024 + box.x0 + x];
      return out;
    };
    const p = new PyramidReader(source);
    expect(p.levels.map((l) => l.shape.x)).toEqual([2048, 1024, 512]);
    expect(Array.from(await p.readBox(1, 0, 0, { z0: 0, nz: 1, y0: 0, ny: 1, x0: 0, nx: 8 }))).toEqual([0, 1, 2, 3, 4, 5, 6, 0]);
    const l2 = await p.readBox(2, 0, 0, { z0: 0, nz: 1, y0: 0, ny: 1, x0: 0, nx: 2 });
    expect(Array.from(l2)).toEqual(Array.from(downsample2x(level1.subarray(0, 2048 * 2), 1024, 2, 512, 1, 'uint16').subarray(0, 2)));
  });
});
