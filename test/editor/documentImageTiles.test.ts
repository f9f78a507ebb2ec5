import { describe, expect, it } from 'vitest';
import { DocumentImage } from '../../extension/editor/documentImage';
import { MemoryLogger } from '../../extension/editor/logger';
import type { ImageInfo, ImageSource, PixelArray } from '../../extension/core/image/imageModel';
import type { Box } from '../../extension/core/features/box';

/** An image read only by boxes (as big images are): whole planes and regions throw. */
function boxOnlySource(info: ImageInfo, readBox: (level: number, box: Box) => Promise<PixelArray>): ImageSource {
  return {
    info,
    readBox: (level: number, _t: number, _c: number, box: Box) => readBox(level, box),
    readPlane: async () => { throw new Error('not whole planes'); },
    readPlaneFloat32: async () => { throw new Error('not whole planes'); },
    readRegion: async () => { throw new Error('not used'); },
    readRegionFloat32: async () => { throw new Error('not used'); },
    close: async () => undefined,
  } as unknown as ImageSource;
}

/** An N² uint16 image without a pyramid whose reads of more than one 512² tile wait for `release()`. */
function gatedImage(N = 2048) {
  const info: ImageInfo = { name: 'slide.tif', format: 'tiff', shape: { t: 1, z: 1, c: 1, y: N, x: N }, axes: 'YX', dtype: 'uint16', pages: 1, compression: 'none', metadata: {} };
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const read = (box: Box): Uint16Array => {
    const out = new Uint16Array(box.ny * box.nx);
    for (let y = 0; y < box.ny; y++) for (let x = 0; x < box.nx; x++) out[y * box.nx + x] = ((box.y0 + y) >> 4) + 7 * ((box.x0 + x) >> 8);
    return out;
  };
  const source = boxOnlySource(info, async (level, box) => {
    if (level !== 0) throw new Error('the file has one level');
    if (box.ny * box.nx > 512 * 512) await released;
    return read(box);
  });
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

describe('DocumentImage reads the first view ahead (issue #13)', () => {
  /** A 2048² image with a stored pyramid (2048, 1024, 512) that counts its reads. */
  function pyramidImage() {
    const sizes = [2048, 1024, 512];
    const info: ImageInfo = {
      name: 'pyr.ome.tif', format: 'tiff', shape: { t: 1, z: 1, c: 1, y: 2048, x: 2048 }, axes: 'YX', dtype: 'uint16', pages: 1, compression: 'none', metadata: {},
      levels: sizes.map((n) => ({ shape: { t: 1, z: 1, c: 1, y: n, x: n }, scale: { z: 1, y: 2048 / n, x: 2048 / n } })),
    };
    const reads: string[] = [];
    const source = boxOnlySource(info, async (level, box) => {
      reads.push(`${level}:${box.ny}x${box.nx}`);
      return new Uint16Array(box.ny * box.nx).fill(level + 1);
    });
    return { source, reads };
  }

  it('the coarsest tile of a file pyramid is read at open and served once from there', async () => {
    const { source, reads } = pyramidImage();
    const image = new DocumentImage('/data/pyr.ome.tif', { openImage: async () => source, logger: new MemoryLogger(), hashFile: async () => 'x' });
    await image.open();
    await new Promise((r) => setTimeout(r, 10));
    expect(reads).toContain('2:512x512'); // read ahead, before any webview asked
    const before = reads.length;
    const tile = await image.readTile(0, 0, 0, 2, 0, 0);
    expect(reads.length).toBe(before); // served from the read-ahead
    expect(tile.data[0]).toBe(3);
    await image.readTile(0, 0, 0, 2, 0, 0);
    expect(reads.length).toBe(before + 1); // used once; later requests read again
  });

  it('without a pyramid, the quick level\'s centre tile is read ahead instead of the coarse level that needs the whole file', async () => {
    const { source, release } = gatedImage(8192); // levels 8192 … 512: the coarsest is 4 computed steps above the file
    const image = new DocumentImage('/data/slide.tif', { openImage: async () => source, logger: new MemoryLogger(), tiledAbovePixels: 0, hashFile: async () => 'x' });
    const readBox = source.readBox!.bind(source);
    const boxes: string[] = [];
    source.readBox = (level, t, c, box) => { boxes.push(`${box.y0},${box.x0} ${box.ny}x${box.nx}`); return readBox(level, t, c, box); };
    await image.open();
    await new Promise((r) => setTimeout(r, 10));
    // Quick level 2 (2048²): the centre lies on a tile corner, and the webview asks for the upper-left tile (1, 1) first
    // (nearest the centre, ties row-major): level-0 rows and columns 2048 … 4095, read as 1024² boxes.
    // Only the tile's own reads so far: the plane's statistics (a whole-file pass) are asked for after them.
    expect(boxes.sort()).toEqual(['2048,2048 1024x1024', '2048,3072 1024x1024', '3072,2048 1024x1024', '3072,3072 1024x1024']);
    release();
    const tile = await image.readTile(0, 0, 0, 2, 1, 1);
    expect([tile.width, tile.height]).toEqual([512, 512]);
    // The webview's first request at Fit is that tile (nearest the centre, ties row-major).
    const { visibleTiles } = await import('../../webview/canvas/tileGrid');
    const levels = image.tiling()!.levels;
    const first = visibleTiles(levels, 2, { column: 0, row: 0, width: 8192, height: 8192 }, 512)[0];
    expect([first.column, first.row]).toEqual([1, 1]);
  });
});
