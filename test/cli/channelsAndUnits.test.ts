/**
 * Issue #15 through the CLI on generated files: `--channels` (the project's `featureChannels`) decides which input
 * channels feed the features in train, predict and features; `--scale-unit physical` (the project's `scaleUnit`)
 * makes σ µm, per axis from the file's pixel size, and images without a pixel size are refused clearly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildComputeWorker } from '../workers/buildWorker';
import { computeFeatures } from '../../extension/core/features/computeFeatureBlock';
import { parseFeatureSpec } from '../../extension/cli/commands/features';
import { selectionForImage } from '../../extension/core/features/selectionForImage';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { openImage } from '../../extension/node/openImage';
import { readProject } from '../../extension/project/projectFile';
import { decodeModelCache } from '../../extension/project/modelCache';
import { deserializeForest } from '../../extension/core/forest/serializeForest';
import { cli, tempDir } from './cliHarness';
import { blobImage, lcg, scribbles, writeUint8Tiff } from './generatedImages';

const W = 64, H = 48;
/** `features` runs on the worker pool: the built worker bundle. */
let worker: Record<string, string> = {};
beforeAll(async () => { worker = { PIXEL_CLASSIFIER_WORKER: await buildComputeWorker() }; }, 120_000);

/** Three channels: the blobs, noise (or `noiseSeed`'s noise), and the blobs inverted. */
function threeChannels(file: string, noiseSeed: number): void {
  const image = blobImage(W, H, 40);
  const random = lcg(noiseSeed);
  const noise = Uint16Array.from({ length: W * H }, () => Math.round(4000 * random()));
  const inverted = image.pixels.map((v) => 5000 - v);
  writeFileSync(file, encodeTiff([image.pixels, noise, inverted], { width: W, height: H, dtype: 'uint16', shape: { t: 1, z: 1, c: 3 }, axes: 'CYX' }));
}

async function plane(file: string, c = 0, z = 0): Promise<number[]> {
  const image = await openImage(file);
  try { return Array.from(await image.readPlane(0, z, c)); } finally { await image.close(); }
}

