import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { scene } from '../onnx/onnxAgreement';
import { pythonCrossCheck, SYSTEM_PYTHON } from '../pythonCrossCheck';
import { cli, readAll, tempDir, trainedWorkspace } from './cliHarness';

describe('pixel-classifier predict --output-format hdf5', () => {
  it('writes the same values as TIFF, into exported_data, readable as an input image (file.h5/dataset)', async () => {
    const { dir } = await trainedWorkspace(2);
    const tiff = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', 'img1.tif']);
    expect(tiff.code, tiff.stderr).toBe(0);
    const h5 = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--output-format', 'hdf5', 'img1.tif']);
    expect(h5.code, h5.stderr).toBe(0);
    expect(h5.stdout).toMatch(/img1\.tif → img1_Probabilities\.h5/);
    const a = await readAll(path.join(dir, 'img1_Probabilities.tif'));
    const b = await readAll(path.join(dir, 'img1_Probabilities.h5/exported_data'));
    expect(b.shape).toEqual(a.shape);
    expect(b.dtype).toBe('float32');
    expect(b.planes.map((p) => Array.from(p))).toEqual(a.planes.map((p) => Array.from(p)));
  });

  it('3D stack: axes z, y, x, c; the same values as TIFF; the output opens as an image', async () => {
    const dir = tempDir();
    const s = scene({ z: 12, y: 26, x: 30 }, 3, 1, 6);
    const plane = 26 * 30;
    writeFileSync(path.join(dir, 'st.tif'), encodeTiff((z) => Uint16Array.from(s.pixels.subarray(z * plane, (z + 1) * plane)), { width: 30, height: 26, dtype: 'uint16', shape: { t: 1, z: 12, c: 1 } }));
    const labels = new Uint8Array(s.truth.length);
    for (let i = 0; i < labels.length; i += 6) labels[i] = s.truth[i];
    writeFileSync(path.join(dir, 'lab.tif'), encodeTiff((z) => labels.subarray(z * plane, (z + 1) * plane), { width: 30, height: 26, dtype: 'uint8', shape: { t: 1, z: 12, c: 1 } }));
    expect((await cli(dir, ['train', '--image', 'st.tif', '--labels', 'lab.tif', '--features', 'light', '--trees', '10', '--threads', '0', '-o', 'p.pixelclass.json'])).code).toBe(0);
    expect((await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', 'st.tif'])).code).toBe(0);
    const h5 = await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--output-format', 'hdf5', '--memory-limit', '64', 'st.tif']);
    expect(h5.code, h5.stderr).toBe(0);
    const a = await readAll(path.join(dir, 'st_Probabilities.tif'));
    const b = await readAll(path.join(dir, 'st_Probabilities.h5/exported_data'));
    expect(b.shape).toEqual({ t: 1, z: 12, c: 3, y: 26, x: 30 });
    expect(b.planes.map((p) => Array.from(p))).toEqual(a.planes.map((p) => Array.from(p)));
    const info = await cli(dir, ['info', 'st_Probabilities.h5/exported_data', '--json']);
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout).shape).toEqual({ t: 1, z: 12, c: 3, y: 26, x: 30 });
  });

  it('ilastik spellings: --output_format=hdf5 --output_internal_path=…, uint8 segmentation; incremental runs skip, a new path redoes', async () => {
    const { dir } = await trainedWorkspace(2);
    const args = ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--output_format=hdf5', '--export_source=Simple Segmentation', 'img1.tif'];
    const first = await cli(dir, [...args, '--output_internal_path=seg/volume']);
    expect(first.code, first.stderr).toBe(0);
    const seg = await readAll(path.join(dir, 'img1_Simple_Segmentation.h5/seg/volume'));
    expect(seg.dtype).toBe('uint8');
    expect(new Set(seg.planes.flatMap((p) => Array.from(p)))).toEqual(new Set([1, 2]));
    const mtime = statSync(path.join(dir, 'img1_Simple_Segmentation.h5')).mtimeMs;
    const again = await cli(dir, [...args, '--output_internal_path=seg/volume']);
    expect(again.stdout).toMatch(/skipped {2}img1\.tif \(up to date/);
    expect(statSync(path.join(dir, 'img1_Simple_Segmentation.h5')).mtimeMs).toBe(mtime);
    const moved = await cli(dir, [...args, '--output_internal_path=exported_data', '--force']);
    expect(moved.code, moved.stderr).toBe(0);
    expect((await readAll(path.join(dir, 'img1_Simple_Segmentation.h5/exported_data'))).planes.map((p) => Array.from(p))).toEqual(seg.planes.map((p) => Array.from(p)));
  });

  it('an export whose dataset path changed is not up to date', async () => {
    const { dir } = await trainedWorkspace(2);
    const base = ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--output-format', 'hdf5', '--json', 'img1.tif'];
    expect((await cli(dir, base)).code).toBe(0);
    // The TIFF compression setting does not touch HDF5 outputs: still up to date.
    const compressed = JSON.parse((await cli(dir, [...base, '--compression', 'deflate'])).stdout);
    expect(compressed.files[0].status).toBe('skipped');
    const other = await cli(dir, [...base, '--output-internal-path', 'other']);
    // Not ours with these settings: the CLI keeps --force semantics and reports why.
    const summary = JSON.parse(other.stdout);
    expect(JSON.stringify(summary.files[0])).toMatch(/export settings changed/);
  });

  it.each([
    [['--output-internal-path', 'a//b'], /--output-internal-path: "a\/\/b" is not a valid HDF5 dataset path/],
    [['--output-internal-path', '../x'], /not a valid HDF5 dataset path/],
    [['--output-format', 'n5'], /--output-format must be one of tiff, png, hdf5, zarr/],
  ])('usage errors: %j', async (args, message) => {
    const { dir } = await trainedWorkspace(1);
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', ...args, 'img0.tif']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

// Cross-check with the reference HDF5 stack (h5py, what ilastik itself uses): skipped without h5py on a developer
// machine, a failure under CI=true (.ci/run installs python3-h5py), see test/pythonCrossCheck.ts.
const h5py = pythonCrossCheck(['h5py']);

describe.skipIf(h5py.skip)('HDF5 exports read by h5py', () => {
  it('h5py sees shape, axistags, values, chunks and gzip as written', async () => {
    h5py.assertAvailable();
    const { dir } = await trainedWorkspace(2);
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--output-format', 'hdf5', 'img1.tif']);
    expect(run.code, run.stderr).toBe(0);
    const ours = await readAll(path.join(dir, 'img1_Probabilities.h5/exported_data'));
    const script = `
import h5py, json, sys
with h5py.File(sys.argv[1], 'r') as f:
    d = f['exported_data']
    tags = json.loads(d.attrs['axistags'])
    print(json.dumps({
        'keys': list(f.keys()), 'shape': list(d.shape), 'dtype': str(d.dtype), 'chunks': list(d.chunks),
        'compression': d.compression, 'axes': [a['key'] for a in tags['axes']], 'typeFlags': [a['typeFlags'] for a in tags['axes']],
        'values': d[...].astype(float).ravel().tolist(),
        'provenance': json.loads(d.attrs['pixel-classifier-provenance'])['format'],
    }))
`;
    writeFileSync(path.join(dir, 'check.py'), script);
    const py = spawnSync(SYSTEM_PYTHON, [path.join(dir, 'check.py'), path.join(dir, 'img1_Probabilities.h5')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(py.status, py.stderr).toBe(0);
    const seen = JSON.parse(py.stdout);
    expect(seen).toMatchObject({
      keys: ['exported_data'], shape: [80, 96, 2], dtype: 'float32', chunks: [80, 96, 1], compression: 'gzip',
      axes: ['y', 'x', 'c'], typeFlags: [2, 2, 1], provenance: 'pixel-classifier-export',
    });
    // h5py's channel-last values equal the image reader's planes.
    const expected: number[] = [];
    for (let i = 0; i < 80 * 96; i++) for (let c = 0; c < 2; c++) expected.push(ours.planes[c][i] as number);
    expect(seen.values).toEqual(expected);
    expect(readFileSync(path.join(dir, 'img1_Probabilities.h5')).subarray(0, 8).toString('latin1')).toBe('\x89HDF\r\n\x1a\n');
  });
});
