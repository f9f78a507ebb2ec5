import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { downsample2x } from '../../extension/core/zarrOutput/downsample2x';
import { omeZarrLayout } from '../../extension/core/zarrOutput/omeZarrLayout';
import { OmeZarrWriter } from '../../extension/core/zarrOutput/omeZarrWriter';
import { nodeGzipCodec, ZarrDirectoryStore } from '../../extension/node/zarrDirectoryStore';
import { finalizeZarrExport, ZarrSink, type ZarrSinkOptions } from '../../extension/batch/zarrSink';
import { readEmbeddedProvenance, type ExportProvenance } from '../../extension/batch/exportProvenance';

const shape = { t: 1, z: 2, channels: 2, height: 300, width: 270, dtype: 'float32' as const };
const provenance = { format: 'pixel-classifier-export', version: 1, input: 'a.tif', project: 'p.pixelclass.json', resultType: 'Probabilities', inputSha256: 'x', trainingHash: 'y', settings: { source: 'probabilities', dtype: 'float32', format: 'zarr', compression: 'none', omeZarrVersion: '0.4' } } as ExportProvenance;
const options: ZarrSinkOptions = { version: '0.4', downsample: 'mean', channelNames: ['a', 'b'], provenance };

function value(z: number, c: number, y: number, x: number): number {
  return ((z * 7 + c * 13 + y * 3 + x) % 101) / 100;
}

/** Band `y0…y0+ny` of slices z0…z0+nz as the pipeline delivers it. */
function band(z0: number, nz: number, y0: number, ny: number): Float32Array[] {
  return [0, 1].map((c) => {
    const data = new Float32Array(nz * ny * shape.width);
    for (let dz = 0; dz < nz; dz++) for (let y = 0; y < ny; y++) for (let x = 0; x < shape.width; x++) data[(dz * ny + y) * shape.width + x] = value(z0 + dz, c, y0 + y, x);
    return data;
  });
}

function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else out[path.relative(root, file)] = readFileSync(file).toString('base64');
    }
  };
  walk(root);
  return out;
}

const temp = () => mkdtempSync(path.join(tmpdir(), 'pxc-zarr-'));

