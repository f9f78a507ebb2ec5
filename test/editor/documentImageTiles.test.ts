import { describe, expect, it } from 'vitest';
import { DocumentImage } from '../../extension/editor/documentImage';
import { MemoryLogger } from '../../extension/editor/logger';
import type { ImageInfo, ImageSource, PixelArray } from '../../extension/core/image/imageModel';
import type { Box } from '../../extension/core/features/box';

/** A 2048² uint16 image without a pyramid whose reads of more than one 512² tile wait for `release()`. */
function gatedImage() {
  const N = 2048;
  const info: ImageInfo = { name: 'slide.tif', format: 'tiff', shape: { t: 1, z: 1, c: 1, y: N, x: N }, axes: 'YX', dtype: 'uint16', pages: 1, compression: 'none', metadata: {} };
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const read = (box: Box): Uint16Array => {
    const out = new Uint16Array(box.ny * box.nx);
    for (let y = 0; y < box.ny; y++) for (let x = 0; x < box.nx; x++) out[y * box.nx + x] = ((box.y0 + y) >> 4) + 7 * ((box.x0 + x) >> 8);
    return out;
  };
  const source = {
    info,
    async readBox(level: number, _t: number, _c: number, box: Box): Promise<PixelArray> {
      if (level !== 0) throw new Error('the file has one level');
      if (box.ny * box.nx > 512 * 512) await released;
      return read(box);
    },
    readPlane: async () => { throw new Error('not whole planes'); },
    readPlaneFloat32: async () => { throw new Error('not whole planes'); },
    readRegion: async () => { throw new Error('not used'); },
    readRegionFloat32: async () => { throw new Error('not used'); },
    close: async () => undefined,
  } as unknown as ImageSource;
  return { source, release };
}

describe('DocumentImage tiles of a big image without a pyramid (issue #13)', () => {
  it('marks computed levels, and a tile does not wait for the plane statistics that need the whole file', async () => {
    const { source, release } = gatedImage();
    const image = new DocumentImage('/data/slide.tif', { openImage: async () => source, logger: new MemoryLogger(), tiledAbovePixels: 0, hashFile: async () => 'x' });
    await image.open();
    const tiling = image.tiling()!;
    expect(tiling.levels.map((l) => l.computed ?? false)).toEqual([false, true, true]);
    const first = await image.readTile(0, 0, 0, 0, 1, 1);
    expect(first.statsPartial).toBe(true);
    expect(first.stats.min).toBe((first.data as Uint16Array).reduce((m, v) => Math.min(m, v), 65535));
    release();
    await new Promise((r) => setTimeout(r, 20));
    const next = await image.readTile(0, 0, 0, 0, 0, 0);
    expect(next.statsPartial).toBeUndefined();
    expect(next.stats.max).toBeGreaterThan(first.stats.max); // the whole plane's range
  });
});
