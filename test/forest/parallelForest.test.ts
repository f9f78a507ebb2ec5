import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictProbabilities, serializeForest, trainForest, TreeRandom } from '../../extension/core/forest/index';
import {
  interactiveWorkStarts, predictProbabilitiesParallel, toShared, trainForestParallel, warmUpForestTraining,
} from '../../extension/workers/parallelForest';
import { WorkerPool } from '../../extension/workers/workerPool';
import { buildComputeWorker } from '../workers/buildWorker';

let pool1: WorkerPool;
let pool2: WorkerPool;

beforeAll(async () => {
  const workerScript = await buildComputeWorker();
  pool1 = new WorkerPool({ workerScript, size: 1 });
  pool2 = new WorkerPool({ workerScript, size: 2 });
});
afterAll(async () => { await pool1?.dispose(); await pool2?.dispose(); });

/** 3 classes on 6 features; classes overlap, so trees are deep and the OOB error is not 0. */
function data(n: number) {
  const rng = new TreeRandom(11, 0);
  const F = 6;
  const X = new Float32Array(n * F);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = 1 + rng.below(3);
    for (let f = 0; f < F; f++) X[i * F + f] = rng.nextUint32() / 4294967296 + (f < 3 && f === y[i] - 1 ? 0.4 : 0);
  }
  return { X, y, F };
}

describe('parallel forest', () => {
  it('trains byte-identical forests with 1 and 2 workers, equal to single-threaded trainForest', async () => {
    const { X, y, F } = data(1500);
    const opts = { nClasses: 3, nTrees: 9, seed: 4 };
    const serial = serializeForest(trainForest(X, y, F, opts));
    const one = await trainForestParallel(pool1, X, y, F, opts);
    const two = await trainForestParallel(pool2, X, y, F, opts);
    const three = await trainForestParallel(pool2, X, y, F, { ...opts, parts: 3 });
    expect(Buffer.from(serializeForest(one)).equals(Buffer.from(serial))).toBe(true);
    expect(Buffer.from(serializeForest(two)).equals(Buffer.from(serial))).toBe(true);
    expect(Buffer.from(serializeForest(three)).equals(Buffer.from(serial))).toBe(true);
    expect(two.oobError).toBeGreaterThan(0);
    expect(two.oobError).toBeLessThan(0.5);
  });

  it('a warm-up on a fresh pool leaves later trainings byte-identical', async () => {
    const { X, y, F } = data(1200);
    const opts = { nClasses: 3, nTrees: 6, seed: 8 };
    const serial = Buffer.from(serializeForest(trainForest(X, y, F, opts)));
    const fresh = new WorkerPool({ workerScript: await buildComputeWorker(), size: 2 });
    try {
      await warmUpForestTraining(fresh);
      expect(fresh.size).toBe(2);
      const after = Buffer.from(serializeForest(await trainForestParallel(fresh, X, y, F, opts)));
      expect(after.equals(serial)).toBe(true);
    } finally {
      await fresh.dispose();
    }
  });

  it('a training started during the warm-up cancels it (the first strokes do not wait) and is unchanged', async () => {
    const { X, y, F } = data(600);
    const opts = { nClasses: 3, nTrees: 6, seed: 11 };
    const serial = Buffer.from(serializeForest(trainForest(X, y, F, opts)));
    const fresh = new WorkerPool({ workerScript: await buildComputeWorker(), size: 2 });
    try {
      const warming = warmUpForestTraining(fresh);
      const outcome = warming.then(() => 'finished', (e: Error) => e.name);
      const trained = Buffer.from(serializeForest(await trainForestParallel(fresh, X, y, F, opts)));
      expect(trained.equals(serial)).toBe(true);
      expect(await outcome).toBe('AbortError');
    } finally {
      await fresh.dispose();
    }
  });

  it('interactive work cancels a running warm-up and skips a later one on the same pool', async () => {
    const fresh = new WorkerPool({ workerScript: await buildComputeWorker(), size: 2 });
    const other = new WorkerPool({ workerScript: await buildComputeWorker(), size: 1 });
    try {
      const warming = warmUpForestTraining(fresh).then(() => 'finished', (e: Error) => e.name);
      interactiveWorkStarts(fresh);
      expect(await warming).toBe('AbortError');
      // Later warm-ups of that pool return at once without a job; another pool still warms up.
      let ran = 0;
      const run = fresh.run.bind(fresh);
      fresh.run = ((...a: Parameters<WorkerPool['run']>) => { ran++; return run(...a); }) as WorkerPool['run'];
      await warmUpForestTraining(fresh);
      expect(ran).toBe(0);
      await expect(warmUpForestTraining(other)).resolves.toBeUndefined();
    } finally {
      await fresh.dispose();
      await other.dispose();
    }
  });

  it('predicts the same probabilities as predictProbabilities, with shared and with copied buffers', async () => {
    const { X, y, F } = data(800);
    const forest = trainForest(X, y, F, { nClasses: 3, nTrees: 5 });
    const n = 5000;
    const rng = new TreeRandom(3, 3);
    const features = new Float32Array(F * n);
    for (let i = 0; i < features.length; i++) features[i] = rng.nextUint32() / 4294967296 * 1.4;
    const expected = predictProbabilities(forest, features, n);
    const copied = await predictProbabilitiesParallel(pool2, forest, features, n, { blockPixels: 777 });
    expect(copied).toEqual(expected);
    const shared = await predictProbabilitiesParallel(pool2, forest, toShared(features), n, { blockPixels: 1000 });
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared).toEqual(expected);
  });

  it('rejects bad data before starting jobs, and cancels through an AbortSignal', async () => {
    const { X, y, F } = data(300);
    await expect(trainForestParallel(pool2, X, new Uint8Array(300).fill(1), F, { nClasses: 3 })).rejects.toThrow(/only class 1 has labels/);
    const controller = new AbortController();
    const running = trainForestParallel(pool2, X, y, F, { nClasses: 3, nTrees: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    // the pool still works afterwards
    const forest = await trainForestParallel(pool2, X, y, F, { nClasses: 3, nTrees: 4 });
    expect(forest.trees).toHaveLength(4);
  });
});
