import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { omeZarrLayout } from '../../extension/core/zarrOutput/omeZarrLayout';
import { OmeZarrWriter } from '../../extension/core/zarrOutput/omeZarrWriter';
import { nodeGzipCodec, ZarrDirectoryStore } from '../../extension/node/zarrDirectoryStore';
import { pythonCrossCheck, SYSTEM_PYTHON } from '../pythonCrossCheck';
import { buildCli } from '../workers/buildWorker';
import { cli, readAll, tempDir, trainedWorkspace } from './cliHarness';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { scene } from '../onnx/onnxAgreement';

/** Every file of a folder, relative path → bytes (base64). */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else out[path.relative(root, file)] = readFileSync(file).toString('base64');
    }
  };
  walk(root);
  return out;
}

/** Level 0 of channel `c` read back from our store. */
async function level0(store: string, shape: { channels: number; height: number; width: number }, c: number): Promise<Float32Array> {
  const writer = new OmeZarrWriter(omeZarrLayout({ t: 1, z: 1, dtype: 'float32', ...shape }, { version: '0.4', downsample: 'mean' }), new ZarrDirectoryStore(store), nodeGzipCodec);
  const plane = new Float32Array(shape.height * shape.width);
  for (let row = 0; row * 256 < shape.height; row++) plane.set(await writer.readChunkRow(0, 0, c, 0, row), row * 256 * shape.width);
  return plane;
}

