import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decode as decodePng } from 'fast-png';
import { unzipSync } from 'fflate';
import { load as loadYaml } from 'js-yaml';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readNpyHeader, validateBioimageioPackage } from '../../extension/core/bioimageio/validateBioimageioRdf';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { readProject } from '../../extension/project/projectFile';
import { agreement, scene } from '../onnx/onnxAgreement';
import { pythonCrossCheck, SYSTEM_PYTHON } from '../pythonCrossCheck';
import { cli, tempDir, trainedWorkspace } from './cliHarness';

const numpy = pythonCrossCheck(['numpy']);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function npyFloat32(bytes: Uint8Array): { shape: number[]; data: Float32Array } {
  const header = readNpyHeader(bytes)!;
  expect(header.descr).toBe('<f4');
  return { shape: header.shape, data: new Float32Array(bytes.slice(header.dataOffset).buffer) };
}

/** Unzips, validates, runs the weights on the test input and compares with the test output. */
async function checkPackage(zip: string): Promise<{ rdf: Record<string, any>; files: Record<string, Uint8Array> }> {
  const files = unzipSync(new Uint8Array(readFileSync(zip)));
  expect(Object.keys(files).sort()).toEqual(['README.md', 'cover.png', 'model.onnx', 'rdf.yaml', 'test_input.npy', 'test_output.npy']);
  const rdf = loadYaml(new TextDecoder().decode(files['rdf.yaml'])) as Record<string, any>;
  expect(validateBioimageioPackage({ rdf, files: new Map(Object.entries(files)), sha256 })).toEqual([]);
  const input = npyFloat32(files['test_input.npy']);
  const output = npyFloat32(files['test_output.npy']);
  const session = await ort.InferenceSession.create(files['model.onnx']);
  try {
    const result = await session.run({ raw: new ort.Tensor('float32', input.data, input.shape) });
    expect(result.probabilities.dims).toEqual(output.shape);
    const a = agreement(output.data, result.probabilities.data as Float32Array, output.shape[1]);
    expect(a.argmaxAgreement).toBeGreaterThanOrEqual(0.999);
    expect(a.meanAbsDiff).toBeLessThanOrEqual(1e-3);
  } finally {
    await session.release();
  }
  const cover = decodePng(files['cover.png']);
  expect(cover.width).toBe(2 * cover.height); // input | prediction
  expect(new TextDecoder().decode(files['README.md'])).toMatch(/^# Validation$/m);
  return { rdf, files };
}

describe('pixel-classifier export-model --format bioimageio', () => {
  it('2D: a valid 0.5 package whose ONNX weights reproduce the test output', async () => {
    const { dir } = await trainedWorkspace(1);
    const run = await cli(dir, ['export-model', '--project', 'proj.pixelclass.json', '--format', 'bioimageio', '-o', 'model.zip', '--author', 'Ada Lovelace', '--license', 'MIT', '--threads', '0']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/wrote model\.zip \(bioimageio/);
    const { rdf } = await checkPackage(path.join(dir, 'model.zip'));
    const project = await readProject(path.join(dir, 'proj.pixelclass.json'));
    expect(rdf).toMatchObject({
      type: 'model', format_version: '0.5.3', name: 'Pixel Classifier proj', license: 'MIT', authors: [{ name: 'Ada Lovelace' }],
      documentation: 'README.md', covers: ['cover.png'], weights: { onnx: { source: 'model.onnx', opset_version: 17 } },
    });
    expect(rdf.inputs[0].axes.map((a: any) => a.id ?? a.type)).toEqual(['batch', 'channel', 'y', 'x']);
    expect(rdf.outputs[0].axes[1].channel_names).toEqual(['Label_1', 'Label_2']);
    // Light features: largest σ 3.5 → halo = presmoothing radius 12 + feature radius 2 = 14 pixels; minimum input 2·14 + 1.
    expect(rdf.outputs[0].axes[2]).toEqual({ type: 'space', id: 'y', size: { tensor_id: 'raw', axis_id: 'y' }, halo: 14 });
    expect(rdf.inputs[0].axes[2].size).toEqual({ min: 29, step: 1 });
    expect(rdf.config.pixel_classifier).toMatchObject({ training_hash: project.provenance.trainingHash, trees: '100', project: 'proj.pixelclass.json' });
    expect(rdf.config.pixel_classifier.training_images).toEqual([{ path: 'img0.tif', sha256: project.images[0].sha256 }]);
    // The same classifier gives the same bytes.
    expect((await cli(dir, ['export-model', '--project', 'proj.pixelclass.json', '--format', 'bioimageio', '-o', 'again.zip', '--author', 'Ada Lovelace', '--license', 'MIT', '--threads', '0'])).code).toBe(0);
    expect(readFileSync(path.join(dir, 'again.zip')).equals(readFileSync(path.join(dir, 'model.zip')))).toBe(true);
  });

  it('3D: z axis, halo per axis, test tensors of a centred crop', async () => {
    const dir = tempDir();
    const s = scene({ z: 14, y: 40, x: 44 }, 2, 1, 4);
    const plane = 40 * 44;
    writeFileSync(path.join(dir, 'vol.tif'), encodeTiff((z) => Uint16Array.from(s.pixels.subarray(z * plane, (z + 1) * plane)), { width: 44, height: 40, dtype: 'uint16', shape: { t: 1, z: 14, c: 1 } }));
    const labels = new Uint8Array(s.truth.length);
    for (let i = 0; i < labels.length; i += 5) labels[i] = s.truth[i];
    writeFileSync(path.join(dir, 'lab.tif'), encodeTiff((z) => labels.subarray(z * plane, (z + 1) * plane), { width: 44, height: 40, dtype: 'uint8', shape: { t: 1, z: 14, c: 1 } }));
    expect((await cli(dir, ['train', '--image', 'vol.tif', '--labels', 'lab.tif', '--features', 'GaussianSmoothing:0.7,1.0;HessianOfGaussianEigenvalues:1.0', '--trees', '20', '--threads', '0', '-o', 'v.pixelclass.json'])).code).toBe(0);
    const run = await cli(dir, ['export-model', '--project', 'v.pixelclass.json', '--format', 'bioimageio', '-o', 'v.zip', '--threads', '0', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ format: 'bioimageio', spatialDims: 3 });
    const { rdf, files } = await checkPackage(path.join(dir, 'v.zip'));
    expect(rdf.inputs[0].axes.map((a: any) => a.id ?? a.type)).toEqual(['batch', 'channel', 'z', 'y', 'x']);
    expect(rdf.authors).toEqual([{ name: 'Pixel Classifier user' }]);
    expect(rdf.license).toBe('CC-BY-4.0');
    const halo = rdf.outputs[0].axes.slice(2).map((a: any) => a.halo);
    expect(halo[0]).toBe(halo[1]);
    expect(npyFloat32(files['test_input.npy']).shape).toEqual([1, 1, 14, 40, 44]);
  });

  it('3D in physical units with feature channel 1 of 2 (issue #15): per-axis halo and kernels, the README says so', async () => {
    const dir = tempDir();
    const s = scene({ z: 14, y: 40, x: 44 }, 2, 2, 4);
    const plane = 40 * 44, n = 14 * plane;
    // Pages z-major, then channel; 0.5 × 0.5 µm pixels, 2 µm z steps.
    writeFileSync(path.join(dir, 'vol.tif'), encodeTiff((p) => Uint16Array.from(s.pixels.subarray((p % 2) * n + Math.floor(p / 2) * plane, (p % 2) * n + (Math.floor(p / 2) + 1) * plane)),
      { width: 44, height: 40, dtype: 'uint16', shape: { t: 1, z: 14, c: 2 }, axes: 'ZCYX', resolution: { x: 0.5, y: 0.5, z: 2, unit: 'micron' } }));
    const labels = new Uint8Array(n);
    for (let i = 0; i < labels.length; i += 5) labels[i] = s.truth[i];
    writeFileSync(path.join(dir, 'lab.tif'), encodeTiff((z) => labels.subarray(z * plane, (z + 1) * plane), { width: 44, height: 40, dtype: 'uint8', shape: { t: 1, z: 14, c: 1 } }));
    const train = await cli(dir, ['train', '--image', 'vol.tif', '--labels', 'lab.tif', '--features', 'GaussianSmoothing:0.7,1.0;HessianOfGaussianEigenvalues:1.0',
      '--scale-unit', 'physical', '--channels', '1', '--trees', '20', '--threads', '0', '-o', 'v.pixelclass.json']);
    expect(train.code, train.stderr).toBe(0);
    const run = await cli(dir, ['export-model', '--project', 'v.pixelclass.json', '--format', 'bioimageio', '-o', 'v.zip', '--threads', '0']);
    expect(run.code, run.stderr).toBe(0);
    const { rdf, files } = await checkPackage(path.join(dir, 'v.zip'));
    const halo = rdf.outputs[0].axes.slice(2).map((a: any) => a.halo);
    expect(halo[0]).toBeLessThan(halo[1]); // z: σ 0.5 pixels; y, x: σ 2 pixels
    expect(halo[1]).toBe(halo[2]);
    expect(npyFloat32(files['test_input.npy']).shape).toEqual([1, 2, 14, 40, 44]);
    const readme = new TextDecoder().decode(files['README.md']);
    expect(readme).toMatch(/chosen in µm and built for the pixel size of vol\.tif \(σ in pixels, z × y × x: 0\.7 µm → 0\.35 × 1\.4 × 1\.4; 1 µm → 0\.5 × 2 × 2\)/);
    expect(readme).toMatch(/Only input channel 1 \(0-based\) feeds the features/);
  });

  it.each([
    [['--format', 'onnx', '--license', 'MIT'], /--author and --license describe a bioimage.io package/],
    [['--format', 'bioimageio', '--license', 'not a licence'], /--license must be an SPDX license id/],
  ])('usage errors: %j', async (args, message) => {
    const run = await cli(tempDir(), ['export-model', '--project', 'p.pixelclass.json', '-o', 'm.zip', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it.skipIf(numpy.skip)('numpy reads the test tensors (cross-check, see test/pythonCrossCheck.ts)', async () => {
    numpy.assertAvailable();
    const { dir } = await trainedWorkspace(1);
    expect((await cli(dir, ['export-model', '--project', 'proj.pixelclass.json', '--format', 'bioimageio', '-o', 'm.zip', '--threads', '0'])).code).toBe(0);
    const files = unzipSync(new Uint8Array(readFileSync(path.join(dir, 'm.zip'))));
    for (const name of ['test_input.npy', 'test_output.npy']) writeFileSync(path.join(dir, name), files[name]);
    const py = spawnSync(SYSTEM_PYTHON, ['-c', 'import numpy as np, sys; a = np.load(sys.argv[1]); b = np.load(sys.argv[2]); print(a.shape, a.dtype, b.shape, b.dtype, float(b.sum(axis=1).min()))',
      path.join(dir, 'test_input.npy'), path.join(dir, 'test_output.npy')], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    expect(py.stdout).toMatch(/^\(1, 1, 80, 96\) float32 \(1, 2, 80, 96\) float32 (0\.99|1\.0)/);
    expect(existsSync(path.join(dir, 'm.zip'))).toBe(true);
  });
});
