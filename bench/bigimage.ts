/**
 * `npm run bench -- bigimage [--quick] [--memory-limit MB] [--keep]`: the batch part of issue #13's big-image
 * benchmark. Generates, streaming, in a temporary folder (bench/bigimage/*):
 * - a 16384² uint16 tiled BigTIFF,
 * - a 32768² uint16 pyramidal OME-TIFF (SubIFDs),
 * - a 64×2048×2048 uint16 OME-Zarr 0.4 and the same volume as a chunked (gzip) HDF5 dataset,
 * - a 100000² uint8 OME-Zarr whose chunks exist only where it has content,
 * then trains a 3D project on a small stack of the same content and times `pixel-classifier predict` (dist/cli.js,
 * all cores) on the volume with 3D features within `--memory-limit` (default 1536), output OME-Zarr, reporting
 * wall time and the peak RSS of the whole process (/usr/bin/time). `--quick` shrinks every input (1024² TIFF,
 * 2048² pyramid, 8×256×256 volume, 8192² sparse plane) so the whole run takes seconds: it checks the pipeline,
 * not the figures. Prints JSON; never asserts timings. The full run takes long and much disk: not on a shared machine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeTiff } from '../extension/core/image/tiffWriter';
import { insideDisc, intensityBlock } from './bigimage/syntheticPixels';
import { writeTiledTiff } from './bigimage/tiledTiffGenerator';
import { writeHdf5Volume, writeSparseZarr, writeZarrVolume } from './bigimage/volumeGenerators';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const MEMORY_LIMIT = option('--memory-limit', 1536);
const SIZES = quick
  ? { tiff: 1024, pyramid: 2048, pyramidLevels: 3, volumeZ: 8, volume: 256, sparse: 8192 }
  : { tiff: 16384, pyramid: 32768, pyramidLevels: 6, volumeZ: 64, volume: 2048, sparse: 100000 };
const root = resolve(__dirname, '..');
const cliJs = join(root, 'dist', 'cli.js');

function log(message: string): void {
  process.stderr.write(`[bench bigimage] ${message}\n`);
}

/** Bytes of a file or of a folder's files. */
function sizeOf(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(target).reduce((n, name) => n + sizeOf(join(target, name)), 0);
}

/** Runs under /usr/bin/time: wall seconds, peak RSS (MB), exit status, output. */
function timed(argv: string[], cwd: string): { seconds: number; peakRssMb: number; status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...argv], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = result.stderr.trim().split('\n');
  const [seconds, kb] = lines[lines.length - 1].split(' ').map(Number);
  return { seconds, peakRssMb: Math.round(kb / 1024), status: result.status, stdout: result.stdout, stderr: lines.slice(0, -1).join('\n') };
}

async function generate(name: string, target: string, make: () => Promise<unknown>): Promise<Record<string, unknown>> {
  log(`generating ${name}`);
  const t0 = performance.now();
  const extra = await make();
  return { file: target.split('/').pop(), seconds: +((performance.now() - t0) / 1000).toFixed(2), bytes: sizeOf(target), ...(extra && typeof extra === 'object' ? extra : {}) };
}

