/**
 * Cross-check with h5py (issue #17): an `.ilp` written by h5py in the exact forms ilastik's own files use —
 * fixed-length byte strings (`|S…`), numpy bools (an HDF5 enum), int64 colours, axistags as a string dataset,
 * `blockSlice` as a bytes attribute, an embedded image with axistags and DIMENSION_LABELS, a 2D+t lane in
 * ilastik's older `txyzc` order — is imported with every label in place. Needs /usr/bin/python3 with h5py
 * (`apt install python3-h5py`); skipped without it, but under CI=true a missing h5py fails the run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importIlastikProject } from '../../extension/batch/importIlastik';
import { projectLabels, readProject } from '../../extension/project/projectFile';
import { openImage } from '../../extension/node/openImage';
import { pythonCrossCheck, SYSTEM_PYTHON } from '../pythonCrossCheck';

const h5py = pythonCrossCheck(['h5py', 'numpy']);

const dir = mkdtempSync(join(tmpdir(), 'pc-h5py-ilp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = String.raw`
import json, h5py, numpy as np
def tags(keys):
    flags = {'c': 1, 'x': 2, 'y': 2, 'z': 2, 't': 8}
    return json.dumps({'axes': [{'key': k, 'typeFlags': flags[k], 'resolution': 0, 'description': ''} for k in keys]})
# An external 2D+t movie in ilastik's old t,x,y,z,c order: 2 frames, x=16, y=12.
movie = np.arange(2 * 16 * 12, dtype=np.uint16).reshape(2, 16, 12, 1, 1)
with h5py.File('movie.h5', 'w') as f:
    d = f.create_dataset('exported_data', data=movie, chunks=(1, 16, 12, 1, 1), compression='gzip')
    d.attrs['axistags'] = tags('txyzc')
with h5py.File('real.ilp', 'w') as f:
    f['workflowName'] = np.bytes_(b'Pixel Classification')
    f['ilastikVersion'] = np.bytes_(b'1.4.0b11')
    fs = f.create_group('FeatureSelections')
    fs['FeatureIds'] = np.array([b'GaussianSmoothing', b'LaplacianOfGaussian', b'GaussianGradientMagnitude', b'DifferenceOfGaussians', b'StructureTensorEigenvalues', b'HessianOfGaussianEigenvalues'])
    fs['Scales'] = np.array([0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0])
    m = np.zeros((6, 7), dtype=bool); m[0, :3] = True; m[5, 3] = True
    fs['SelectionMatrix'] = m
    fs['StorageVersion'] = np.bytes_(b'0.1')
    infos = f.create_group('Input Data/infos')
    f['Input Data/Role Names'] = np.array([b'Raw Data', b'Prediction Mask'])
    # lane 0: the external movie (axisorder string, as older projects store it)
    r0 = infos.create_group('lane0000/Raw Data')
    r0['location'] = np.bytes_(b'FileSystem'); r0['filePath'] = np.bytes_(b'movie.h5/exported_data')
    r0['nickname'] = np.bytes_(b'movie'); r0['axisorder'] = np.bytes_(b'txyzc'); r0['datasetId'] = np.bytes_(b'a')
    infos.create_group('lane0000/Prediction Mask')
    # lane 1: an embedded 2D image (1024-style: y, x, c uint8)
    img = (np.arange(20 * 30) % 256).astype(np.uint8).reshape(20, 30, 1)
    local = f.create_dataset('Input Data/local_data/b-uuid', data=img)
    local.attrs['axistags'] = tags('yxc')
    local.attrs['DIMENSION_LABELS'] = np.array([b'y', b'x', b'c'])
    r1 = infos.create_group('lane0001/Raw Data')
    r1['location'] = np.bytes_(b'ProjectInternal'); r1['filePath'] = np.bytes_(b'/Input Data/local_data/b-uuid')
    r1['nickname'] = np.bytes_(b'embedded cells'); r1['axistags'] = np.bytes_(tags('yxc').encode()); r1['datasetId'] = np.bytes_(b'b-uuid')
    r1['shape'] = np.array([20, 30, 1])
    pc = f.create_group('PixelClassification')
    pc['LabelNames'] = np.array([b'Label 1', b'Label 2'])
    pc['LabelColors'] = np.array([[255, 225, 0], [0, 0, 255]], dtype=np.int64)
    pc['PmapColors'] = np.array([[255, 225, 0], [0, 0, 255]], dtype=np.int64)
    ls = pc.create_group('LabelSets')
    b = np.zeros((1, 3, 2, 1, 1), dtype=np.uint8); b[0, :, 1, 0, 0] = 2   # t=1, x=4..6, y=9 → class 2
    d = ls.create_group('labels000').create_dataset('block0000', data=b)
    d.attrs['blockSlice'] = np.bytes_(b'[1:2,4:7,8:10,0:1,0:1]')
    b2 = np.ones((2, 3, 1), dtype=np.uint8)
    d2 = ls.create_group('labels001').create_dataset('block0000', data=b2)
    d2.attrs['blockSlice'] = np.bytes_(b'[5:7,10:13,0:1]')
    pc.create_group('ClassifierForests').create_dataset('Forest0000', data=np.zeros(3))
    pe = f.create_group('Prediction Export')
    pe['OutputFilenameFormat'] = np.bytes_(b'{dataset_dir}/{nickname}_{result_type}')
    pe['OutputFormat'] = np.bytes_(b'png')
    pe['OutputInternalPath'] = np.bytes_(b'exported_data')
`;

describe('an .ilp written by h5py in ilastik\'s own forms', () => {
  it.skipIf(h5py.skip)('imports classes, features, both lanes and every label', async () => {
    h5py.assertAvailable();
    writeFileSync(join(dir, 'make.py'), SCRIPT);
    execFileSync(SYSTEM_PYTHON, ['make.py'], { cwd: dir });
    const result = await importIlastikProject(join(dir, 'real.ilp'));
    expect(result.ilastikVersion).toBe('1.4.0b11');
    expect(result.images.map((i) => [i.path, i.labelledPixels, i.extracted])).toEqual([['movie.h5/exported_data', 3, false], ['embedded_cells.tif', 6, true]]);
    const p = await readProject(result.projectFile);
    expect(p.classes.map((c) => c.color)).toEqual(['#ffe100', '#0000ff']);
    expect(p.features.selected.GaussianSmoothing).toEqual([true, true, true, false, false, false, false]);
    expect(p.features.selected.HessianOfGaussianEigenvalues).toEqual([false, false, false, true, false, false, false]);
    expect(p.export).toMatchObject({ format: 'png', filenameFormat: '{dataset_dir}/{nickname}_{result_type}.png' });
    const movie = projectLabels(p, 'movie.h5/exported_data');
    expect([movie.get(1, 0, 9, 4), movie.get(1, 0, 9, 6), movie.get(1, 0, 8, 4), movie.get(0, 0, 9, 4)]).toEqual([2, 2, 0, 0]);
    const cells = projectLabels(p, 'embedded_cells.tif');
    expect([cells.get(0, 0, 5, 10), cells.get(0, 0, 6, 12), cells.labelledCount()]).toEqual([1, 1, 6]);
    const image = await openImage(join(dir, 'embedded_cells.tif'));
    expect(image.info.dtype).toBe('uint8');
    expect((await image.readPlane(0, 0, 0))[3 * 30 + 7]).toBe((3 * 30 + 7) % 256);
    await image.close();
  });
});
