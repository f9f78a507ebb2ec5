import { existsSync, readFileSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pythonCrossCheck, SYSTEM_PYTHON } from '../pythonCrossCheck';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeFeatures } from '../../extension/core/features/computeFeatureBlock';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { readProject } from '../../extension/project/projectFile';
import { sha256File } from '../../extension/project/fileHash';
import { cli, readAll, trainedWorkspace } from './cliHarness';
import { scribbles, type BlobImage } from './generatedImages';

let dir: string;
let images: BlobImage[];

beforeAll(async () => {
  ({ dir, images } = await trainedWorkspace(3));
});

function accuracy(segmentation: ArrayLike<number>, truth: Uint8Array): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (segmentation[i] === truth[i]) right++;
  return right / truth.length;
}

describe('predict: every export source and format, read back', () => {
  it('probabilities float32 TIFF: 2 channels named after the classes, summing to 1, accurate', async () => {
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '-o', '{dataset_dir}/out/{nickname}_{result_type}.tif', 'img1.tif']);
    // stderr (not a terminal here) holds only plain progress lines: no warning, no error
    expect(run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('progress: file 1/1 img1.tif'))).toEqual([]);
    expect(run.code).toBe(0);
    const out = await readAll(path.join(dir, 'out', 'img1_Probabilities.tif'));
    expect(out.shape).toEqual({ t: 1, z: 1, c: 2, y: 80, x: 96 });
    expect(out.dtype).toBe('float32');
    expect(out.axes).toBe('CYX');
    expect(out.channelNames).toEqual(['Label 1', 'Label 2']);
    const [p1, p2] = out.planes as Float32Array[];
    const seg = new Uint8Array(p1.length);
    for (let i = 0; i < p1.length; i++) {
      expect(p1[i] + p2[i]).toBeCloseTo(1, 5);
      seg[i] = p2[i] > p1[i] ? 2 : 1;
    }
    // Discs are 2000 grey levels above a background with noise σ≈150, labels are 1 px every 7 rows:
    // 95 % leaves room for the disc borders (about 10 % of disc pixels), which features at σ ≥ 1 blur.
    expect(accuracy(seg, images[1].truth)).toBeGreaterThan(0.95);
  });

  it('probabilities uint8 = round(255·p) of the float32 export', async () => {
    await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '-o', '{dataset_dir}/u8/{nickname}_{result_type}.tif', '--export-dtype', 'uint8', 'img1.tif']);
    const u8 = await readAll(path.join(dir, 'u8', 'img1_Probabilities.tif'));
    const f32 = await readAll(path.join(dir, 'out', 'img1_Probabilities.tif'));
    expect(u8.dtype).toBe('uint8');
    for (let c = 0; c < 2; c++) {
      const a = u8.planes[c];
      const b = f32.planes[c];
      for (let i = 0; i < a.length; i++) expect(a[i]).toBe(Math.round(255 * b[i]));
    }
  });

  it('simple segmentation = argmax + 1 (uint8), TIFF and PNG identical', async () => {
    const a = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--export-source', 'simple-segmentation', '-o', '{dataset_dir}/seg/{nickname}_{result_type}.tif', 'img1.tif']);
    const b = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--export_source', 'Simple Segmentation', '--output-format', 'png', '-o', '{dataset_dir}/seg/{nickname}_{result_type}.tif', 'img1.tif']);
    expect([a.code, b.code]).toEqual([0, 0]);
    const tif = await readAll(path.join(dir, 'seg', 'img1_Simple_Segmentation.tif'));
    const png = await readAll(path.join(dir, 'seg', 'img1_Simple_Segmentation.png'));
    const probs = await readAll(path.join(dir, 'out', 'img1_Probabilities.tif'));
    expect(tif.shape.c).toBe(1);
    expect(tif.dtype).toBe('uint8');
    expect(png.dtype).toBe('uint8');
    expect(Array.from(png.planes[0])).toEqual(Array.from(tif.planes[0]));
    const [p1, p2] = probs.planes;
    for (let i = 0; i < p1.length; i++) expect(tif.planes[0][i]).toBe(p2[i] > p1[i] ? 2 : 1);
  });

  it('uncertainty = 1 − (p_max − p_second), float32 and uint8 PNG', async () => {
    await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--export-source', 'uncertainty', '-o', '{dataset_dir}/unc/{nickname}_{result_type}.tif', 'img1.tif']);
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--export-source', 'uncertainty', '--export-dtype', 'uint8', '--output-format', 'png', '-o', '{dataset_dir}/unc/{nickname}_{result_type}.png', 'img1.tif']);
    expect(run.code).toBe(0);
    const u = await readAll(path.join(dir, 'unc', 'img1_Uncertainty.tif'));
    const png = await readAll(path.join(dir, 'unc', 'img1_Uncertainty.png'));
    const [p1, p2] = (await readAll(path.join(dir, 'out', 'img1_Probabilities.tif'))).planes;
    for (let i = 0; i < p1.length; i++) {
      const expected = 1 - Math.abs(p1[i] - p2[i]);
      expect(u.planes[0][i]).toBeCloseTo(expected, 6);
      expect(png.planes[0][i]).toBe(Math.round(255 * u.planes[0][i]));
    }
  });

  it('features: every channel equals the whole-image feature computation, with ilastik names', async () => {
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--export-source', 'features', '--compression', 'deflate', '-o', '{dataset_dir}/feat/{nickname}_{result_type}.tif', 'img1.tif']);
    expect(run.code).toBe(0);
    const out = await readAll(path.join(dir, 'feat', 'img1_Features.tif'));
    const selection = selectionDefaultLight();
    const whole = computeFeatures(Float32Array.from(images[1].pixels), { z: 1, y: 80, x: 96 }, selection);
    expect(out.shape.c).toBe(13);
    expect((out.channelNames as string[])[0]).toBe('Gaussian Smoothing (σ=0.3)');
    const n = 80 * 96;
    for (let c = 0; c < 13; c++) expect(out.planes[c]).toEqual(whole.subarray(c * n, (c + 1) * n));
  });

  it('labels: the labels saved in the project, TIFF and PNG', async () => {
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--export-source', 'labels', '--output-format', 'png', '-o', '{dataset_dir}/lab/{nickname}_{result_type}.png', 'img0.tif', 'img1.tif', '--json']);
    expect(run.code).toBe(1); // img1 has no labels
    const summary = JSON.parse(run.stdout);
    expect(summary.files.map((f: { status: string }) => f.status)).toEqual(['ok', 'error']);
    expect(summary.files[1].error).toMatch(/img1\.tif.*no labels/);
    const png = await readAll(path.join(dir, 'lab', 'img0_Labels.png'));
    expect(Array.from(png.planes[0])).toEqual(Array.from(scribbles(images[0])));
    await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--export-source', 'labels', '-o', '{dataset_dir}/lab/{nickname}_{result_type}.tif', 'img0.tif']);
    expect(Array.from((await readAll(path.join(dir, 'lab', 'img0_Labels.tif'))).planes[0])).toEqual(Array.from(scribbles(images[0])));
  });

  it('PNG probabilities: one 8-bit file per class', async () => {
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--export-dtype', 'uint8', '--output-format', 'png', '-o', '{dataset_dir}/pp/{nickname}_{result_type}.png', 'img1.tif']);
    expect(run.code).toBe(0);
    const u8 = await readAll(path.join(dir, 'u8', 'img1_Probabilities.tif'));
    for (let k = 1; k <= 2; k++) {
      const png = await readAll(path.join(dir, 'pp', `img1_Probabilities_${k}.png`));
      expect(Array.from(png.planes[0])).toEqual(Array.from(u8.planes[k - 1]));
    }
  });

  it.each([
    [['--export-source', 'features', '--export-dtype', 'uint8'], /features can only be exported as float32/],
    [['--output-format', 'png'], /PNG export of probabilities needs --export-dtype uint8/],
    [['--export-source', 'features', '--output-format', 'png'], /features cannot be exported as PNG/],
    [['--export-source', 'pixels'], /--export-source must be one of/],
    [['--shard', '3/2'], /shard index 3 must be below/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j', async (args, message) => {
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', ...args, 'img1.tif']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
  });

  it('tifffile reads the exports with the right shape, dtype and axes', () => {
    const script = `
import sys, json, tifffile
out = {}
for f in sys.argv[1:]:
    with tifffile.TiffFile(f) as t:
        s = t.series[0]
        out[f.split('/')[-1]] = [list(s.shape), str(s.dtype), s.axes, t.is_imagej]
print(json.dumps(out))`;
    const files = ['out/img1_Probabilities.tif', 'seg/img1_Simple_Segmentation.tif', 'feat/img1_Features.tif'].map((f) => path.join(dir, f));
    const check = pythonCrossCheck(['tifffile']);
    if (check.skip) return; // optional cross-check on a developer machine without tifffile (required under CI)
    check.assertAvailable();
    const result = spawnSync(SYSTEM_PYTHON, ['-c', script, ...files], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      'img1_Probabilities.tif': [[2, 80, 96], 'float32', 'CYX', true],
      'img1_Simple_Segmentation.tif': [[80, 96], 'uint8', 'YX', true],
      'img1_Features.tif': [[13, 80, 96], 'float32', 'CYX', true],
    });
  });
});