describe('feature channels through train / predict / features', () => {
  it('train --channels 0,2 saves featureChannels, trains on 2 × 13 features, and channel 1 no longer matters', async () => {
    const dir = tempDir();
    threeChannels(path.join(dir, 'a.tif'), 1);
    threeChannels(path.join(dir, 'b.tif'), 99); // same but a different channel 1
    writeUint8Tiff(path.join(dir, 'a_labels.tif'), scribbles(blobImage(W, H, 40)), W, H);
    const train = await cli(dir, ['train', '--image', 'a.tif', '--labels', 'a_labels.tif', '--features', 'light', '--channels', '0,2',
      '--trees', '10', '--threads', '0', '--json', '-o', 'p.pixelclass.json']);
    expect(train.code, train.stderr).toBe(0);
    expect(JSON.parse(train.stdout)).toMatchObject({ features: 26 });
    const text = readFileSync(path.join(dir, 'p.pixelclass.json'), 'utf8');
    expect(text).toContain('"featureChannels": [0, 2]');
    const project = await readProject(path.join(dir, 'p.pixelclass.json'));
    const cache = decodeModelCache(new Uint8Array(readFileSync(path.join(dir, 'p.pixelclass.model'))));
    if ('invalid' in cache) throw new Error(cache.invalid);
    expect(deserializeForest(cache.forestBytes).nFeatures).toBe(26);
    expect(project.features.featureChannels).toEqual([0, 2]);

    for (const input of ['a.tif', 'b.tif']) {
      const run = await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--export-source', 'probabilities', input]);
      expect(run.code, run.stderr).toBe(0);
    }
    // Channel 1 differs between a.tif and b.tif, but it does not feed the features: identical probabilities.
    expect(await plane(path.join(dir, 'b_Probabilities.tif'))).toEqual(await plane(path.join(dir, 'a_Probabilities.tif')));
    expect(await plane(path.join(dir, 'b_Probabilities.tif'), 1)).toEqual(await plane(path.join(dir, 'a_Probabilities.tif'), 1));

    // Features export: the 26 features of channels 0 and 2, identical for both files.
    for (const input of ['a.tif', 'b.tif']) {
      const features = await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--export-source', 'features', input]);
      expect(features.code, features.stderr).toBe(0);
    }
    const exported = await openImage(path.join(dir, 'a_Features.tif'));
    expect(exported.info.shape.c).toBe(26);
    await exported.close();
    for (let c = 0; c < 26; c += 5) expect(await plane(path.join(dir, 'b_Features.tif'), c)).toEqual(await plane(path.join(dir, 'a_Features.tif'), c));
  });

  it('without --channels every channel feeds the features, so channel 1 changes them', async () => {
    const dir = tempDir();
    threeChannels(path.join(dir, 'a.tif'), 1);
    threeChannels(path.join(dir, 'b.tif'), 99);
    writeUint8Tiff(path.join(dir, 'a_labels.tif'), scribbles(blobImage(W, H, 40)), W, H);
    const train = await cli(dir, ['train', '--image', 'a.tif', '--labels', 'a_labels.tif', '--features', 'light', '--trees', '10', '--threads', '0', '--json', '-o', 'p.pixelclass.json']);
    expect(JSON.parse(train.stdout)).toMatchObject({ features: 39 });
    expect(readFileSync(path.join(dir, 'p.pixelclass.json'), 'utf8')).not.toContain('featureChannels');
    for (const input of ['a.tif', 'b.tif']) {
      expect((await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--export-source', 'features', input])).code).toBe(0);
    }
    // Feature channel 1 is Gaussian smoothing σ=0.3 of input channel 1.
    expect(await plane(path.join(dir, 'b_Features.tif'), 0)).toEqual(await plane(path.join(dir, 'a_Features.tif'), 0));
    expect(await plane(path.join(dir, 'b_Features.tif'), 1)).not.toEqual(await plane(path.join(dir, 'a_Features.tif'), 1));
  });

  it('features --channels 2: one input channel, names say which; a channel the image lacks is an error', async () => {
    const dir = tempDir();
    threeChannels(path.join(dir, 'a.tif'), 1);
    const run = await cli(dir, ['features', 'a.tif', '-o', 'f.tif', '--features', 'GaussianSmoothing:1.0', '--channels', '2', '--workers', '1'], worker);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/1 feature channels .*× 1 of 3/);
    const f = await openImage(path.join(dir, 'f.tif'));
    expect(f.info.metadata.channelNames ?? f.info.metadata.labels).toBeDefined();
    await f.close();
    const bad = await cli(dir, ['features', 'a.tif', '-o', 'g.tif', '--channels', '0,5', '--workers', '1'], worker);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/channel 5/);
    expect((await cli(dir, ['features', 'a.tif', '-o', 'g.tif', '--channels', 'x'])).stderr).toMatch(/--channels: expected 0-based channel indices/);
  });
});

