/**
 * End to end: the built CLI (`pixel-classifier features`) with the built worker, on golden inputs
 * written as TIFF; the output TIFF is read back and compared with the vigra golden data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { pythonCrossCheck, SYSTEM_PYTHON } from '../pythonCrossCheck';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { openImage } from '../../extension/node/openImage';
import { parseFeatureSpec } from '../../extension/cli/commands/features';
import { computeFeatures } from '../../extension/core/features/computeFeatureBlock';
import { buildCli } from '../workers/buildWorker';

const run = promisify(execFile);
const fixtures = join(__dirname, '../fixtures/golden');
const manifest = JSON.parse(readFileSync(join(fixtures, 'fixtures.json'), 'utf8'));
let cli = '';
let dir = '';

function f32(file: string): Float32Array {
  const b = readFileSync(join(fixtures, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'pc-features-cli-'));
});

async function readAll(path: string): Promise<{ data: Float32Array[]; info: any }> {
  const image = await openImage(path);
  const { z, c } = image.info.shape;
  const data: Float32Array[] = [];
  for (let ch = 0; ch < c; ch++) for (let s = 0; s < z; s++) data.push(await image.readPlaneFloat32(0, s, ch));
  const info = image.info;
  await image.close();
  return { data, info };
}

describe('pixel-classifier features (built CLI + worker)', () => {
  it('2D ilastik pipeline: 49-channel CYX float32 TIFF matching the golden data, channel names recorded', async () => {
    const input = join(dir, 'small.tif');
    writeFileSync(input, encodeTiff([f32('input_2d_small_64x64.f32')], { width: 64, height: 64, dtype: 'float32' }));
    const out = join(dir, 'small_features.tif');
    const { stdout } = await run(process.execPath, [cli, 'features', input, '-o', out, '--workers', '2']);
    expect(stdout).toMatch(/49 feature channels/);
    const { data, info } = await readAll(out);
    expect(info.shape).toMatchObject({ t: 1, z: 1, c: 49, y: 64, x: 64 });
    expect(info.axes).toBe('CYX');
    expect(info.dtype).toBe('float32');
    const rows = manifest.sets.ilastik_2d.channels;
    expect(info.metadata.channelNames).toEqual(rows.map((r: any) => r.ilastik_name));
    const ref = f32('ilastik_2d_small.f32');
    for (const row of rows) {
      const plane = data[row.channel];
      for (let i = 0; i < 4096; i++) {
        const r = ref[row.channel * 4096 + i];
        let scale = Math.abs(r), tol = 2e-4;
        if (row.n_components > 1) {
          scale = 0; tol = 1e-3;
          for (let k = 0; k < row.n_components; k++) scale = Math.max(scale, Math.abs(ref[(row.channel - row.component + k) * 4096 + i]));
        }
        if (!(Math.abs(plane[i] - r) <= tol * Math.max(1, scale))) throw new Error(`${row.ilastik_name} differs at ${i}: ${plane[i]} vs ${r}`);
      }
    }
  });

  it('3D direct variant with a --features list: ImageJ ZCYX hyperstack, names, values', async () => {
    const input = join(dir, 'vol.tif');
    const vol = f32('input_3d_40x40x40.f32');
    const planes = Array.from({ length: 40 }, (_, z) => vol.subarray(z * 1600, (z + 1) * 1600));
    writeFileSync(input, encodeTiff(planes, { width: 40, height: 40, dtype: 'float32', shape: { t: 1, z: 40, c: 1 } }));
    const out = join(dir, 'vol_features.tif');
    await run(process.execPath, [cli, 'features', input, '-o', out, '--variant', 'direct',
      '--features', 'GaussianSmoothing:1.0,3.5;HessianOfGaussianEigenvalues:1.6']);
    const { data, info } = await readAll(out);
    expect(info.shape).toMatchObject({ z: 40, c: 5, y: 40, x: 40 });
    expect(info.axes).toBe('ZCYX'); // ImageJ hyperstack page order (c fastest), what Fiji and tifffile report
    expect(info.metadata.channelNames).toEqual([
      'Gaussian Smoothing (σ=1.0)', 'Gaussian Smoothing (σ=3.5)',
      'Hessian of Gaussian Eigenvalues (σ=1.6) [0]', 'Hessian of Gaussian Eigenvalues (σ=1.6) [1]', 'Hessian of Gaussian Eigenvalues (σ=1.6) [2]',
    ]);
    const set = manifest.sets.direct_3d;
    const ref = f32(set.file);
    const sub = set.index.z.length * set.index.y.length * set.index.x.length;
    const golden = (name: string): number => set.channels.find((c: any) => c.ilastik_name === name).channel;
    info.metadata.channelNames.forEach((name: string, c: number) => {
      const g = golden(name);
      set.index.z.forEach((z: number, a: number) => set.index.y.forEach((y: number, b: number) => set.index.x.forEach((x: number, d: number) => {
        const r = ref[g * sub + (a * set.index.y.length + b) * set.index.x.length + d];
        const mine = data[c * 40 + z][y * 40 + x];
        const tol = c >= 2 ? 1e-3 * Math.max(1, Math.abs(ref[golden('Hessian of Gaussian Eigenvalues (σ=1.6) [0]') * sub + (a * set.index.y.length + b) * set.index.x.length + d]),
          Math.abs(ref[golden('Hessian of Gaussian Eigenvalues (σ=1.6) [2]') * sub + (a * set.index.y.length + b) * set.index.x.length + d])) : 2e-4 * Math.max(1, Math.abs(r));
        if (!(Math.abs(mine - r) <= tol)) throw new Error(`${name} differs at z=${z} y=${y} x=${x}: ${mine} vs ${r}`);
      })));
    });
    // tifffile (when the system Python has it) sees the same axes and labels as Fiji would.
    const check = pythonCrossCheck(['tifffile']);
    if (!check.skip) {
      check.assertAvailable();
      const tifffile = execFileSync(SYSTEM_PYTHON, ['-c',
        'import sys,tifffile;t=tifffile.TiffFile(sys.argv[1]);s=t.series[0];print(s.axes,list(s.shape),t.imagej_metadata.get("Labels",[])[:1])', out],
      { encoding: 'utf8' });
      expect(tifffile.trim()).toBe("ZCYX [40, 5, 40, 40] ['Gaussian Smoothing (σ=1.0)']");
    }
  });

  it('uncompressed output (written in place by the workers, bands of whole rows) equals the deflate output and the in-process engine, over t and z', async () => {
    const [nt, nz, ny, nx] = [2, 6, 45, 37];
    const pixels = Array.from({ length: nt * nz }, (_, p) => Float32Array.from({ length: ny * nx }, (_, i) => ((i * 2654435761 + p * 977) >>> 0) % 251));
    const input = join(dir, 'txyz.tif');
    writeFileSync(input, encodeTiff(pixels, { width: nx, height: ny, dtype: 'float32', shape: { t: nt, z: nz, c: 1 } }));
    const spec = 'GaussianSmoothing:0.7;HessianOfGaussianEigenvalues:1.0;StructureTensorEigenvalues:0.7';
    const plain = join(dir, 'txyz_plain.tif'), packed = join(dir, 'txyz_deflate.tif');
    await run(process.execPath, [cli, 'features', input, '-o', plain, '--features', spec, '--workers', '2']);
    await run(process.execPath, [cli, 'features', input, '-o', packed, '--features', spec, '--workers', '2', '--compression', 'deflate']);
    const a = await openImage(plain), b = await openImage(packed);
    expect(a.info.shape).toEqual({ t: nt, z: nz, c: 7, y: ny, x: nx });
    expect(a.info.compression).not.toBe(b.info.compression);
    const selection = parseFeatureSpec(spec, undefined, false);
    for (let t = 0; t < nt; t++) {
      const volume = new Float32Array(nz * ny * nx);
      for (let z = 0; z < nz; z++) volume.set(pixels[t * nz + z], z * ny * nx);
      const reference = computeFeatures(volume, { z: nz, y: ny, x: nx }, selection);
      for (let c = 0; c < 7; c++) {
        for (let z = 0; z < nz; z++) {
          const p = await a.readPlaneFloat32(t, z, c), q = await b.readPlaneFloat32(t, z, c);
          expect(Buffer.from(p.buffer, p.byteOffset, p.byteLength).equals(Buffer.from(q.buffer, q.byteOffset, q.byteLength))).toBe(true);
          const r = reference.subarray((c * nz + z) * ny * nx, (c * nz + z + 1) * ny * nx);
          expect(Buffer.from(p.buffer, p.byteOffset, p.byteLength).equals(Buffer.from(r.buffer, r.byteOffset, r.byteLength))).toBe(true);
        }
      }
    }
    await a.close();
    await b.close();
  }, 60_000);

  it('falls back to 2D for scales too long for z, saying so; rejects y/x that are too small', async () => {
    const input = join(dir, 'thin.tif');
    const planes = Array.from({ length: 6 }, (_, z) => new Float32Array(48 * 48).map((_, i) => (i * 7 + z * 13) % 50));
    writeFileSync(input, encodeTiff(planes, { width: 48, height: 48, dtype: 'float32', shape: { t: 1, z: 6, c: 1 } }));
    const out = join(dir, 'thin_features.tif');
    const { stderr } = await run(process.execPath, [cli, 'features', input, '-o', out, '--features', 'GaussianSmoothing:0.7,3.5']);
    expect(stderr).toMatch(/σ=3\.5 needs at least 13 slices for 3D but the image has 6; computing it in 2D/);
    // progress on stderr (not a terminal here: plain lines), block counts of the feature computer
    expect(stderr).toMatch(/^progress: file 1\/1 thin\.tif, block \d+\/\d+, \d+% done$/m);
    const { info } = await readAll(out);
    expect(info.metadata.channelNames).toEqual(['Gaussian Smoothing (σ=0.7)', 'Gaussian Smoothing (σ=3.5) in 2D']);
    const tiny = join(dir, 'tiny.tif');
    writeFileSync(tiny, encodeTiff([new Float32Array(20 * 20)], { width: 20, height: 20, dtype: 'float32' }));
    const failed = await run(process.execPath, [cli, 'features', tiny, '-o', join(dir, 'x.tif'), '--features', 'GaussianSmoothing:10']).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/tiny\.tif: scale σ=10\.0 is too large for this image along [yx]: its kernel radius is 35 pixels/);
  });

  it('parses --features / --scales / --2d', () => {
    const a = parseFeatureSpec('GaussianSmoothing:0.3,1;hessianofgaussianeigenvalues:1,5', undefined, true);
    expect(a.scales).toEqual([{ sigma: 0.3, in2D: true }, { sigma: 1, in2D: true }, { sigma: 5, in2D: true }]);
    expect(a.selected.GaussianSmoothing).toEqual([true, true, false]);
    expect(a.selected.HessianOfGaussianEigenvalues).toEqual([false, true, true]);
    expect(parseFeatureSpec('all', '0.3,1.6', false).selected.LaplacianOfGaussian).toEqual([false, true]);
    expect(() => parseFeatureSpec('Nope:1', undefined, false)).toThrow(/unknown feature "Nope"/);
    expect(() => parseFeatureSpec('LaplacianOfGaussian:0.3', undefined, false)).toThrow(/needs σ ≥ 0.7/);
  });
});
