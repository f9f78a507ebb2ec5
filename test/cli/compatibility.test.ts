/**
 * Issue 14 item 1 on generated files: `pixel-classifier predict` refuses images the classifier cannot be applied
 * to (plain reason, exit 1) and warns about images unlike the training data (stderr and `--json` "warnings").
 */
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../extension/core/image/pngWriter';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { cli, trainedWorkspace } from './cliHarness';
import type { BlobImage } from './generatedImages';

let dir: string;
let images: BlobImage[];

beforeAll(async () => {
  ({ dir, images } = await trainedWorkspace(2));
  const { pixels, width, height } = images[1];
  // The same scene as an 8-bit PNG (intensities /16: 60..190 instead of 1000..3000).
  writeFileSync(path.join(dir, 'phase.png'), encodePng(Uint8Array.from(pixels, (v) => Math.min(255, v >> 4)), width, height));
  // An RGB PNG and a 12-slice z-stack of the same size.
  const rgb = new Uint8Array(width * height * 3);
  writeFileSync(path.join(dir, 'photo.png'), (await import('fast-png')).encode({ width, height, data: rgb, channels: 3, depth: 8 }));
  writeFileSync(path.join(dir, 'stack.tif'), encodeTiff(Array.from({ length: 12 }, () => pixels), { width, height, dtype: 'uint16', shape: { t: 1, z: 12, c: 1 }, axes: 'ZYX' }));
});

describe('predict: images unlike the training data', () => {
  it('an 8-bit PNG in a 16-bit project: predicted, with a warning on stderr and in the --json summary', async () => {
    const text = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--export-source', 'simple-segmentation', '--output-format', 'png', '-o', '{dataset_dir}/w/{nickname}_{result_type}.png', 'phase.png']);
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(/^warning: phase\.png is 8-bit \(uint8\) but the classifier was trained on 16-bit \(uint16\) images; its intensities \(1st–99th percentile \d+–\d+\) are unlike the training images' \(\d+–\d+\): the predictions may be wrong/m);
    expect(text.stdout).toMatch(/1 predicted, 0 up to date, 0 failed, 1 with warnings \(see stderr\)/);
    expect(existsSync(path.join(dir, 'w', 'phase_Simple_Segmentation.png'))).toBe(true);

    const json = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--json', '--force', '-o', '{dataset_dir}/w/{nickname}_{result_type}.tif', 'phase.png', 'img1.tif']);
    expect(json.code).toBe(0);
    // stderr holds only progress lines (not a terminal here); warnings go into the JSON summary
    expect(json.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('progress: '))).toEqual([]);
    const summary = JSON.parse(json.stdout);
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings[0]).toMatch(/^phase\.png is 8-bit \(uint8\)/);
    const byName = Object.fromEntries(summary.files.map((f: { input: string }) => [path.basename(f.input), f]));
    expect(byName['phase.png'].warnings).toEqual(summary.warnings);
    expect(byName['phase.png'].status).toBe('ok');
    expect(byName['img1.tif'].warnings).toBeUndefined(); // same kind of image as the training one
  });

  it('a z-stack and an RGB image are refused with a plain reason, and the rest goes on', async () => {
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--json', '-o', '{dataset_dir}/r/{nickname}_{result_type}.tif', 'stack.tif', 'photo.png', 'img1.tif']);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout);
    const byName = Object.fromEntries(summary.files.map((f: { input: string }) => [path.basename(f.input), f]));
    expect(byName['stack.tif']).toMatchObject({ status: 'error', error: 'stack.tif has 12 z-slices; the classifier was trained on 2D images' });
    expect(byName['photo.png']).toMatchObject({ status: 'error', error: 'photo.png has 3 channels (RGB); the classifier was trained on images with 1 channel' });
    expect(byName['img1.tif'].status).toBe('ok');
    expect(existsSync(path.join(dir, 'r', 'stack_Probabilities.tif'))).toBe(false);
    expect(JSON.stringify(summary)).not.toMatch(/feature channels/);
  });

  it('exports that do not use the classifier (features) are not checked', async () => {
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--json', '--export-source', 'features', '-o', '{dataset_dir}/f/{nickname}_{result_type}.tif', 'photo.png']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).warnings).toEqual([]);
  });
});
