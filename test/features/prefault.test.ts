/**
 * FeatureComputer memory reuse: FeatureRequest.prefault (the host thread touches the fresh result while
 * workers write it; values must be untouched) and the reused source staging buffers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../extension/workers/workerPool';
import { FeatureComputer } from '../../extension/workers/featureComputer';
import { computeFeatures } from '../../extension/core/features/computeFeatureBlock';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { buildComputeWorker } from '../workers/buildWorker';

let pool: WorkerPool;

beforeAll(async () => { pool = new WorkerPool({ workerScript: await buildComputeWorker(), size: 2 }); });
afterAll(async () => { await pool.dispose(); });

describe('FeatureComputer prefault', () => {
  it('prefaulting the result while the workers write it changes no value (3D, many blocks)', async () => {
    const image = { z: 16, y: 150, x: 140 };
    const n = image.z * image.y * image.x;
    const volume = new Float32Array(n);
    let s = 4;
    for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) % 2147483648; volume[i] = (s / 2147483648) * 200; }
    const selection = selectionDefaultLight();
    const expected = computeFeatures(volume, image, selection);
    const result = await new FeatureComputer(pool).computeVolume(volume, image, 1, { selection, prefault: true, blockVoxels: 40_000 });
    expect(result.blocks).toBeGreaterThan(4);
    expect(Buffer.from(result.data.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });
});

describe('FeatureComputer source staging reuse', () => {
  it('consecutive calls with different images and boxes give each its own values', async () => {
    const computer = new FeatureComputer(pool);
    const image = { z: 1, y: 90, x: 110 };
    const n = image.y * image.x;
    const selection = selectionDefaultLight();
    for (const [seed, box] of [[1, undefined], [2, undefined], [3, { z0: 0, y0: 10, x0: 20, nz: 1, ny: 30, nx: 40 }], [4, undefined]] as const) {
      const volume = new Float32Array(n);
      let s = seed;
      for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) % 2147483648; volume[i] = (s / 2147483648) * 100; }
      const expected = computeFeatures(volume, image, selection);
      const result = await computer.computeVolume(volume, image, 1, { selection, box });
      const b = box ?? { z0: 0, y0: 0, x0: 0, nz: 1, ny: image.y, nx: image.x };
      const nch = result.channels.length;
      for (let c = 0; c < nch; c++) for (let y = 0; y < b.ny; y++) for (let x = 0; x < b.nx; x++) {
        const p = result.data[(c * b.ny + y) * b.nx + x], q = expected[c * n + (b.y0 + y) * image.x + b.x0 + x];
        if (!Object.is(p, q)) throw new Error(`seed ${seed} channel ${c} (${y},${x}): ${p} vs ${q}`);
      }
    }
  });
});
