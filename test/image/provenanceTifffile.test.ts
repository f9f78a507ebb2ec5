/**
 * Issue 19 cross-check with tifffile (skipped when the system python lacks it, like tifffileCrossCheck.test.ts):
 * an export with its provenance in the private tag still opens in tifffile as an ImageJ hyperstack with the
 * right axes, shape and channel labels, and tifffile sees the provenance JSON in tag 65400.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { predictWorkspace } from '../../extension/batch/predictWorkspace';
import { readEmbeddedProvenance } from '../../extension/batch/exportProvenance';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { trainedWorkspace } from '../cli/cliHarness';

const PYTHON = '/usr/bin/python3';
const hasTifffile = ((): boolean => {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import tifffile, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasTifffile)('tifffile reads exports with embedded provenance', () => {
  it('2D probabilities (CYX) and a z-stack (ZCYX): axes, shape, labels, ImageJ, and the provenance tag', async () => {
    const { dir, images } = await trainedWorkspace(2, { width: 48, height: 40 }, ['--features', 'light']);
    const stack = Array.from({ length: 4 }, () => images[1].pixels);
    // The project is 2D (it refuses stacks for the classifier), so the z-stack export is of its features.
    writeFileSync(path.join(dir, 'stack.tif'), encodeTiff(stack, { width: 48, height: 40, dtype: 'uint16', shape: { t: 1, z: 4, c: 1 }, axes: 'ZYX' }));
    const probabilities = await predictWorkspace({ projectFile: 'proj.pixelclass.json', inputs: ['img1.tif'], baseDir: dir, settings: { filenameFormat: '{dataset_dir}/x/{nickname}_{result_type}.tif' } });
    const features = await predictWorkspace({ projectFile: 'proj.pixelclass.json', inputs: ['stack.tif'], baseDir: dir, settings: { source: 'features', filenameFormat: '{dataset_dir}/x/{nickname}_{result_type}.tif' } });
    expect([probabilities.ok, features.ok]).toEqual([true, true]);
    const files = [path.join(dir, 'x', 'img1_Probabilities.tif'), path.join(dir, 'x', 'stack_Features.tif')];
    const out = JSON.parse(execFileSync(PYTHON, ['-c', `
import json, sys, tifffile
out = []
for f in sys.argv[1:]:
    with tifffile.TiffFile(f) as tif:
        s = tif.series[0]
        tag = tif.pages[0].tags.get(65400)
        out.append({'axes': s.axes, 'shape': list(s.shape), 'imagej': tif.is_imagej, 'labels': (tif.imagej_metadata or {}).get('Labels'),
                    'provenance': json.loads(tag.value) if tag else None, 'description': tif.pages[0].description})
print(json.dumps(out))
`, ...files], { encoding: 'utf8' }));
    expect(out[0]).toMatchObject({ axes: 'CYX', shape: [2, 40, 48], imagej: true, labels: ['Label 1', 'Label 2'] });
    expect(out[0].description).toMatch(/^ImageJ=/);
    expect(out[0].provenance).toMatchObject({ format: 'pixel-classifier-export', input: 'img1.tif', project: 'proj.pixelclass.json', resultType: 'Probabilities', trainingHash: probabilities.classifier!.trainingHash });
    const stackShape = out[1].shape as number[];
    expect(out[1]).toMatchObject({ axes: 'ZCYX', imagej: true });
    expect([stackShape[0], stackShape[2], stackShape[3]]).toEqual([4, 40, 48]);
    expect(out[1].provenance).toMatchObject({ input: 'stack.tif', resultType: 'Features', settings: { source: 'features' } });
    // And our reader agrees with tifffile.
    const ours = await readEmbeddedProvenance(files[0]);
    expect(ours.kind === 'ours' && ours.provenance).toEqual(out[0].provenance);
  });
});
