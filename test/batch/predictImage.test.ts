import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { predictWorkspace } from '../../extension/batch/predictWorkspace';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { cli, readAll, tempDir, trainedWorkspace } from '../cli/cliHarness';
import { blobImage } from '../cli/generatedImages';

describe('predictWorkspace', () => {
  it('z-stacks: slab tiling gives the same bytes, axes ZCYX, PNG refused per file', async () => {
    const dir = tempDir();
    const nz = 5, width = 40, height = 32;
    const planes: Uint16Array[] = [];
    const labels: Uint8Array[] = [];
    for (let z = 0; z < nz; z++) {
      const image = blobImage(width, height, 50 + z);
      planes.push(image.pixels);
      const l = new Uint8Array(width * height);
      for (let i = 0; i < l.length; i += 5) l[i] = image.truth[i];
      labels.push(l);
    }
    writeFileSync(path.join(dir, 'stack.tif'), encodeTiff(planes, { width, height, dtype: 'uint16', shape: { t: 1, z: nz, c: 1 } }));
    writeFileSync(path.join(dir, 'stack_labels.tif'), encodeTiff(labels, { width, height, dtype: 'uint8', shape: { t: 1, z: nz, c: 1 } }));
    const train = await cli(dir, ['train', '--image', 'stack.tif', '--labels', 'stack_labels.tif', '--features', 'GaussianSmoothing:0.7,1.6;HessianOfGaussianEigenvalues:1.0', '--threads', '0', '--trees', '20', '-o', 'p.pixelclass.json']);
    expect(train.code, train.stderr).toBe(0);
    const run = (folder: string, tiles?: object) => predictWorkspace({
      projectFile: 'p.pixelclass.json', inputs: ['stack.tif'], baseDir: dir, tiles,
      settings: { filenameFormat: `{dataset_dir}/${folder}/{nickname}_{result_type}.tif` },
    });
    expect((await run('whole')).ok).toBe(true);
    const progress: number[] = [];
    const tiled = await predictWorkspace({
      projectFile: 'p.pixelclass.json', inputs: ['stack.tif'], baseDir: dir, tiles: { slabDepth: 2, bandRows: 7, tileColumns: 16 },
      settings: { filenameFormat: '{dataset_dir}/tiled/{nickname}_{result_type}.tif' },
      onProgress: (p) => progress.push(p.fraction),
    });
    expect(tiled.ok).toBe(true);
    expect(progress.length).toBe(3 * 5 * 3);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    expect(progress.at(-1)).toBe(1);
    const whole = readFileSync(path.join(dir, 'whole', 'stack_Probabilities.tif'));
    expect(readFileSync(path.join(dir, 'tiled', 'stack_Probabilities.tif')).equals(whole)).toBe(true);
    const out = await readAll(path.join(dir, 'whole', 'stack_Probabilities.tif'));
    expect(out.shape).toEqual({ t: 1, z: 5, c: 2, y: height, x: width });
    expect(out.axes).toBe('ZCYX');
    const png = await predictWorkspace({
      projectFile: 'p.pixelclass.json', inputs: ['stack.tif'], baseDir: dir,
      settings: { source: 'simple-segmentation', format: 'png', filenameFormat: '{dataset_dir}/png/{nickname}_{result_type}.png' },
    });
    expect(png.files[0].status).toBe('error');
    expect(png.files[0].error).toMatch(/PNG holds one 2D plane/);
  });

  it('cancellation stops the run, removes partial outputs and reports the rest as cancelled', async () => {
    const { dir } = await trainedWorkspace(3, { width: 64, height: 64 });
    const controller = new AbortController();
    const summary = await predictWorkspace({
      projectFile: 'proj.pixelclass.json', inputs: ['img0.tif', 'img1.tif', 'img2.tif'], baseDir: dir,
      settings: { filenameFormat: '{dataset_dir}/out/{nickname}_{result_type}.tif' },
      tiles: { bandRows: 8 },
      onProgress: (p) => { if (p.index === 1 && p.fileFraction >= 0.25) controller.abort(); },
      signal: controller.signal,
    });
    expect(summary.files.map((f) => f.status)).toEqual(['ok', 'cancelled', 'cancelled']);
    expect(summary.ok).toBe(false);
    // Only outputs: the provenance is inside the file (issue 19), no sidecar record.
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['img0_Probabilities.tif']);
  });
});
