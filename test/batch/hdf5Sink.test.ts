import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Hdf5Sink, hdf5Layout } from '../../extension/batch/hdf5Sink';
import { makeProvenance, readEmbeddedProvenance } from '../../extension/batch/exportProvenance';
import { openHdf5 } from '../../extension/node/hdf5File';
import { parseAxisTags } from '../../extension/core/image/axistags';
import type { Hdf5Dataset } from '../../extension/core/hdf5/hdf5Tree';
import { tempDir } from '../cli/cliHarness';

/** Value of channel c at (t, z, y, x): distinct everywhere. */
const value = (t: number, z: number, y: number, x: number, c: number) => ((((t * 7 + z) * 100 + y) * 100 + x) * 4 + c) % 251;

/** Writes a whole export through the sink in bands of `bandRows` rows and slabs of `slab` slices. */
async function writeAll(file: string, shape: { t: number; z: number; channels: number; height: number; width: number; dtype: 'float32' | 'uint8' }, bandRows: number, slab: number, internalPath?: string): Promise<void> {
  const sink = await Hdf5Sink.create(file, shape, { internalPath });
  for (let t = 0; t < shape.t; t++) {
    for (let z0 = 0; z0 < shape.z; z0 += slab) {
      const nz = Math.min(slab, shape.z - z0);
      for (let y0 = 0; y0 < shape.height; y0 += bandRows) {
        const ny = Math.min(bandRows, shape.height - y0);
        const channels = Array.from({ length: shape.channels }, (_, c) => {
          const a = shape.dtype === 'uint8' ? new Uint8Array(nz * ny * shape.width) : new Float32Array(nz * ny * shape.width);
          for (let dz = 0; dz < nz; dz++) for (let y = 0; y < ny; y++) for (let x = 0; x < shape.width; x++) a[(dz * ny + y) * shape.width + x] = value(t, z0 + dz, y0 + y, x, c);
          return a;
        });
        await sink.writeBand(t, z0, nz, y0, ny, channels);
      }
    }
  }
  await sink.finish();
}

describe('hdf5Layout', () => {
  it('2D: y, x, trailing c; one chunk per plane and channel for small images (as ilastik)', () => {
    expect(hdf5Layout({ t: 1, z: 1, channels: 2, height: 80, width: 96, dtype: 'float32' }))
      .toEqual({ axes: ['y', 'x', 'c'], datasetShape: [80, 96, 2], chunks: [80, 96, 1], chunkRows: 80 });
  });
  it('t and z only when present; large planes in chunks of about 128 KiB, at most 512 columns', () => {
    expect(hdf5Layout({ t: 3, z: 5, channels: 1, height: 4000, width: 3000, dtype: 'float32' }))
      .toEqual({ axes: ['t', 'z', 'y', 'x', 'c'], datasetShape: [3, 5, 4000, 3000, 1], chunks: [1, 1, 64, 512, 1], chunkRows: 64 });
    expect(hdf5Layout({ t: 1, z: 9, channels: 4, height: 1000, width: 1000, dtype: 'uint8' }).chunks).toEqual([1, 256, 512, 1]);
  });
});