describe('--scale-unit physical', () => {
  /** A 6-slice stack, 0.5 × 0.5 µm pixels and 2 µm z steps when `sized`. */
  function stack(file: string, sized: boolean): Float32Array {
    const planes: Uint16Array[] = [];
    const all = new Float32Array(6 * H * W);
    for (let z = 0; z < 6; z++) {
      const p = blobImage(W, H, 50 + z).pixels;
      planes.push(p);
      all.set(p, z * H * W);
    }
    writeFileSync(file, encodeTiff(planes, {
      width: W, height: H, dtype: 'uint16', shape: { t: 1, z: 6, c: 1 }, axes: 'ZYX',
      ...(sized ? { resolution: { x: 0.5, y: 0.5, z: 2, unit: 'micron' } } : {}),
    }));
    return all;
  }

  it('features: σ in µm becomes σ / pixel size per axis (the same numbers as the engine with those sigmas)', async () => {
    const dir = tempDir();
    const volume = stack(path.join(dir, 's.tif'), true);
    const run = await cli(dir, ['features', 's.tif', '-o', 'f.tif', '--features', 'GaussianSmoothing:1.0;HessianOfGaussianEigenvalues:1.0', '--scale-unit', 'physical', '--variant', 'direct', '--workers', '1'], worker);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/σ in µm/);
    const selection = selectionForImage({ ...parseFeatureSpec('GaussianSmoothing:1.0;HessianOfGaussianEigenvalues:1.0', undefined, false), scaleUnit: 'physical' },
      { name: 's.tif', shape: { z: 6, y: H, x: W, c: 1 }, pixelSize: { x: 0.5, y: 0.5, z: 2, unit: 'µm' } });
    expect(selection.scales[0].pixelSigmas).toEqual({ z: 0.5, y: 2, x: 2 });
    const expected = computeFeatures(volume, { z: 6, y: H, x: W }, selection, { variant: 'direct' });
    const out = await openImage(path.join(dir, 'f.tif'));
    expect(out.info.shape).toMatchObject({ z: 6, c: 4 });
    for (const [c, z] of [[0, 0], [1, 3], [3, 5]]) {
      const got = await out.readPlaneFloat32(0, z, c);
      expect(Array.from(got)).toEqual(Array.from(expected.subarray((c * 6 + z) * H * W, (c * 6 + z + 1) * H * W)));
    }
    await out.close();
    // Pixel units give other numbers (isotropic σ = 1 pixel).
    await cli(dir, ['features', 's.tif', '-o', 'p.tif', '--features', 'GaussianSmoothing:1.0', '--variant', 'direct', '--workers', '1'], worker);
    expect(await plane(path.join(dir, 'p.tif'), 0, 2)).not.toEqual(await plane(path.join(dir, 'f.tif'), 0, 2));
  });

  it('an image without a pixel size is refused with the reason; train saves "scaleUnit": "physical"', async () => {
    const dir = tempDir();
    stack(path.join(dir, 'plain.tif'), false);
    const run = await cli(dir, ['features', 'plain.tif', '-o', 'f.tif', '--features', 'GaussianSmoothing:1.0', '--scale-unit', 'physical', '--workers', '1'], worker);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/plain\.tif: the feature scales are in physical units, but the image has no pixel size/);
    expect((await cli(dir, ['features', 'plain.tif', '-o', 'f.tif', '--scale-unit', 'inches'])).stderr).toMatch(/--scale-unit must be pixels or physical/);

    stack(path.join(dir, 'sized.tif'), true);
    const labels = new Uint8Array(6 * H * W);
    for (let z = 0; z < 6; z++) labels.set(scribbles(blobImage(W, H, 50 + z)), z * H * W);
    writeFileSync(path.join(dir, 'labels.tif'), encodeTiff(Array.from({ length: 6 }, (_, z) => labels.subarray(z * H * W, (z + 1) * H * W)),
      { width: W, height: H, dtype: 'uint8', shape: { t: 1, z: 6, c: 1 }, axes: 'ZYX' }));
    const train = await cli(dir, ['train', '--image', 'sized.tif', '--labels', 'labels.tif', '--features', 'GaussianSmoothing:0.3,1.0;LaplacianOfGaussian:1.0',
      '--scale-unit', 'physical', '--trees', '5', '--threads', '0', '-o', 'p.pixelclass.json']);
    expect(train.code, train.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'p.pixelclass.json'), 'utf8')).toContain('"scaleUnit": "physical"');
    const ok = await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', 'sized.tif']);
    expect(ok.code, ok.stderr).toBe(0);
    const refused = await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', 'plain.tif']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/plain\.tif.*no pixel size/);
  });
});
