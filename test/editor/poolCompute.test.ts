/**
 * The live loop's compute back end on the real worker pool: tile features through the `tile/predict` job of
 * the built compute worker equal the inline computation, arrive in shared memory, and training/prediction
 * give the inline forest's bytes and probabilities.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineCompute, poolCompute } from '../../extension/editor/liveCompute';
import { MemoryLogger } from '../../extension/editor/logger';
import { requiredSourceBox } from '../../extension/core/features/computeFeatureBlock';
import { selectionDefaultLight } from '../../extension/core/features/featureSet';
import { serializeForest } from '../../extension/core/forest/index';
import { WorkerPool } from '../../extension/workers/workerPool';
import { buildComputeWorker } from '../workers/buildWorker';

let pool: WorkerPool;
beforeAll(async () => { pool = new WorkerPool({ workerScript: await buildComputeWorker(), size: 2 }); });
afterAll(async () => { await pool.dispose(); });

describe('poolCompute', () => {
  it('tile features, training and prediction equal the inline back end', async () => {
    const image = { z: 1, y: 40, x: 36 };
    const selection = selectionDefaultLight();
    const target = { z0: 0, y0: 8, x0: 4, nz: 1, ny: 16, nx: 20 };
    const sourceBox = requiredSourceBox(target, image, selection);
    const source = () => {
      const s = new Float32Array(sourceBox.ny * sourceBox.nx);
      for (let i = 0; i < s.length; i++) s[i] = Math.sin(i / 5) * 50 + (i % 11);
      return s;
    };
    const logger = new MemoryLogger();
    const onPool = poolCompute(() => pool, logger);
    const inline = inlineCompute();
    const request = { selection, image, nInputChannels: 1, sourceBox, target };
    const pooled = await onPool.tileFeatures({ ...request, source: source() });
    const expected = await inline.tileFeatures({ ...request, source: source() });
    expect(pooled.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(pooled)).toEqual(Array.from(expected));
    expect(logger.lines).toEqual([]); // no fallback to the host: the worker knows tile/predict

    const n = target.ny * target.nx;
    const F = expected.length / n;
    const X = new Float32Array(n * F);
    const y = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      for (let f = 0; f < F; f++) X[p * F + f] = expected[f * n + p];
      y[p] = (p % target.nx) < target.nx / 2 ? 1 : 2;
    }
    const options = { nClasses: 2, nTrees: 6, seed: 4 };
    const a = await onPool.train(X, y, F, options);
    const b = await inline.train(X, y, F, options);
    expect(Array.from(serializeForest(a))).toEqual(Array.from(serializeForest(b)));
    const probabilities = await inline.predict(b, expected, n);
    expect(Array.from(await onPool.predict(a, pooled, n))).toEqual(Array.from(probabilities));

    // Features and their prediction in one job: the same features and the same probabilities, bit for bit.
    const fused = await onPool.tileFeaturesAndPredict({ ...request, source: source() }, a);
    expect(fused.features!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(fused.features!)).toEqual(Array.from(expected));
    expect(Array.from(fused.probabilities)).toEqual(Array.from(probabilities));
    // Without keeping the features, only the probabilities come back: the same ones.
    const probabilitiesOnly = await onPool.tileFeaturesAndPredict({ ...request, source: source() }, a, undefined, 0, false);
    expect(probabilitiesOnly.features).toBeUndefined();
    expect(Array.from(probabilitiesOnly.probabilities)).toEqual(Array.from(probabilities));
    const fusedInline = await inline.tileFeaturesAndPredict({ ...request, source: source() }, b);
    expect(Array.from(fusedInline.probabilities)).toEqual(Array.from(probabilities));
  });
});