describe('Hdf5Sink', () => {
  it('writes the same dataset whatever the band height and slab depth (chunk rows buffered across bands)', async () => {
    const dir = tempDir('pxc-h5-');
    const shape = { t: 2, z: 3, channels: 2, height: 300, width: 40, dtype: 'float32' as const };
    // chunk rows: 128 KiB / (40·4) = 819 → 300 (whole plane); force smaller bands than chunks and uneven ones.
    await writeAll(path.join(dir, 'a.h5'), shape, 7, 2);
    await writeAll(path.join(dir, 'b.h5'), shape, 300, 3);
    const read = async (name: string) => {
      const h5 = await openHdf5(path.join(dir, name));
      try {
        const ds = h5.get('exported_data') as Hdf5Dataset;
        expect(ds.shape).toEqual([2, 3, 300, 40, 2]);
        expect(ds.dtype).toBe('float32');
        expect(parseAxisTags(ds.attribute('axistags') as string).map((a) => a.key)).toEqual(['t', 'z', 'y', 'x', 'c']);
        return Array.from(ds.read() as Float32Array);
      } finally {
        h5.close();
      }
    };
    const a = await read('a.h5');
    expect(a).toEqual(await read('b.h5'));
    // channel-last, row-major: element (t=1, z=2, y=299, x=39, c=1)
    expect(a[(((1 * 3 + 2) * 300 + 299) * 40 + 39) * 2 + 1]).toBe(value(1, 2, 299, 39, 1));
    expect(a[0]).toBe(value(0, 0, 0, 0, 0));
    expect(readdirSync(dir).sort()).toEqual(['a.h5', 'b.h5']); // no temporary files left
  });

  it('writes chunk rows across band boundaries for tall images (uint8, nested dataset path)', async () => {
    const dir = tempDir('pxc-h5-');
    const shape = { t: 1, z: 1, channels: 3, height: 700, width: 600, dtype: 'uint8' as const };
    expect(hdf5Layout(shape).chunks).toEqual([256, 512, 1]);
    await writeAll(path.join(dir, 'u.h5'), shape, 100, 1, 'results/segmentation');
    const h5 = await openHdf5(path.join(dir, 'u.h5'));
    try {
      const ds = (h5.get('results') as { get(n: string): unknown }).get('segmentation') as Hdf5Dataset;
      expect(ds.shape).toEqual([700, 600, 3]);
      const box = ds.readBox([[253, 260], [509, 515], [0, 3]]) as Uint8Array;
      const expected: number[] = [];
      for (let y = 253; y < 260; y++) for (let x = 509; x < 515; x++) for (let c = 0; c < 3; c++) expected.push(value(0, 0, y, x, c));
      expect(Array.from(box)).toEqual(expected);
    } finally {
      h5.close();
    }
  });

  it('embeds the provenance as a dataset attribute that incremental runs read back', async () => {
    const dir = tempDir('pxc-h5-');
    const provenance = makeProvenance({ inputSha256: 'a'.repeat(64), trainingHash: 'b'.repeat(64), settings: { source: 'probabilities', dtype: 'float32', format: 'hdf5', compression: 'none', filenameFormat: 'x', internalPath: 'p/q' } },
      { input: '/x/in.tif', project: '/x/p.pixelclass.json', resultType: 'Probabilities' });
    const sink = await Hdf5Sink.create(path.join(dir, 'p.h5'), { t: 1, z: 1, channels: 1, height: 2, width: 2, dtype: 'float32' }, { internalPath: 'p/q', provenance });
    await sink.writeBand(0, 0, 1, 0, 2, [new Float32Array([1, 2, 3, 4])]);
    await sink.finish();
    const embedded = await readEmbeddedProvenance(path.join(dir, 'p.h5'));
    expect(embedded).toEqual({ kind: 'ours', provenance });
    expect(provenance.settings).toMatchObject({ format: 'hdf5', internalPath: 'p/q' });
  });

  it('refuses rows out of order, and abort leaves no file behind', async () => {
    const dir = tempDir('pxc-h5-');
    const out = path.join(dir, 'x.h5');
    const sink = await Hdf5Sink.create(out, { t: 1, z: 1, channels: 1, height: 4, width: 2, dtype: 'uint8' });
    await expect(sink.writeBand(0, 0, 1, 2, 2, [new Uint8Array(4)])).rejects.toThrow(/out of order/);
    await sink.abort();
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports an unwritable folder with the output name', async () => {
    const dir = tempDir('pxc-h5-');
    await expect(Hdf5Sink.create(path.join(dir, 'missing', 'y.h5'), { t: 1, z: 1, channels: 1, height: 1, width: 1, dtype: 'uint8' }))
      .rejects.toThrow(/y\.h5/);
  });
});
