/** The CLI takes an OME-Zarr folder wherever it takes an image (issue #13): info reports its levels, predict reads it. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeEntries, omeGroupEntries, writeStore, zarrArrayEntries } from '../image/zarrStoreBuilder';
import { buildCli } from '../workers/buildWorker';
import { cli, readAll, trainedWorkspace } from './cliHarness';

describe('pixel-classifier with an OME-Zarr folder', () => {
  it('info prints levels and pixel sizes (text and --json); predict gives the same result as for the TIFF', async () => {
    const { dir, images } = await trainedWorkspace(2);
    const { pixels, width, height } = images[1];
    const half = new Uint16Array((height / 2) * (width / 2));
    for (let y = 0; y < height / 2; y++) for (let x = 0; x < width / 2; x++) half[y * (width / 2) + x] = pixels[2 * y * width + 2 * x];
    const axes = [{ name: 'y', type: 'space', unit: 'micrometer' }, { name: 'x', type: 'space', unit: 'micrometer' }];
    writeStore(path.join(dir, 'zimg.ome.zarr'), mergeEntries(
      omeGroupEntries(2, { axes, datasets: [{ path: '0', scale: [0.5, 0.5] }, { path: '1', scale: [1, 1] }] }),
      await zarrArrayEntries(2, '0', { shape: [height, width], chunks: [32, 32], dtype: 'uint16', data: pixels, compressor: 'blosc-lz4' }),
      await zarrArrayEntries(2, '1', { shape: [height / 2, width / 2], chunks: [32, 32], dtype: 'uint16', data: half, compressor: 'gzip' }),
    ));

    const info = await cli(dir, ['info', 'zimg.ome.zarr']);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain('format:      zarr');
    expect(info.stdout).toContain(`shape:       t=1 z=1 c=1 y=${height} x=${width}`);
    expect(info.stdout).toContain('compression: blosc-lz4');
    expect(info.stdout).toContain('chunks:      z=1 y=32 x=32');
    expect(info.stdout).toContain('pixel size:  0.5 × 0.5 µm (OME-Zarr)');
    expect(info.stdout).toContain('levels:      2');
    expect(info.stdout).toContain(`  0: z=1 y=${height} x=${width}  scale z=1 y=1 x=1`);
    expect(info.stdout).toContain(`  1: z=1 y=${height / 2} x=${width / 2}  scale z=1 y=2 x=2`);
    const json = JSON.parse((await cli(dir, ['info', 'zimg.ome.zarr/.zattrs', '--json'])).stdout);
    expect(json.levels).toHaveLength(2);
    expect(json.pixelSize).toEqual({ x: 0.5, y: 0.5, unit: 'µm', source: 'OME-Zarr' });
    const tiffInfo = await cli(dir, ['info', 'img1.tif']);
    expect(tiffInfo.stdout).toContain('levels:      1');
    expect(tiffInfo.stdout).toContain('pixel size:  not stated');

    const fromTiff = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', 'img1.tif']);
    expect(fromTiff.code, fromTiff.stderr).toBe(0);
    const fromZarr = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', 'zimg.ome.zarr']);
    expect(fromZarr.code, fromZarr.stderr + fromZarr.stdout).toBe(0);
    expect(fromZarr.stdout).toMatch(/zimg\.ome\.zarr → zimg_Probabilities\.tif/);
    const a = await readAll(path.join(dir, 'img1_Probabilities.tif'));
    const b = await readAll(path.join(dir, 'zimg_Probabilities.tif'));
    expect(b.shape).toEqual(a.shape);
    expect(b.planes.map((p) => Array.from(p))).toEqual(a.planes.map((p) => Array.from(p)));
    // A glob matches the store folder as one image; its folder hash is stable, so a second run is up to date.
    const again = JSON.parse((await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--json', '*.zarr'])).stdout);
    expect(again.files.map((f: { input: string; status: string }) => [path.basename(f.input), f.status])).toEqual([['zimg.ome.zarr', 'skipped']]);
  });

  it('train and features take the folder too: the same project and feature stack as from the TIFF', async () => {
    const { dir, images } = await trainedWorkspace(1);
    const { pixels, width, height } = images[0];
    writeStore(path.join(dir, 'z0.zarr'), await zarrArrayEntries(3, '', { shape: [height, width], chunks: [40, 40], dtype: 'uint16', data: pixels, compressor: 'zstd' }));
    const train = await cli(dir, ['train', '--image', 'z0.zarr', '--labels', 'labels0.tif', '--threads', '0', '--features', 'light', '-o', 'z.pixelclass.json']);
    expect(train.code, train.stderr).toBe(0);
    const project = JSON.parse(readFileSync(path.join(dir, 'z.pixelclass.json'), 'utf8'));
    const tiffProject = JSON.parse(readFileSync(path.join(dir, 'proj.pixelclass.json'), 'utf8'));
    expect(project.images.map((i: { path: string }) => i.path)).toEqual(['z0.zarr']);
    expect(project.labels['z0.zarr']).toEqual(tiffProject.labels['img0.tif']);
    // features runs its filter bank in worker threads: the CLI bundled with its worker.
    const builtCli = await buildCli();
    for (const [input, output] of [['z0.zarr', 'fz.tif'], ['img0.tif', 'ft.tif']]) {
      const run = spawnSync(process.execPath, [builtCli, 'features', input, '-o', output, '--features', 'GaussianSmoothing:1.0', '--workers', '1'], { cwd: dir, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
    }
    const a = await readAll(path.join(dir, 'ft.tif'));
    const b = await readAll(path.join(dir, 'fz.tif'));
    expect(b.shape).toEqual(a.shape);
    expect(b.planes.map((p) => Array.from(p))).toEqual(a.planes.map((p) => Array.from(p)));
  });

  it('a broken store: exit 1 with one line naming the store', async () => {
    const { dir } = await trainedWorkspace(1);
    writeStore(path.join(dir, 'bad.zarr'), new Map([['.zgroup', new TextEncoder().encode('{"zarr_format": 2}')]]));
    const run = await cli(dir, ['info', 'bad.zarr']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bad\.zarr: is a Zarr group without OME-Zarr multiscales metadata/);
  });
});
