import { denseLabels } from '../../extension/core/labels/labelVolume';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { projectLabels, readProject } from '../../extension/project/projectFile';
import { trainingHash } from '../../extension/project/trainingHash';
import { decodeModelCache } from '../../extension/project/modelCache';
import { cli, tempDir } from './cliHarness';
import { blobImage, scribbles, writeUint16Tiff, writeUint8Tiff } from './generatedImages';

function workspace(): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'data'));
  for (let i = 0; i < 2; i++) {
    const image = blobImage(64, 48, 30 + i);
    writeUint16Tiff(path.join(dir, 'data', `a${i}.tif`), image.pixels, 64, 48);
    writeUint8Tiff(path.join(dir, 'data', `a${i}_labels.tif`), scribbles(image), 64, 48);
  }
  return dir;
}

const pairs = ['--image', 'data/a0.tif', '--labels', 'data/a0_labels.tif', '--image', 'data/a1.tif', '--labels', 'data/a1_labels.tif'];

describe('pixel-classifier train', () => {
  it('writes a project (relative paths, hashes, RLE labels, provenance) and a matching model cache', async () => {
    const dir = workspace();
    const run = await cli(dir, ['train', ...pairs, '--features', 'light', '--trees', '10', '--seed', '3', '--threads', '0', '--json', '-o', 'proj.pixelclass.json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ images: 2, classes: 2, features: 13, trees: 10 });
    const project = await readProject(path.join(dir, 'proj.pixelclass.json'));
    expect(project.images.map((i) => i.path)).toEqual(['data/a0.tif', 'data/a1.tif']);
    expect(project.classifier).toEqual({ trees: 10, seed: 3 });
    expect(project.provenance.trainingHash).toBe(trainingHash(project));
    expect(project.provenance.lastTrained).toBeDefined();
    const labels = projectLabels(project, 'data/a1.tif');
    expect(Array.from(denseLabels(labels))).toEqual(Array.from(scribbles(blobImage(64, 48, 31))));
    const cache = decodeModelCache(new Uint8Array(readFileSync(path.join(dir, 'proj.pixelclass.model'))));
    expect(cache).toMatchObject({ trainingHash: project.provenance.trainingHash });
  });

  it('is deterministic: same labels and seed give the same model bytes', async () => {
    const dir = workspace();
    await cli(dir, ['train', ...pairs, '--features', 'light', '--trees', '8', '--threads', '0', '-o', 'a.pixelclass.json']);
    await cli(dir, ['train', ...pairs, '--features', 'light', '--trees', '8', '--threads', '0', '-o', 'b.pixelclass.json']);
    await cli(dir, ['train', ...pairs, '--features', 'light', '--trees', '8', '--seed', '1', '--threads', '0', '-o', 'c.pixelclass.json']);
    const model = (name: string) => readFileSync(path.join(dir, `${name}.pixelclass.model`));
    expect(model('a').equals(model('b'))).toBe(true);
    expect(model('a').equals(model('c'))).toBe(false);
  });

  it.each([
    [['--image', 'data/a0.tif'], /in pairs/],
    [[], /at least one --image/],
    [['--image', 'data/a0.tif', '--labels', 'data/a0_labels.tif'], /-o <project.pixelclass.json> is required/, false],
    [['--image', 'data/a0.tif', '--labels', 'data/a0_labels.tif', '--trees', '0'], /--trees must be in 1..100000/],
    [['--image', 'data/a0.tif', '--labels', 'data/a0_labels.tif', '--features', 'Nonsense:1'], /unknown feature "Nonsense"/],
  ])('usage errors: %j', async (args, message, withOutput = true) => {
    const dir = workspace();
    const run = await cli(dir, ['train', ...args, ...(withOutput ? ['-o', 'p.pixelclass.json'] : [])]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('bad label images and single-class labels are clear errors', async () => {
    const dir = workspace();
    writeUint8Tiff(path.join(dir, 'small.tif'), new Uint8Array(16), 4, 4);
    let run = await cli(dir, ['train', '--image', 'data/a0.tif', '--labels', 'small.tif', '--threads', '0', '-o', 'p.pixelclass.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/small\.tif: label image shape .* differs from the image's/);
    const ones = new Uint8Array(64 * 48);
    ones[5] = 1;
    writeUint8Tiff(path.join(dir, 'one.tif'), ones, 64, 48);
    run = await cli(dir, ['train', '--image', 'data/a0.tif', '--labels', 'one.tif', '--threads', '0', '-o', 'p.pixelclass.json']);
    expect(run.stderr).toMatch(/only class 1/);
    writeFileSync(path.join(dir, 'float.tif'), encodeTiff([new Float32Array(64 * 48).fill(0.5)], { width: 64, height: 48, dtype: 'float32' }));
    run = await cli(dir, ['train', '--image', 'data/a0.tif', '--labels', 'float.tif', '--threads', '0', '-o', 'p.pixelclass.json']);
    expect(run.stderr).toMatch(/label value 0\.5 at t=0 z=0 row 0 column 0 is not an integer/);
    run = await cli(dir, ['train', '--image', 'outside/../../x.tif', '--labels', 'one.tif', '--threads', '0', '-o', 'p.pixelclass.json']);
    expect(run.code).toBe(1);
  });

  it('refuses to overwrite a file that is not a valid project', async () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'p.pixelclass.json'), '{ "format": "pixel-classifier-project", "version": 1, oops');
    const run = await cli(dir, ['train', ...pairs, '--features', 'light', '--threads', '0', '-o', 'p.pixelclass.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refusing to overwrite p\.pixelclass\.json: .*p\.pixelclass\.json:1:\d+: invalid JSON/);
    expect(readFileSync(path.join(dir, 'p.pixelclass.json'), 'utf8')).toContain('oops');
  });
});
