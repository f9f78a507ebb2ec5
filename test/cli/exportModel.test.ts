import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { agreement, scene } from '../onnx/onnxAgreement';
import { onnxMetadata } from '../onnx/protobufReader';
import { cli, readAll, tempDir, trainedWorkspace } from './cliHarness';

/** Runs `model` on `pixels` ([c][z][y][x]) and returns the class-major probabilities. */
async function runModel(file: string, pixels: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: readonly number[]; meta: Record<string, string> }> {
  const session = await ort.InferenceSession.create(readFileSync(file));
  try {
    const out = await session.run({ raw: new ort.Tensor('float32', pixels, dims) });
    const meta = onnxMetadata(readFileSync(file));
    return { data: out.probabilities.data as Float32Array, dims: out.probabilities.dims, meta };
  } finally {
    await session.release();
  }
}

/** Class-major probabilities of a `predict` output (planes ordered c fastest). */
function classMajor(planes: ArrayLike<number>[], nClasses: number, nz: number, planeSize: number): Float32Array {
  const out = new Float32Array(nClasses * nz * planeSize);
  for (let z = 0; z < nz; z++) for (let k = 0; k < nClasses; k++) out.set(planes[z * nClasses + k] as Float32Array, (k * nz + z) * planeSize);
  return out;
}

describe('pixel-classifier export-model --format onnx', () => {
  it('2D: the model reproduces `predict` on another image (argmax ≥ 99.9 %, mean |Δp| ≤ 1e-3)', async () => {
    const { dir, images } = await trainedWorkspace(2);
    const run = await cli(dir, ['export-model', '--project', 'proj.pixelclass.json', '--format', 'onnx', '-o', 'model.onnx', '--threads', '0', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ format: 'onnx', spatialDims: 2, inputChannels: 1, features: 13, trees: 100, classes: ['Label 1', 'Label 2'] });
    expect(summary.classifier.source).toBe('cache');
    expect(summary.halo).toEqual({ z: 0, y: featureHaloY(), x: featureHaloY() });
    const predicted = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', 'img1.tif']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const ours = await readAll(path.join(dir, 'img1_Probabilities.tif'));
    const { width, height, pixels } = images[1];
    const onnx = await runModel(path.join(dir, 'model.onnx'), Float32Array.from(pixels), [1, 1, height, width]);
    expect(onnx.dims).toEqual([1, 2, height, width]);
    const a = agreement(classMajor(ours.planes, 2, 1, width * height), onnx.data, 2);
    expect(a.argmaxAgreement).toBeGreaterThanOrEqual(0.999);
    expect(a.meanAbsDiff).toBeLessThanOrEqual(1e-3);
    expect(JSON.parse(onnx.meta.classes)).toEqual(['Label 1', 'Label 2']);
    expect(onnx.meta.training_hash).toBe(summary.classifier.trainingHash);
  });

  it('3D two-channel stack: the model reproduces `predict`', async () => {
    const dir = tempDir();
    const s = scene({ z: 16, y: 30, x: 34 }, 3, 2, 9);
    const n = 16 * 30 * 34, planeSize = 30 * 34;
    // TIFF pages are (z, c) with c fastest; the scene is [c][z][y][x].
    const page = (i: number) => Uint16Array.from(s.pixels.subarray((i % 2) * n + Math.floor(i / 2) * planeSize, (i % 2) * n + (Math.floor(i / 2) + 1) * planeSize));
    writeFileSync(path.join(dir, 'stack.tif'), encodeTiff(page, { width: 34, height: 30, dtype: 'uint16', shape: { t: 1, z: 16, c: 2 } }));
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i += 7) labels[i] = s.truth[i];
    writeFileSync(path.join(dir, 'labels.tif'), encodeTiff((z) => labels.subarray(z * planeSize, (z + 1) * planeSize), { width: 34, height: 30, dtype: 'uint8', shape: { t: 1, z: 16, c: 1 } }));
    const train = await cli(dir, ['train', '--image', 'stack.tif', '--labels', 'labels.tif', '--features', 'light', '--trees', '30', '--threads', '0', '-o', 'p.pixelclass.json']);
    expect(train.code, train.stderr).toBe(0);
    const run = await cli(dir, ['export-model', '--project', 'p.pixelclass.json', '--format', 'ONNX', '-o', 'out/model.onnx', '--threads', '0']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/wrote out[/\\]model\.onnx \(onnx, \d+ KiB\): 3D 2-channel input → 30 features → 30 trees → 3 class probabilities/);
    const predicted = await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', 'stack.tif']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const ours = await readAll(path.join(dir, 'stack_Probabilities.tif'));
    const onnx = await runModel(path.join(dir, 'out', 'model.onnx'), s.pixels, [1, 2, 16, 30, 34]);
    expect(onnx.dims).toEqual([1, 3, 16, 30, 34]);
    const a = agreement(classMajor(ours.planes, 3, 16, planeSize), onnx.data, 3);
    expect(a.argmaxAgreement).toBeGreaterThanOrEqual(0.999);
    expect(a.meanAbsDiff).toBeLessThanOrEqual(1e-3);
  });

  it.each([
    [['--format', 'onnx', '-o', 'm.onnx'], /--project <P.pixelclass.json> is required/],
    [['--project', 'proj.pixelclass.json', '--format', 'pt', '-o', 'm.onnx'], /--format must be one of onnx/],
    [['--project', 'proj.pixelclass.json', '--format', 'onnx'], /-o <model file> is required/],
  ])('usage errors: %j', async (args, message) => {
    const dir = tempDir();
    const run = await cli(dir, ['export-model', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('--help describes both formats and every option', async () => {
    const run = await cli(tempDir(), ['export-model', '--help']);
    expect(run.code).toBe(0);
    for (const word of ['onnx', 'bioimageio', '--project', '--format', '--author', '--license', '--threads', '--json', 'TreeEnsembleClassifier']) expect(run.stdout).toContain(word);
  });

  it('a project without labels gets a one-line error and no file', async () => {
    const dir = tempDir();
    const { createProject } = await import('../../extension/project/projectSchema');
    const { selectionDefaultLight } = await import('../../extension/core/features/featureSet');
    writeFileSync(path.join(dir, 'empty.pixelclass.json'), JSON.stringify(createProject(selectionDefaultLight(), 'test')));
    const run = await cli(dir, ['export-model', '--project', 'empty.pixelclass.json', '--format', 'onnx', '-o', 'm.onnx', '--threads', '0']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^pixel-classifier export-model: the project has no labelled image/);
    expect(existsSync(path.join(dir, 'm.onnx'))).toBe(false);
  });
});

/** Halo of the light selection (largest σ 3.5): presmoothing radius + feature kernel radius. */
function featureHaloY(): number {
  return Math.floor(3.5 * Math.sqrt(3.5 * 3.5 - 1) + 0.5) + Math.max(1, Math.floor(2 * 1 + 0.5));
}
