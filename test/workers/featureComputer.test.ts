import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../extension/workers/workerPool';
import { FeatureComputer, chooseBlockSize } from '../../extension/workers/featureComputer';
import { computeFeatures } from '../../extension/core/features/computeFeatureBlock';
import { selectionAll, selectionDefaultLight } from '../../extension/core/features/featureSet';
import { memoryImageSource } from '../../extension/core/image/memoryImageSource';
import { buildComputeWorker } from './buildWorker';

let pool: WorkerPool;
let computer: FeatureComputer;

beforeAll(async () => {
  pool = new WorkerPool({ workerScript: await buildComputeWorker(), size: 2 });
  computer = new FeatureComputer(pool);
});
afterAll(async () => { await pool.dispose(); });

function noise(n: number, seed = 1): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) % 2147483648; a[i] = (s / 2147483648) * 200; }
  return a;
}

describe('FeatureComputer on the built worker', () => {
  it('equals the single-threaded whole-image computation bit for bit (2D, many blocks)', async () => {
    const image = { z: 1, y: 120, x: 130 };
    const volume = noise(120 * 130);
    const expected = computeFeatures(volume, image, selectionAll());
    let progress = 0;
    const result = await computer.computeVolume(volume, image, 1, { selection: selectionAll(), blockVoxels: 4000, onProgress: () => progress++ });
    expect(result.blocks).toBeGreaterThanOrEqual(4);
    expect(progress).toBe(result.blocks);
    expect(result.channels.length).toBe(49);
    expect(result.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(result.data.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('computes a sub-box of a 3D, 2-channel image source (halo read from the file)', async () => {
    const image = { z: 12, y: 40, x: 36 };
    const vol = 12 * 40 * 36;
    const volume = noise(2 * vol, 7);
    const selection = selectionDefaultLight();
    const planes: Float32Array[] = [];
    for (let z = 0; z < 12; z++) for (let c = 0; c < 2; c++) planes.push(volume.slice((c * 12 + z) * 1440, (c * 12 + z + 1) * 1440));
    const source = memoryImageSource({
      name: 'mem.tif', format: 'tiff', shape: { t: 1, z: 12, c: 2, y: 40, x: 36 }, axes: 'ZCYX', dtype: 'float32', pages: 24, compression: 'none', metadata: {},
    }, planes);
    const box = { z0: 3, y0: 5, x0: 10, nz: 5, ny: 20, nx: 17 };
    const selection2 = { ...selection, scales: selection.scales.map((s) => ({ ...s, in2D: s.sigma > 1.6 })) };
    const result = await computer.computeImage(source, 0, { selection: selection2, box, blockVoxels: 500 });
    const whole = computeFeatures(volume, image, selection2, { nInputChannels: 2 });
    const nch = result.channels.length;
    expect(result.data.length).toBe(nch * 5 * 20 * 17);
    for (let ch = 0; ch < nch; ch++) {
      for (let z = 0; z < 5; z++) for (let y = 0; y < 20; y++) for (let x = 0; x < 17; x++) {
        const got = result.data[((ch * 5 + z) * 20 + y) * 17 + x];
        const want = whole[ch * vol + ((z + 3) * 40 + y + 5) * 36 + x + 10];
        if (got !== want) throw new Error(`channel ${ch} (${result.channels[ch].name}) differs at z=${z} y=${y} x=${x}: ${got} vs ${want}`);
      }
    }
  });

  it('rejects a scale too large for the image with a clear message', async () => {
    const image = { z: 8, y: 64, x: 64 };
    await expect(computer.computeVolume(new Float32Array(8 * 64 * 64), image, 1, { selection: selectionAll() }))
      .rejects.toThrow(/σ=1\.0 is too large for this image along z: its kernel radius is 4 pixels, so it needs at least 5 slices, but the image has 8|σ=3\.5 is too large .* along z/);
  });

  it('cancels all blocks when the signal aborts', async () => {
    const image = { z: 1, y: 512, x: 512 };
    const controller = new AbortController();
    const pending = computer.computeVolume(noise(512 * 512), image, 1, { selection: selectionAll(), signal: controller.signal, blockVoxels: 128 * 128 });
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(await pool.run('pool/sum', { data: new Float32Array([1, 2]) })).toBe(3);
  });

  it('chooses blocks within the voxel budget and at least one per worker', () => {
    const b = chooseBlockSize({ z0: 0, y0: 0, x0: 0, nz: 1, ny: 2048, nx: 2048 }, 1 << 20, 2);
    expect(b.y * b.x).toBeLessThanOrEqual(1 << 20);
    const small = chooseBlockSize({ z0: 0, y0: 0, x0: 0, nz: 1, ny: 100, nx: 100 }, 1 << 20, 2);
    expect(Math.ceil(100 / small.y) * Math.ceil(100 / small.x)).toBeGreaterThanOrEqual(2);
  });
});