async function main(): Promise<void> {
  log('building dist/ (esbuild)');
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'pxc-bench-bigimage-'));
  const result: Record<string, unknown> = {
    benchmark: 'bigimage', quick, node: process.version, cores: availableParallelism(), memoryLimitMb: MEMORY_LIMIT,
    loadAverageStart: loadavg().map((v) => +v.toFixed(2)),
  };
  try {
    const { tiff, pyramid, pyramidLevels, volumeZ, volume, sparse } = SIZES;
    result.inputs = {
      tiledBigTiff: await generate(`${tiff}² tiled BigTIFF`, join(dir, 'tiled.tif'), () => writeTiledTiff(join(dir, 'tiled.tif'), { width: tiff, height: tiff, tile: 512, levels: 1 })),
      pyramidalOmeTiff: await generate(`${pyramid}² pyramidal OME-TIFF`, join(dir, 'pyramid.ome.tif'), () => writeTiledTiff(join(dir, 'pyramid.ome.tif'), { width: pyramid, height: pyramid, tile: 512, levels: pyramidLevels, omePixelSize: 0.25 })),
      volumeOmeZarr: await generate(`${volumeZ}×${volume}² OME-Zarr 0.4`, join(dir, 'volume.ome.zarr'), () => writeZarrVolume(join(dir, 'volume.ome.zarr'), volumeZ, volume, 256)),
      volumeHdf5: await generate(`${volumeZ}×${volume}² chunked HDF5`, join(dir, 'volume.h5'), () => writeHdf5Volume(join(dir, 'volume.h5'), volumeZ, volume, 256)),
      sparseOmeZarr: await generate(`${sparse}² sparse OME-Zarr`, join(dir, 'sparse.ome.zarr'), async () => ({ chunksWritten: await writeSparseZarr(join(dir, 'sparse.ome.zarr'), sparse, 1024), chunksInGrid: Math.ceil(sparse / 1024) ** 2 })),
    };

    // The reader's view of the generated TIFFs (levels found, chunk shape), as `pixel-classifier info` reports it.
    const info = (file: string) => {
      const run = spawnSync(process.execPath, [cliJs, 'info', '--json', file], { cwd: dir, encoding: 'utf8' });
      if (run.status !== 0) return { error: run.stderr.trim().slice(-300) };
      const parsed = JSON.parse(run.stdout);
      return { shape: parsed.shape, levels: parsed.levels?.length ?? 1, chunkShape: parsed.chunkShape };
    };
    result.readBack = { tiledBigTiff: info('tiled.tif'), pyramidalOmeTiff: info('pyramid.ome.tif') };

    // A small stack of the same content, labelled sparsely from the ground truth, trains the 3D project.
    // Deep enough for every 3D scale of the light features (σ 3.5 needs more than 8 slices; a shallower stack would
    // train 2D fallbacks, and the volume would be refused as unlike the training data).
    const [tz, ty] = [Math.min(32, volumeZ), 128];
    log(`training a 3D project (light features, 30 trees) on a ${tz}×${ty}×${ty} stack`);
    const stack = Array.from({ length: tz }, (_, z) => intensityBlock(z, 0, 0, ty, ty));
    writeFileSync(join(dir, 'train.tif'), encodeTiff((z) => stack[z], { width: ty, height: ty, dtype: 'uint16', shape: { t: 1, z: tz, c: 1 } }));
    const labels = Array.from({ length: tz }, (_, z) => {
      const plane = new Uint8Array(ty * ty);
      for (let y = 3; y < ty; y += 6) for (let x = 2; x < ty; x += 5) plane[y * ty + x] = insideDisc(z, y, x) ? 2 : 1;
      return plane;
    });
    writeFileSync(join(dir, 'train_labels.tif'), encodeTiff((z) => labels[z], { width: ty, height: ty, dtype: 'uint8', shape: { t: 1, z: tz, c: 1 } }));
    const train = timed([cliJs, 'train', '--image', 'train.tif', '--labels', 'train_labels.tif', '--features', 'light', '--trees', '30', '--json', '-o', 'p3d.pixelclass.json'], dir);
    if (train.status !== 0) throw new Error(`train failed: ${train.stderr}`);
    result.train = { seconds: train.seconds, peakRssMb: train.peakRssMb };

    const predictVolume = (input: string, output: string) => {
      log(`predicting ${input} (3D features, --memory-limit ${MEMORY_LIMIT}, OME-Zarr output)`);
      const run = timed([cliJs, 'predict', '--project', 'p3d.pixelclass.json', '--memory-limit', String(MEMORY_LIMIT), '--output-format', 'zarr', '--json', '-o', output, input], dir);
      const voxels = volumeZ * volume * volume;
      return run.status === 0
        ? { seconds: run.seconds, peakRssMb: run.peakRssMb, withinMemoryLimit: run.peakRssMb <= MEMORY_LIMIT, mvoxPerSecond: +(voxels / 1e6 / run.seconds).toFixed(3), outputBytes: existsSync(join(dir, output.replace('{result_type}', 'Probabilities'))) ? sizeOf(join(dir, output.replace('{result_type}', 'Probabilities'))) : 0 }
        : { status: run.status, error: (run.stdout.match(/"error": "([^"]*)"/)?.[1] ?? run.stderr).slice(-400) };
    };
    result.predictVolume = {
      hdf5: predictVolume('volume.h5/data', 'out/volume_h5_{result_type}.ome.zarr'),
      omeZarr: predictVolume('volume.ome.zarr', 'out/volume_zarr_{result_type}.ome.zarr'),
      loadAverage: loadavg().map((v) => +v.toFixed(2)),
    };
  } finally {
    result.loadAverageEnd = loadavg().map((v) => +v.toFixed(2));
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else result.folder = dir;
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => { console.error(error); process.exit(1); });
