import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { cli, tempDir } from './cliHarness';
import { blobImage, lcg, scribbles, writeUint16Tiff, writeUint8Tiff } from './generatedImages';
import { balanceHints, labelCountsByClass } from '../../extension/batch/suggestRegions';
import { createProject } from '../../extension/project/projectSchema';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';

describe('pixel-classifier suggest (label here next)', () => {
  it('ranks the regions of the image the classifier is unsure about first', async () => {
    const dir = tempDir('pxc-suggest-');
    const easy = blobImage(128, 96, 3);
    writeUint16Tiff(path.join(dir, 'easy.tif'), easy.pixels, 128, 96);
    writeUint8Tiff(path.join(dir, 'easy_labels.tif'), scribbles(easy), 128, 96);
    // The hard image: noise around the midpoint between background (1000) and discs (3000).
    const random = lcg(9);
    const hard = new Uint16Array(128 * 96).map(() => Math.round(2000 + (random() - 0.5) * 400));
    writeUint16Tiff(path.join(dir, 'hard.tif'), hard, 128, 96);
    writeUint8Tiff(path.join(dir, 'hard_labels.tif'), new Uint8Array(128 * 96), 128, 96);
    const train = await cli(dir, ['train', '--image', 'easy.tif', '--labels', 'easy_labels.tif', '--image', 'hard.tif', '--labels', 'hard_labels.tif', '--threads', '0', '--features', 'light', '-o', 'p.pixelclass.json']);
    expect(train.code, train.stderr).toBe(0);
    const run = await cli(dir, ['suggest', '--project', 'p.pixelclass.json', '--top', '5', '--tile', '64', '--threads', '0', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    // 128×96 in 64² tiles: 4 tiles per image; the hard image's 4 come first, each less sure than any easy tile.
    expect(result.suggestions.map((s: { image: string }) => s.image)).toEqual(['hard.tif', 'hard.tif', 'hard.tif', 'hard.tif', 'easy.tif']);
    expect(result.suggestions[3].score).toBeGreaterThan(result.suggestions[4].score);
    expect(result.suggestions[0].box).toMatchObject({ width: 64 });
    expect(result.classes.map((c: { name: string }) => c.name)).toEqual(['Label 1', 'Label 2']);
    const text = await cli(dir, ['suggest', '--project', 'p.pixelclass.json', '--top', '2', '--tile', '64', '--threads', '0']);
    expect(text.stdout).toMatch(/^Label here next \(p.pixelclass.json\): mean uncertainty per region, highest first\n  1\. 0\.\d{3}  hard.tif t=0 z=0 x=\d+\.\.\d+ y=\d+\.\.\d+\n  2\./);
  });

  it('hints at classes with few labels', () => {
    const p = createProject(selectionDefaultLight(), '1', 3);
    p.images = [{ path: 'a.tif', sha256: 'a'.repeat(64), shape: { t: 1, z: 1, c: 1, y: 4, x: 300 } }];
    p.labels = { 'a.tif': { t0z0: ['0: 0+200=1 200+90=2', '1: 0+10=3', 'end'] } };
    const counts = labelCountsByClass(p);
    expect(counts).toEqual([0, 200, 90, 10]);
    expect(balanceHints(p, counts)).toEqual(['few labels of Label 3 (10 px, 3% of the labels)']);
  });
});
