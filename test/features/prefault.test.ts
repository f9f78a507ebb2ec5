/** FeatureRequest.prefault: the host thread touches the fresh result while workers write it; values must be untouched. */
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