function run(cliJs: string, cwd: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [cliJs, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += String(d); });
    proc.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('pixel-classifier predict --output-format zarr', () => {
  it('writes an OME-Zarr 0.4 store with the TIFF values at level 0, skips it when up to date, 0.5 on request', async () => {
    const { dir } = await trainedWorkspace(2);
    const base = ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', 'img1.tif'];
    expect((await cli(dir, base)).code).toBe(0);
    const zarr = await cli(dir, [...base, '--output-format', 'zarr']);
    expect(zarr.code, zarr.stderr).toBe(0);
    expect(zarr.stdout).toMatch(/img1\.tif → img1_Probabilities\.ome\.zarr/);
    const tiff = await readAll(path.join(dir, 'img1_Probabilities.tif'));
    const store = path.join(dir, 'img1_Probabilities.ome.zarr');
    for (let c = 0; c < 2; c++) expect(Array.from(await level0(store, { channels: 2, height: 80, width: 96 }, c))).toEqual(Array.from(tiff.planes[c]));
    const again = await cli(dir, [...base, '--output-format', 'zarr']);
    expect(again.stdout).toMatch(/skipped {2}img1\.tif \(up to date/);
    const v3 = await cli(dir, [...base, '--output-format', 'zarr', '--ome-zarr-version', '0.5', '--json']);
    expect(v3.code, v3.stderr).toBe(0);
    expect(JSON.parse(v3.stdout).files[0].reason).toBe('export settings changed');
    expect(existsSync(path.join(store, 'zarr.json'))).toBe(true);
    expect(existsSync(path.join(store, '.zgroup'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(store, 'zarr.json'), 'utf8')).attributes.ome.version).toBe('0.5');
  });

  it('3D stack with 3D features: axes c, z, y, x, one-slice chunks, the TIFF values; 3 block shards in-process agree', async () => {
    const dir = tempDir();
    const s = scene({ z: 6, y: 40, x: 36 }, 3, 1, 6);
    const plane = 40 * 36;
    writeFileSync(path.join(dir, 'st.tif'), encodeTiff((z) => Uint16Array.from(s.pixels.subarray(z * plane, (z + 1) * plane)), { width: 36, height: 40, dtype: 'uint16', shape: { t: 1, z: 6, c: 1 } }));
    const labels = new Uint8Array(s.truth.length);
    for (let i = 0; i < labels.length; i += 6) labels[i] = s.truth[i];
    writeFileSync(path.join(dir, 'lab.tif'), encodeTiff((z) => labels.subarray(z * plane, (z + 1) * plane), { width: 36, height: 40, dtype: 'uint8', shape: { t: 1, z: 6, c: 1 } }));
    expect((await cli(dir, ['train', '--image', 'st.tif', '--labels', 'lab.tif', '--features', 'light', '--trees', '10', '--threads', '0', '-o', 'p.pixelclass.json'])).code).toBe(0);
    expect((await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', 'st.tif'])).code).toBe(0);
    const run = await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--output-format', 'zarr', '--memory-limit', '64', 'st.tif']);
    expect(run.code, run.stderr).toBe(0);
    const store = path.join(dir, 'st_Probabilities.ome.zarr');
    const zattrs = JSON.parse(readFileSync(path.join(store, '.zattrs'), 'utf8'));
    expect(zattrs.multiscales[0].axes.map((a: { name: string }) => a.name)).toEqual(['c', 'z', 'y', 'x']);
    expect(JSON.parse(readFileSync(path.join(store, '0', '.zarray'), 'utf8'))).toMatchObject({ shape: [3, 6, 40, 36], chunks: [1, 1, 40, 36] });
    const tiff = await readAll(path.join(dir, 'st_Probabilities.tif'));
    const writer = new OmeZarrWriter(omeZarrLayout({ t: 1, z: 6, channels: 3, height: 40, width: 36, dtype: 'float32' }, { version: '0.4', downsample: 'mean' }), new ZarrDirectoryStore(store), nodeGzipCodec);
    for (let z = 0; z < 6; z++) for (let c = 0; c < 3; c++) {
      expect(Array.from(await writer.readChunkRow(0, 0, c, z, 0))).toEqual(Array.from(tiff.planes[z * 3 + c]));
    }
    const sharded = ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--output-format', 'zarr', '-o', 'sh/{nickname}_{result_type}.ome.zarr', 'st.tif'];
    for (const i of [2, 0, 1]) expect((await cli(dir, [...sharded, '--shard', `${i}/3`])).code).toBe(0);
    expect((await cli(dir, [...sharded, '--finalize'])).code).toBe(0);
    expect(tree(path.join(dir, 'sh', 'st_Probabilities.ome.zarr'))).toEqual(tree(store));
  });

  it.each([
    [['--ome-zarr-version', '0.6', '--output-format', 'zarr'], /--ome-zarr-version must be one of 0\.4, 0\.5/],
    [['--output-format', 'tiff', '--ome-zarr-version', '0.5'], /--ome-zarr-version needs --output-format zarr/],
  ])('usage errors: %j', async (args, message) => {
    const { dir } = await trainedWorkspace(1);
    const result = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', ...args, 'img0.tif']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('--finalize before every shard task finished names the missing chunks', async () => {
    const { dir } = await trainedWorkspace(1, { width: 96, height: 300 });
    const base = ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--output-format', 'zarr', '--json', 'img0.tif'];
    expect((await cli(dir, [...base, '--shard', '1/2'])).code).toBe(0);
    const early = await cli(dir, [...base, '--finalize']);
    expect(early.code).toBe(1);
    expect(JSON.parse(early.stdout).files[0].error).toMatch(/img0_Probabilities\.ome\.zarr: chunks are missing \(0\/0\/0\/0[,)]/);
    // Task 0 of a Slurm job array (the shard comes from the environment, as on a cluster).
    const slurm = await cli(dir, base, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' });
    expect(slurm.code, slurm.stderr).toBe(0);
    expect(JSON.parse(slurm.stdout).shard).toMatchObject({ index: 0, count: 2, source: 'slurm' });
    expect(JSON.parse(slurm.stdout).files[0].reason).toMatch(/wrote the blocks of shard 0\/2 \(run --finalize once every task is done\)/);
    const done = await cli(dir, [...base, '--finalize']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout).files[0].reason).toBe('finalized');
    const tasks = await cli(dir, [...base, '--shard', '0/2']);
    expect(JSON.parse(tasks.stdout).files[0].status).toBe('skipped');
  });

  it('one image, 3 shard tasks as separate processes + --finalize = a single-process run, byte for byte', async () => {
    const { dir } = await trainedWorkspace(1, { width: 300, height: 600 });
    const cliJs = await buildCli();
    const base = ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--output-format', 'zarr', 'img0.tif'];
    const single = await run(cliJs, dir, [...base, '-o', 'single/{nickname}_{result_type}.ome.zarr']);
    expect(single.code, single.stderr).toBe(0);
    const sharded = [...base, '-o', 'sharded/{nickname}_{result_type}.ome.zarr'];
    const tasks = await Promise.all([0, 1, 2].map((i) => run(cliJs, dir, [...sharded, '--shard', `${i}/3`])));
    for (const task of tasks) expect(task.code, task.stderr).toBe(0);
    // Slurm's job-array variables select the task the same way (here the finalize step sees none).
    const finalize = await run(cliJs, dir, [...sharded, '--finalize']);
    expect(finalize.code, finalize.stderr).toBe(0);
    const a = tree(path.join(dir, 'single', 'img0_Probabilities.ome.zarr'));
    const b = tree(path.join(dir, 'sharded', 'img0_Probabilities.ome.zarr'));
    expect(Object.keys(a)).toContain(path.join('2', '1', '0', '0'));
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(b).toEqual(a);
  }, 120_000);
});

// zarr-python 2.13 (python3-zarr from apt, what napari and ome-zarr-py build on) reads our 0.4 output: skipped without
// it on a developer machine, a failure under CI=true (.ci/run installs it), see test/pythonCrossCheck.ts.
const zarrPy = pythonCrossCheck(['zarr', 'numcodecs', 'numpy']);

describe.skipIf(zarrPy.skip)('OME-Zarr 0.4 exports read by zarr-python', () => {
  it('zarr-python sees the axes, scales, shapes, chunks, gzip, values and a mean pyramid', async () => {
    zarrPy.assertAvailable();
    const { dir } = await trainedWorkspace(1, { width: 300, height: 520 });
    const tif = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', 'img0.tif']);
    expect(tif.code, tif.stderr).toBe(0);
    const run1 = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--output-format', 'zarr', 'img0.tif']);
    expect(run1.code, run1.stderr).toBe(0);
    const seg = await cli(dir, ['predict', '--project', 'proj.pixelclass.json', '--threads', '0', '--output-format', 'zarr', '--export-source', 'simple-segmentation', 'img0.tif']);
    expect(seg.code, seg.stderr).toBe(0);
    const tiff = await readAll(path.join(dir, 'img0_Probabilities.tif'));
    const script = `
import json, sys
import numpy as np, zarr
g = zarr.open_group(sys.argv[1], mode='r')
ms = g.attrs['multiscales'][0]
a0 = g[ms['datasets'][0]['path']]
a1 = g[ms['datasets'][1]['path']]
full = a0[...].astype(np.float64)
h, w = full.shape[1:]
pad = np.pad(full, ((0, 0), (0, h % 2), (0, w % 2)), mode='edge')
mean = pad.reshape(full.shape[0], (h + 1) // 2, 2, (w + 1) // 2, 2).mean(axis=(2, 4))
s = zarr.open_group(sys.argv[2], mode='r')
s0 = s['0'][...]
print(json.dumps({
  'version': ms['version'], 'axes': [a['name'] for a in ms['axes']], 'types': [a['type'] for a in ms['axes']],
  'paths': [d['path'] for d in ms['datasets']],
  'scales': [d['coordinateTransformations'][0]['scale'] for d in ms['datasets']],
  'shapes': [list(g[d['path']].shape) for d in ms['datasets']], 'chunks': list(a0.chunks), 'dtype': str(a0.dtype),
  'compressor': a0.compressor.codec_id, 'values': full.ravel().tolist(),
  'meanError': float(np.abs(a1[...].astype(np.float64) - mean).max()),
  'provenance': g.attrs['pixel-classifier-provenance']['format'],
  'segType': s.attrs['multiscales'][0]['type'], 'segDtype': str(s0.dtype),
  'segNearest': bool((s['1'][...] == s0[:, ::2, ::2]).all()),
}))
`;
    writeFileSync(path.join(dir, 'check.py'), script);
    const py = spawnSync(SYSTEM_PYTHON, [path.join(dir, 'check.py'), path.join(dir, 'img0_Probabilities.ome.zarr'), path.join(dir, 'img0_Simple_Segmentation.ome.zarr')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(py.status, py.stderr).toBe(0);
    const seen = JSON.parse(py.stdout);
    expect(seen).toMatchObject({
      version: '0.4', axes: ['c', 'y', 'x'], types: ['channel', 'space', 'space'], paths: ['0', '1', '2'],
      scales: [[1, 1, 1], [1, 2, 2], [1, 4, 4]], shapes: [[2, 520, 300], [2, 260, 150], [2, 130, 75]], chunks: [1, 256, 256],
      dtype: 'float32', compressor: 'gzip', provenance: 'pixel-classifier-export',
      segType: 'nearest', segDtype: 'uint8', segNearest: true,
    });
    expect(seen.meanError).toBeLessThan(1e-6);
    const expected: number[] = [];
    for (let c = 0; c < 2; c++) for (const v of tiff.planes[c] as Float32Array) expected.push(v);
    expect(seen.values).toEqual(expected);
  }, 60_000);
});
