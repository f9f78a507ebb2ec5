import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { axisTagsJson } from '../../extension/core/image/axistags';
import { readImageBox } from '../../extension/core/image/readImageBox';
import { createHdf5DatasetWriter } from '../../extension/node/hdf5Writer';
import { openImage } from '../../extension/node/openImage';

/** The value both sides compute at (z, y, x, c). */
const value = (z: number, y: number, x: number, c: number) => (z * 37 + y * 11 + x * 3 + c * 101) % 251;

/** A chunked uint8 dataset stored in axis order `order` (a permutation of "zyxc"). */
async function writeDataset(order: string, sizes: Record<string, number>, chunks: Record<string, number>): Promise<string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'pxc-h5box-')), 'vol.h5');
  const keys = order.split('');
  const shape = keys.map((k) => sizes[k]);
  const writer = await createHdf5DatasetWriter(file, {
    internalPath: 'data', shape, dtype: 'uint8', chunks: keys.map((k) => chunks[k]), gzipLevel: 1,
    attributes: { axistags: axisTagsJson(keys as never) },
  });
  const data = new Uint8Array(shape.reduce((a, b) => a * b, 1));
  const index: Record<string, number> = {};
  const walk = (d: number, offset: number) => {
    if (d === keys.length) { data[offset] = value(index.z, index.y, index.x, index.c); return; }
    const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < shape[d]; i++) { index[keys[d]] = i; walk(d + 1, offset + i * stride); }
  };
  walk(0, 0);
  writer.writeSlice(shape.map((n) => [0, n] as [number, number]), data);
  writer.close();
  return `${file}/data`;
}

function expected(box: { z0: number; y0: number; x0: number; nz: number; ny: number; nx: number }, c: number): number[] {
  const out: number[] = [];
  for (let z = 0; z < box.nz; z++) for (let y = 0; y < box.ny; y++) for (let x = 0; x < box.nx; x++) out.push(value(box.z0 + z, box.y0 + y, box.x0 + x, c));
  return out;
}

describe('HDF5 readBox (chunked slicing)', () => {
  it.each(['zyxc', 'xyzc', 'czyx'])('storage order %s: a 3D box of one channel in [z][y][x] order', async (order) => {
    const image = await writeDataset(order, { z: 6, y: 40, x: 30, c: 2 }, { z: 2, y: 16, x: 16, c: 1 });
    const source = await openImage(image);
    try {
      expect(source.readBox).toBeDefined();
      const box = { z0: 1, y0: 5, x0: 7, nz: 4, ny: 20, nx: 13 };
      expect(Array.from(await readImageBox(source, 0, 0, 1, box))).toEqual(expected(box, 1));
      const chunks: Record<string, number> = { z: 2, y: 16, x: 16 };
      expect(source.info.chunkShape).toEqual(chunks);
    } finally {
      await source.close();
    }
  });

  it('a chunked plane larger than the memory limit opens; a read over the limit is refused with a clear error', async () => {
    const image = await writeDataset('zyxc', { z: 2, y: 300, x: 300, c: 1 }, { z: 1, y: 64, x: 64, c: 1 });
    const source = await openImage(image, { memoryLimitBytes: 100_000 });
    try {
      const box = { z0: 0, y0: 100, x0: 100, nz: 2, ny: 64, nx: 64 };
      expect(Array.from(await readImageBox(source, 0, 0, 0, box))).toEqual(expected(box, 0));
      await expect(source.readPlane(0, 0, 0)).rejects.toThrow(/vol\.h5\/data: a read of 90000 samples needs 0.3 MiB as float32, over the memory limit/);
      await expect(readImageBox(source, 1, 0, 0, box)).rejects.toThrow(/resolution level 1 does not exist/);
    } finally {
      await source.close();
    }
  });
});
