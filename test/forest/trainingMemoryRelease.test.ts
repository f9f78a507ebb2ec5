/**
 * A worker gives its training kernel back after TRAINING_MEMORY_IDLE_MS without training (issue #7: an idle
 * editor returns the memory that grew with the labels), and training after a release gives the same forest.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serializeForest, TreeRandom, type Forest } from '../../extension/core/forest/index';
import { hasTrainKernel, releaseTrainKernel } from '../../extension/core/forest/trainKernel';
import { allocateFeatureBins } from '../../extension/core/forest/trainingSet';
import { FOREST_JOBS, TRAINING_MEMORY_IDLE_MS, type ForestTrainResult } from '../../extension/workers/jobs/forestJobs';
import type { JobContext } from '../../extension/workers/workerProtocol';

const context: JobContext = { isCancelled: () => false, throwIfCancelled: () => undefined };

function data(n: number, F: number): { X: Float32Array; y: Uint8Array } {
  const rng = new TreeRandom(5, 1);
  const X = new Float32Array(n * F);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = 1 + (i % 2);
    for (let f = 0; f < F; f++) X[i * F + f] = rng.nextUint32() / 4294967296 + (f === 0 ? y[i] * 0.3 : 0);
  }
  return { X, y };
}

async function train(X: Float32Array, y: Uint8Array, F: number): Promise<Forest> {
  const output = await FOREST_JOBS['forest/train']({ X, y, nFeatures: F, options: { nClasses: 2, nTrees: 4, seed: 3 } }, context);
  return (output.result as ForestTrainResult).forest;
}

describe('training kernel release', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the kernel while trainings come and releases it once idle; the forest is unchanged', async () => {
    vi.useFakeTimers();
    releaseTrainKernel();
    const { X, y } = data(3000, 6);
    const first = await train(X, y, 6);
    expect(hasTrainKernel()).toBe(true);
    vi.advanceTimersByTime(TRAINING_MEMORY_IDLE_MS - 1);
    expect(hasTrainKernel()).toBe(true);
    await train(X, y, 6); // a new training restarts the countdown
    vi.advanceTimersByTime(TRAINING_MEMORY_IDLE_MS - 1);
    expect(hasTrainKernel()).toBe(true);
    vi.advanceTimersByTime(1);
    expect(hasTrainKernel()).toBe(false);
    const again = await train(X, y, 6);
    expect(serializeForest(again)).toEqual(serializeForest(first));
  });

  it('counts a failed or binning job as use too', async () => {
    vi.useFakeTimers();
    releaseTrainKernel();
    const { X, y } = data(500, 3);
    const bins = allocateFeatureBins(500, 3, true);
    await FOREST_JOBS['forest/bin']({ X, nSamples: 500, nFeatures: 3, range: [0, 3], bins }, context);
    expect(hasTrainKernel()).toBe(true);
    vi.advanceTimersByTime(TRAINING_MEMORY_IDLE_MS);
    expect(hasTrainKernel()).toBe(false);
    await train(X, y, 3);
    const cancelled: JobContext = { isCancelled: () => true, throwIfCancelled: () => { throw new Error('job cancelled'); } };
    vi.advanceTimersByTime(TRAINING_MEMORY_IDLE_MS - 1);
    await expect(Promise.resolve().then(() => FOREST_JOBS['forest/train']({ X, y, nFeatures: 3, options: { nClasses: 2, nTrees: 2 } }, cancelled)))
      .rejects.toThrow('job cancelled');
    vi.advanceTimersByTime(1);
    expect(hasTrainKernel()).toBe(true); // the countdown restarted at the cancelled job
    vi.advanceTimersByTime(TRAINING_MEMORY_IDLE_MS);
    expect(hasTrainKernel()).toBe(false);
  });
});
