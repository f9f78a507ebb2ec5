/**
 * The heavy steps of the live loop — tile features, forest training, prediction — either on the
 * compute worker pool (the extension) or inline (unit tests, or when workers are unavailable). Both
 * run the same engine functions, so results are identical.
 */
import { boxVolume } from '../core/features/box';
import { computeFeatureBlock } from '../core/features/computeFeatureBlock';
import { hasRealSharedArrayBuffer } from '../core/memory/realSharedMemory';
import { predictProbabilities, trainForest, type Forest, type ForestOptions } from '../core/forest/index';
import type { PredictTilePayload } from '../core/tiles/predictTile';
import { interactiveWorkStarts, predictProbabilitiesParallel, sharedModel, trainForestParallel } from '../workers/parallelForest';
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
  /**
   * Features of `target` and their probabilities under `forest` in one step (one job: the features are not sent to
   * the workers a second time to be predicted); identical to `tileFeatures` followed by `predict`. With
   * `keepFeatures` false only the probabilities come back (the features stay in the worker).
   */
  tileFeaturesAndPredict(request: TileFeatureRequest, forest: Forest, signal?: AbortSignal, priority?: number, keepFeatures?: boolean): Promise<{ features?: Float32Array; probabilities: Float32Array }>;
}

/** Runs everything in the calling thread (tests; fallback). */
export function inlineCompute(): LiveCompute {
  const tileFeatures = async (r: TileFeatureRequest, signal?: AbortSignal): Promise<Float32Array> => {
    signal?.throwIfAborted();
    return computeFeatureBlock({ ...r, checkCancelled: () => signal?.throwIfAborted() });
  };
  return {
    tileFeatures,
    async train(X, y, nFeatures, options, signal) {
      signal?.throwIfAborted();
      return trainForest(X, y, nFeatures, options);
    },
    async predict(forest, features, nPixels, signal) {
      signal?.throwIfAborted();
      return predictProbabilities(forest, features, nPixels);
    },
    async tileFeaturesAndPredict(r, forest, signal) {
      const features = await tileFeatures(r, signal);
      return { features, probabilities: predictProbabilities(forest, features, boxVolume(r.target)) };
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
  /** Runs `tile/predict` for the features of `r` (and their probabilities when `forest` is given). */
  const tileJob = async (r: TileFeatureRequest, forest: Forest | undefined, signal?: AbortSignal, priority = 0, wantFeatures = true) => {
    // Shared with every worker when memory really is shared; otherwise private, so they are transferred, not copied.
    const payload: PredictTilePayload = { ...r, wantFeatures, sharedFeatures: wantFeatures && hasRealSharedArrayBuffer() };
    if (forest) {
      const { key, bytes } = sharedModel(forest);
      payload.modelKey = key;
      payload.model = bytes;
    }
    const pool = getPool();
    interactiveWorkStarts(pool);
    return pool.run('tile/predict', payload, [r.source.buffer as ArrayBuffer], signal, priority);
  };
  /** Whether `e` says the worker lacks the job (then features are computed inline from now on, logged once). */
  const jobMissing = (e: unknown): boolean => {
    if (!(e instanceof Error && /unknown job type/.test(e.message))) return false;
    featureJobMissing = true;
    logger.warn(`Feature job unavailable in the compute worker (${e.message}); computing features in the extension host`);
    return true;
  };
  return {
    async tileFeatures(r, signal, priority = 0) {
      if (featureJobMissing) return inline.tileFeatures(r, signal);
      try {
        return (await tileJob(r, undefined, signal, priority)).features!;
      } catch (e) {
        if (jobMissing(e)) return inline.tileFeatures(r, signal);
        throw e;
      }
    },
    async tileFeaturesAndPredict(r, forest, signal, priority = 0, keepFeatures = true) {
      if (featureJobMissing) return inline.tileFeaturesAndPredict(r, forest, signal);
      try {
        const { features, probabilities } = await tileJob(r, forest, signal, priority, keepFeatures);
        return { features: keepFeatures ? features! : undefined, probabilities: probabilities! };
      } catch (e) {
        if (jobMissing(e)) return inline.tileFeaturesAndPredict(r, forest, signal);
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
