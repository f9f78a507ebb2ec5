import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TiffSink } from '../../extension/batch/exportSink';
import { planExport } from '../../extension/batch/exportPlan';
import { chooseTiles } from '../../extension/batch/predictImage';
import { defaultExportSettings } from '../../extension/project/projectSchema';
import { readAll } from '../cli/cliHarness';

async function writeBands(file: string, spoolMemoryBytes: number): Promise<Buffer> {
  // t=2, z=3, c=2 pages of 5×4, written in bands of 2 rows for a z-slab of 2 slices, all channels at once.
  const shape = { t: 2, z: 3, channels: 2, height: 4, width: 5, dtype: 'float32' as const };
  const sink = await TiffSink.create(file, shape, { compression: 'none', channelNames: ['a', 'b'], spoolMemoryBytes, axes: 'TZCYX' });
  for (let t = 0; t < 2; t++) {
    for (let z0 = 0; z0 < 3; z0 += 2) {
      const nz = Math.min(2, 3 - z0);
      for (let y0 = 0; y0 < 4; y0 += 2) {
        const channels = [0, 1].map((c) => {
          const data = new Float32Array(nz * 2 * 5);
          for (let dz = 0; dz < nz; dz++) for (let r = 0; r < 2; r++) for (let x = 0; x < 5; x++) {
            data[(dz * 2 + r) * 5 + x] = 1000 * t + 100 * (z0 + dz) + 10 * c + (y0 + r) + x / 10;
          }
          return data;
        });
        await sink.writeBand(t, z0, nz, y0, 2, channels);
      }
    }
  }
  await sink.finish();
  return readFileSync(file);
}

describe('TiffSink', () => {
  it('writes pages in (t, z, c) order from bands of all channels; memory and file spools give the same bytes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pxc-sink-'));
    const a = await writeBands(path.join(dir, 'mem.tif'), 1 << 30);
    const b = await writeBands(path.join(dir, 'file.tif'), 0);
    expect(a.equals(b)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['file.tif', 'mem.tif']);
    const out = await readAll(path.join(dir, 'mem.tif'));
    expect(out.shape).toEqual({ t: 2, z: 3, c: 2, y: 4, x: 5 });
    for (let t = 0; t < 2; t++) for (let z = 0; z < 3; z++) for (let c = 0; c < 2; c++) {
      const plane = out.planes[(t * 3 + z) * 2 + c];
      expect(plane[1 * 5 + 3]).toBeCloseTo(1000 * t + 100 * z + 10 * c + 1 + 0.3, 4);
    }
  });

  it('a 16384² two-class float32 export (2 GiB) is written as BigTIFF, a small one as classic TIFF', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pxc-sink-'));
    const options = { compression: 'none' as const, channelNames: ['a', 'b'], spoolMemoryBytes: 0, axes: 'CYX' };
    const big = await TiffSink.create(path.join(dir, 'big.tif'), { t: 1, z: 1, channels: 2, height: 16384, width: 16384, dtype: 'float32' }, options);
    expect(big.bigTiff).toBe(true);
    await big.abort();
    const small = await TiffSink.create(path.join(dir, 'small.tif'), { t: 1, z: 1, channels: 2, height: 1536, width: 16384, dtype: 'float32' }, options);
    expect(small.bigTiff).toBe(false);
    await small.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('abort removes the partial file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pxc-sink-'));
    const sink = await TiffSink.create(path.join(dir, 'x.tif'), { t: 1, z: 1, channels: 2, height: 4, width: 4, dtype: 'uint8' }, { compression: 'none', channelNames: [], spoolMemoryBytes: 0, axes: 'CYX' });
    await sink.writeBand(0, 0, 1, 0, 2, [new Uint8Array(8), new Uint8Array(8)]);
    await sink.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('export plans', () => {
  const settings = defaultExportSettings();
  const classes = ['bg', 'cell', 'edge'];
  it('channels and names per source', () => {
    expect(planExport(settings, { t: 1, z: 1 }, classes, [])).toMatchObject({ channels: 3, dtype: 'float32', channelNames: classes, resultTypes: ['Probabilities'] });
    expect(planExport({ ...settings, source: 'simple-segmentation', dtype: 'float32' }, { t: 1, z: 1 }, classes, [])).toMatchObject({ channels: 1, dtype: 'uint8' });
    expect(planExport({ ...settings, source: 'features' }, { t: 1, z: 4 }, classes, ['f1', 'f2'])).toMatchObject({ channels: 2, needsFeatures: true, needsProbabilities: false });
    expect(planExport({ ...settings, dtype: 'uint8', format: 'png' }, { t: 1, z: 1 }, classes, []).resultTypes).toEqual(['Probabilities_1', 'Probabilities_2', 'Probabilities_3']);
    expect(() => planExport({ ...settings, source: 'labels', format: 'png' }, { t: 1, z: 2 }, classes, [])).toThrow(/several z-slices/);
  });
});

describe('tile geometry', () => {
  it('fits 2 tiles per worker in half of the memory limit, bands balanced over workers', () => {
    const g = chooseTiles({ z: 1, y: 16384, x: 16384 }, 49, 1, 2, false, 2, 1536 << 20);
    const perTile = g.slabDepth * g.bandRows * g.tileColumns * 4 * (49 + 2 + 4 + 12);
    expect(4 * perTile).toBeLessThanOrEqual((1536 << 20) / 2);
    expect(g.tileColumns).toBe(1024);
    expect(g.bandRows).toBeGreaterThanOrEqual(256);
    expect(chooseTiles({ z: 1, y: 1024, x: 1024 }, 49, 1, 2, false, 2, 1536 << 20)).toEqual({ slabDepth: 1, bandRows: 512, tileColumns: 1024 });
    expect(chooseTiles({ z: 1, y: 1024, x: 1024 }, 49, 1, 2, false, 4, 1536 << 20).bandRows).toBe(256);
    const small = chooseTiles({ z: 1, y: 30, x: 20 }, 49, 1, 2, false, 2, 1536 << 20);
    expect(small).toEqual({ slabDepth: 1, bandRows: 30, tileColumns: 20 });
    expect(chooseTiles({ z: 40, y: 512, x: 512 }, 61, 1, 2, true, 2, 1536 << 20).slabDepth).toBe(16);
  });
});
