import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli, tempDir } from './cliHarness';
import { blobImage, scribbles, writeUint16Tiff, writeUint8Tiff } from './generatedImages';
import { modelCachePath } from '../../extension/project/projectFile';

describe('images anywhere (issue #19)', () => {
  it('predict retrains a project whose training image lies outside the current folder', async () => {
    const data = tempDir('pxc-outside-data-');
    const work = tempDir('pxc-outside-work-');
    const image = blobImage(64, 48, 4);
    writeUint16Tiff(path.join(data, 'a.tif'), image.pixels, 64, 48);
    writeUint8Tiff(path.join(data, 'a_labels.tif'), scribbles(image), 64, 48);
    writeUint16Tiff(path.join(work, 'b.tif'), blobImage(64, 48, 5).pixels, 64, 48);
    const train = await cli(work, ['train', '--image', path.join(data, 'a.tif'), '--labels', path.join(data, 'a_labels.tif'), '--threads', '0', '--features', 'light', '-o', 'p.pixelclass.json']);
    expect(train.code, train.stderr).toBe(0);
    expect(JSON.parse(await fs.readFile(path.join(work, 'p.pixelclass.json'), 'utf8')).images[0].path).toMatch(/^\.\.\//);
    await fs.rm(modelCachePath(path.join(work, 'p.pixelclass.json'))); // force a retraining from the outside image
    const run = await cli(work, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--json', 'b.tif']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).classifier.source).toBe('trained');
  });
});
