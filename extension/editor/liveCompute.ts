/**
 * The heavy steps of the live loop — tile features, forest training, prediction — either on the
 * compute worker pool (the extension) or inline (unit tests, or when workers are unavailable). Both
 * run the same engine functions, so results are identical.
 */
import { computeFeatureBlock } from '../core/features/computeFeatureBlock';
import { predictProbabilities, trainForest, type Forest, type ForestOptions } from '../core/forest/index';
import type { PredictTilePayload } from '../core/tiles/predictTile';
import { predictProbabilitiesParallel, trainForestParallel } from '../workers/parallelForest';
import type { WorkerPool } from '../workers/workerPool';
import type { Logger } from './logger';

/** Features of one target box from its source block: the feature part of a `tile/predict` payload (see computeFeatureBlock for layouts). */
export type TileFeatureRequest = Pick<PredictTilePayload, 'selection' | 'image' | 'nInputChannels' | 'source' | 'sourceBox' | 'target'>;

/** The compute back end of a live session. */
export interface LiveCompute {
  /** Channel-major features of `target`. */
  tileFeatures(request: TileFeatureRequest, signal?: AbortSignal, priority?: number): Promise<Float32Array>;
  /** Trains the seeded forest (identical trees whatever the back end). */
  train(X: Float32Array, y: Uint8Array, nFeatures: number, options: Omit<ForestOptions, 'treeRange'>, signal?: AbortSignal): Promise<Forest>;
  /** Class-major probabilities `[class][pixel]` of channel-major features `[feature][pixel]`. */
  predict(forest: Forest, features: Float32Array, nPixels: number, signal?: AbortSignal, priority?: number): Promise<Float32Array>;
}

/** Runs everything in the calling thread (tests; fallback). */
export function inlineCompute(): LiveCompute {
  return {
    async tileFeatures(r, signal) {
      signal?.throwIfAborted();
      return computeFeatureBlock({ ...r, checkCancelled: () => signal?.throwIfAborted() });
    },
    async train(X, y, nFeatures, options, signal) {
      signal?.throwIfAborted();
      return trainForest(X, y, nFeatures, options);
    },
    async predict(forest, features, nPixels, signal) {
      signal?.throwIfAborted();
      return predictProbabilities(forest, features, nPixels);
    },
  };
}

/**
 * Runs on the worker pool: tile features through the `tile/predict` job (features only), training
 * through `trainForestParallel`, prediction through `predictProbabilitiesParallel`. If the worker lacks
 * the feature job, features fall back to inline computation (logged once).
 */
export function poolCompute(getPool: () => WorkerPool, logger: Logger): LiveCompute {
  const inline = inlineCompute();
  let featureJobMissing = false;
  return {
    async tileFeatures(r, signal, priority = 0) {
      if (featureJobMissing) return inline.tileFeatures(r, signal);
      const payload: PredictTilePayload = { ...r, wantFeatures: true, sharedFeatures: true };
      try {
        const result = await getPool().run('tile/predict', payload, [r.source.buffer as ArrayBuffer], signal, priority);
        return result.features!;
      } catch (e) {
        if (e instanceof Error && /unknown job type/.test(e.message)) {
          featureJobMissing = true;
          logger.warn(`Feature job unavailable in the compute worker (${e.message}); computing features in the extension host`);
          return inline.tileFeatures(r, signal);
        }
        throw e;
      }
    },
    train(X, y, nFeatures, options, signal) {
      return trainForestParallel(getPool(), X, y, nFeatures, { ...options, signal });
    },
    predict(forest, features, nPixels, signal, priority) {
      return predictProbabilitiesParallel(getPool(), forest, features, nPixels, { signal, priority });
    },
  };
}