describe('predict: batch behaviour', () => {
  it('a corrupt input among good ones is reported, the rest go on, exit code 1', async () => {
    writeFileSync(path.join(dir, 'broken.tif'), Buffer.from('II*\0garbage that is not a TIFF'));
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--json', '-o', '{dataset_dir}/c/{nickname}_{result_type}.tif', 'img2.tif', 'broken.tif', 'img1.tif', 'missing.tif']);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout);
    const byName = Object.fromEntries(summary.files.map((f: { input: string }) => [path.basename(f.input), f]));
    expect(byName['img1.tif'].status).toBe('ok');
    expect(byName['img2.tif'].status).toBe('ok');
    expect(byName['broken.tif'].status).toBe('error');
    expect(byName['broken.tif'].error).toMatch(/broken\.tif/);
    expect(byName['missing.tif'].error).toMatch(/missing\.tif: file not found/);
    expect(byName['img1.tif'].outputs).toEqual([path.join(dir, 'c', 'img1_Probabilities.tif')]);
    expect(typeof byName['img1.tif'].seconds).toBe('number');
    expect(existsSync(path.join(dir, 'c', 'img2_Probabilities.tif'))).toBe(true);
    expect(readdirSync(path.join(dir, 'c')).some((f) => f.includes('partial'))).toBe(false);
  });

  it('a wrong channel count is a per-file error with a plain reason (issue 14: not feature channel counts)', async () => {
    const two = new Uint16Array(2 * 80 * 96);
    writeFileSync(path.join(dir, 'rgb.tif'), encodeTiff([two.subarray(0, 7680), two.subarray(7680)], { width: 96, height: 80, dtype: 'uint16', shape: { t: 1, z: 1, c: 2 } }));
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '-o', '{dataset_dir}/c/{nickname}_{result_type}.tif', 'rgb.tif']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^error {4}rgb\.tif has 2 channels; the classifier was trained on images with 1 channel$/m);
  });

  it('incremental: unchanged inputs are skipped, --force redoes, changes redo', async () => {
    const args = ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--json', '-o', '{dataset_dir}/inc/{nickname}_{result_type}.tif', 'img1.tif', 'img2.tif'];
    const statuses = async (extra: string[] = []) => JSON.parse((await cli(dir, [...args, ...extra])).stdout).files.map((f: { status: string; reason?: string }) => `${f.status}:${f.reason}`);
    expect(await statuses()).toEqual(['ok:new', 'ok:new']);
    expect(readdirSync(path.join(dir, 'inc')).sort()).toEqual(['img1_Probabilities.tif', 'img2_Probabilities.tif']);
    const output = path.join(dir, 'inc', 'img1_Probabilities.tif');
    const mtime = statSync(output).mtimeMs;
    expect(await statuses()).toEqual(['skipped:up to date', 'skipped:up to date']);
    expect(statSync(output).mtimeMs).toBe(mtime);
    expect(await statuses(['--force'])).toEqual(['ok:forced', 'ok:forced']);
    expect(await statuses(['--export-dtype', 'uint8'])).toEqual(['ok:export settings changed', 'ok:export settings changed']);
    expect(await statuses(['--export-dtype', 'uint8'])).toEqual(['skipped:up to date', 'skipped:up to date']);
    writeFileSync(path.join(dir, 'inc', 'img2_Probabilities.tif'), 'tampered');
    expect(await statuses(['--export-dtype', 'uint8'])).toEqual(['skipped:up to date', 'ok:output img2_Probabilities.tif is not a Pixel Classifier export (no provenance inside)']);
  });

  it('migration: a sidecar record of an earlier version still skips; rewriting the output removes it', async () => {
    const args = ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--json', '-o', '{dataset_dir}/mig/{nickname}_{result_type}.tif', 'img1.tif'];
    expect(JSON.parse((await cli(dir, args)).stdout).files[0].status).toBe('ok');
    const output = path.join(dir, 'mig', 'img1_Probabilities.tif');
    const summary = JSON.parse((await cli(dir, [...args, '--force'])).stdout);
    // What an earlier version left: an output without provenance and its record.
    const legacy = encodeTiff([new Float32Array(96 * 80), new Float32Array(96 * 80)], { width: 96, height: 80, dtype: 'float32', shape: { t: 1, z: 1, c: 2 } });
    writeFileSync(output, legacy);
    writeFileSync(`${output}.pixelclass-record.json`, JSON.stringify({
      format: 'pixel-classifier-export-record', version: 1, inputSha256: await sha256File(path.join(dir, 'img1.tif')), trainingHash: summary.classifier.trainingHash,
      settings: summary.settings, outputs: [{ path: 'img1_Probabilities.tif', bytes: legacy.length }], written: '2026-01-01T00:00:00.000Z',
    }));
    expect(JSON.parse((await cli(dir, args)).stdout).files[0]).toMatchObject({ status: 'skipped', reason: 'up to date' });
    expect(readdirSync(path.join(dir, 'mig')).sort()).toEqual(['img1_Probabilities.tif', 'img1_Probabilities.tif.pixelclass-record.json']);
    expect(JSON.parse((await cli(dir, [...args, '--export-dtype', 'uint8'])).stdout).files[0]).toMatchObject({ status: 'ok', reason: 'export settings changed' });
    expect(readdirSync(path.join(dir, 'mig'))).toEqual(['img1_Probabilities.tif']);
    expect(JSON.parse((await cli(dir, [...args, '--export-dtype', 'uint8'])).stdout).files[0].status).toBe('skipped');
  });

  it('never overwrites an input and refuses templates escaping the workspace', async () => {
    const same = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '-o', '{dataset_dir}/{nickname}.tif', 'img1.tif']);
    expect(same.code).toBe(1);
    expect(same.stdout).toMatch(/would overwrite an input image/);
    const before = readFileSync(path.join(dir, 'img1.tif'));
    expect(before.length).toBeGreaterThan(0);
    const escape = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '-o', '../escaped/{nickname}_{result_type}.tif', 'img1.tif']);
    expect(escape.code).toBe(1);
    expect(escape.stdout).toMatch(/outside the allowed folders/);
    const dotdot = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '-o', '{dataset_dir}/../x_{result_type}.tif', 'img1.tif']);
    expect(dotdot.stdout).toMatch(/outside the allowed folders/);
    const typo = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '-o', '{dataset_dir}/{nick}.tif', 'img1.tif']);
    expect(typo.stdout).toMatch(/unknown placeholder \{nick\}/);
  });

  it('a stale or missing model cache is rebuilt with identical bytes', async () => {
    const model = path.join(dir, 'proj.pixelclass.model');
    const bytes = readFileSync(model);
    writeFileSync(model, 'corrupt');
    const run = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '-o', '{dataset_dir}/m/{nickname}_{result_type}.tif', 'img1.tif']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/classifier retrained \(model cache unusable/);
    expect(readFileSync(model).equals(bytes)).toBe(true);
    const project = await readProject(path.join(dir, 'proj.pixelclass.json'));
    expect(project.provenance.trainingHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