describe('ZarrSink', () => {
  it('writes level 0 as given, each lower level as the 2×2 mean of the one above, and the provenance', async () => {
    const dir = temp();
    const output = path.join(dir, 'out.ome.zarr');
    const sink = await ZarrSink.create(output, shape, options);
    // Bands of 100 rows (not chunk aligned) over slabs of 2 slices.
    for (let y0 = 0; y0 < shape.height; y0 += 100) await sink.writeBand(0, 0, 2, y0, 100, band(0, 2, y0, 100));
    await sink.finish();
    expect(readdirSync(dir)).toEqual(['out.ome.zarr']);
    const writer = new OmeZarrWriter(omeZarrLayout(shape, options), new ZarrDirectoryStore(output), nodeGzipCodec);
    expect(writer.layout.levels.map((l) => [l.height, l.width])).toEqual([[300, 270], [150, 135]]);
    const level0 = new Float32Array(300 * 270);
    for (let row = 0; row < 2; row++) level0.set(await writer.readChunkRow(0, 0, 1, 1, row), row * 256 * 270);
    expect(level0[123 * 270 + 45]).toBe(Math.fround(value(1, 1, 123, 45)));
    expect(level0[299 * 270 + 269]).toBe(Math.fround(value(1, 1, 299, 269)));
    const level1 = await writer.readChunkRow(1, 0, 1, 1, 0);
    expect(Array.from(level1)).toEqual(Array.from(downsample2x(level0, 300, 270, 'mean')));
    const embedded = await readEmbeddedProvenance(output);
    expect(embedded).toEqual({ kind: 'ours', provenance });
    const zattrs = JSON.parse(readFileSync(path.join(output, '.zattrs'), 'utf8'));
    expect(zattrs.multiscales[0].axes.map((a: { name: string }) => a.name)).toEqual(['c', 'z', 'y', 'x']);
  });

  it('shard tasks writing disjoint chunk rows plus finalize give the same files as one task', async () => {
    const dir = temp();
    const whole = path.join(dir, 'whole.ome.zarr');
    const sink = await ZarrSink.create(whole, shape, options);
    for (let z = 0; z < 2; z++) for (const [y0, ny] of [[0, 256], [256, 44]]) await sink.writeBand(0, z, 1, y0, ny, band(z, 1, y0, ny));
    await sink.finish();

    const shared = path.join(dir, 'sub', 'whole.ome.zarr');
    mkdirSync(path.dirname(shared));
    const tasks = await Promise.all([0, 1].map(() => ZarrSink.create(shared, shape, { ...options, shardTask: true })));
    // Task 0: chunk row 0 of both slices; task 1: chunk row 1 (written before task 0's).
    for (let z = 0; z < 2; z++) await tasks[1].writeBand(0, z, 1, 256, 44, band(z, 1, 256, 44));
    await tasks[1].finish();
    expect((await readEmbeddedProvenance(shared)).kind).toBe('none');
    await expect(finalizeZarrExport(shared, shape, options)).rejects.toThrow(/chunks are missing \(0\/0\/0\/0\/0, /);
    for (let z = 0; z < 2; z++) await tasks[0].writeBand(0, z, 1, 0, 256, band(z, 1, 0, 256));
    await tasks[0].finish();
    await finalizeZarrExport(shared, shape, options);
    expect(tree(shared)).toEqual(tree(whole));
  });

  it('0.5: a Zarr v3 store with the same chunks under c/', async () => {
    const dir = temp();
    const output = path.join(dir, 'v3.ome.zarr');
    const sink = await ZarrSink.create(output, shape, { ...options, version: '0.5' });
    await sink.writeBand(0, 0, 2, 0, 300, band(0, 2, 0, 300));
    await sink.finish();
    const files = Object.keys(tree(output));
    expect(files).toContain('zarr.json');
    expect(files).toContain(path.join('0', 'zarr.json'));
    expect(files).toContain(path.join('1', 'c', '1', '0', '0', '0'));
    expect(files).toContain(path.join('0', 'c', '1', '1', '1', '1'));
    expect(files.some((f) => f.endsWith('.zarray'))).toBe(false);
    expect((await readEmbeddedProvenance(output))).toEqual({ kind: 'ours', provenance });
  });

  it('refuses to replace a folder that is not a Zarr store, and to join a store of another layout', async () => {
    const dir = temp();
    const output = path.join(dir, 'mine.ome.zarr');
    mkdirSync(output);
    writeFileSync(path.join(output, 'notes.txt'), 'keep me');
    await expect(ZarrSink.create(output, shape, { ...options, shardTask: true })).rejects.toThrow(/mine\.ome\.zarr exists and is not a Zarr store/);
    const sink = await ZarrSink.create(output, shape, options);
    await sink.writeBand(0, 0, 2, 0, 300, band(0, 2, 0, 300));
    await expect(sink.finish()).rejects.toThrow(/exists and is not a Zarr store/);
    await sink.abort();
    expect(readFileSync(path.join(output, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(readdirSync(dir)).toEqual(['mine.ome.zarr']);

    const store = path.join(dir, 'other.ome.zarr');
    await (await ZarrSink.create(store, shape, { ...options, shardTask: true })).finish();
    await expect(ZarrSink.create(store, { ...shape, width: 271 }, { ...options, shardTask: true })).rejects.toThrow(/other\.ome\.zarr: 0\/\.zarray exists with another layout/);
  });

  it('abort removes the temporary store of a whole-image export', async () => {
    const dir = temp();
    const sink = await ZarrSink.create(path.join(dir, 'x.ome.zarr'), shape, options);
    await sink.writeBand(0, 0, 1, 0, 256, band(0, 1, 0, 256));
    await sink.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});
