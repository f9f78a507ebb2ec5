import { describe, expect, it } from 'vitest';
import { predictTile, type PredictTilePayload } from '../../extension/core/tiles/predictTile';
import { TILE_JOBS } from '../../extension/workers/jobs/tileJobs';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';

function payload(shared: boolean): PredictTilePayload {
  const image = { z: 1, y: 40, x: 36 };
  const source = new Float32Array(image.y * image.x).map((_, i) => Math.sin(i / 7) * 100 + (i % 13));
  return {
    selection: selectionDefaultLight(), image, nInputChannels: 1, source,
    sourceBox: { z0: 0, y0: 0, x0: 0, nz: 1, ny: image.y, nx: image.x },
    target: { z0: 0, y0: 5, x0: 4, nz: 1, ny: 20, nx: 24 },
    wantFeatures: true, sharedFeatures: shared,
  };
}

describe('predictTile sharedFeatures', () => {
  it('returns the same features in a SharedArrayBuffer, which the job does not list for transfer', () => {
    const plain = predictTile(payload(false)).features!;
    const shared = predictTile(payload(true)).features!;
    expect(plain.buffer).toBeInstanceOf(ArrayBuffer);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.length).toBe(plain.length);
    expect(shared).toEqual(plain);
    const job = TILE_JOBS['tile/predict'](payload(true), { isCancelled: () => false, throwIfCancelled() {} });
    expect(job.transfer).toEqual([]);
    expect(TILE_JOBS['tile/predict'](payload(false), { isCancelled: () => false, throwIfCancelled() {} }).transfer).toHaveLength(1);
  });
});
