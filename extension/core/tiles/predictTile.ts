/**
 * The per-tile work of prediction (issue #6): features of one target box from its source block (with
 * halo) → per-class probabilities, in one step, so the feature stack of a tile never leaves the thread that
 * computed it (only probabilities travel back, unless features are exported). Batch prediction and the live
 * editor run it as the worker job `tile/predict` (extension/workers/jobs/tileJobs.ts) or inline — the same
 * function either way, so outputs are identical.
 */
import { computeFeatureBlock, featureChannelCount, FeatureScratch } from '../features/computeFeatureBlock';
import type { Box, VolumeShape } from '../features/box';
import type { FeatureSelection } from '../features/featureSet';
import { deserializeForest, predictProbabilities, type Forest } from '../forest/index';

/** Payload of the `tile/predict` worker job. */
export interface PredictTilePayload {
  selection: FeatureSelection;
  /** Extent of one time point of the image. */
  image: VolumeShape;
  nInputChannels: number;
  /** Raw pixels as float32, layout [channel][z][y][x] of `sourceBox` (transferred). */
  source: Float32Array;
  sourceBox: Box;
  target: Box;
  /** Forest bytes (serializeForest) and a key for the per-thread parse cache; absent when only features are wanted. */
  modelKey?: string;
  model?: Uint8Array;
  /** Return the features too (features export). */
  wantFeatures: boolean;
  /**
   * Return the features in a SharedArrayBuffer, written in place by the worker: the live editor caches
   * them shared with every worker, and this saves the host a copy (and its page faults) of every tile.
   */
  sharedFeatures?: boolean;
}

/** Result of the `tile/predict` worker job. */
export interface PredictTileResult {
  /** Class-major `[class][z][y][x]` of the target box (when a model was given). */
  probabilities?: Float32Array;
  /** Channel-major `[feature][z][y][x]` of the target box (when asked for). */
  features?: Float32Array;
}

const scratch = new FeatureScratch();
/** Features of the last tile on the TypeScript path, reused (grown geometrically) to avoid page faults on every tile. */
let featureBuffer = new Float32Array(0);
const models = new Map<string, Forest>();

function model(key: string, bytes: Uint8Array): Forest {
  let forest = models.get(key);
  if (!forest) {
    forest = deserializeForest(bytes);
    if (models.size >= 2) models.delete(models.keys().next().value!);
    models.set(key, forest);
  }
  return forest;
}

function reusableFeatures(length: number): Float32Array {
  if (featureBuffer.length < length) featureBuffer = new Float32Array(Math.max(length, Math.ceil(featureBuffer.length * 1.25)));
  return featureBuffer.subarray(0, length);
}

/**
 * Computes one tile. Units and layouts: see computeFeatureBlock and predictProbabilities.
 * @param checkCancelled called between feature scales and prediction chunks; throws to abandon the tile
 */
export function predictTile(payload: PredictTilePayload, checkCancelled?: () => void): PredictTileResult {
  const { target } = payload;
  const n = target.nz * target.ny * target.nx;
  const nFeatures = payload.model ? model(payload.modelKey ?? 'inline', payload.model).nFeatures : undefined;
  // Reuse one features buffer per thread unless the features go back to the caller (then it is transferred,
  // or shared when asked for).
  const sharedResult = payload.wantFeatures && payload.sharedFeatures
    ? new Float32Array(new SharedArrayBuffer(4 * n * featureChannelCount(payload.selection, payload.nInputChannels, payload.image.z > 1)))
    : undefined;
  const features = computeFeatureBlock({
    selection: payload.selection,
    image: payload.image,
    nInputChannels: payload.nInputChannels,
    source: payload.source,
    sourceBox: payload.sourceBox,
    target,
    scratch,
    checkCancelled,
    // Features only predicted from stay in the kernels' memory (no copy out); without the WebAssembly kernels they go
    // to the reused buffer.
    resultInKernelMemory: !payload.wantFeatures && nFeatures !== undefined,
    result: sharedResult ?? (payload.wantFeatures || nFeatures === undefined || scratch.usesWasm ? undefined : reusableFeatures(nFeatures * n)),
  });
  const result: PredictTileResult = {};
  if (payload.wantFeatures) result.features = features;
  if (payload.model) {
    const forest = model(payload.modelKey ?? 'inline', payload.model);
    if (features.length !== forest.nFeatures * n) {
      throw new RangeError(`the classifier expects ${forest.nFeatures} feature channels, the tile has ${features.length / n}`);
    }
    const out = new Float32Array(forest.nClasses * n);
    const chunk = 65536;
    for (let start = 0; start < n; start += chunk) {
      checkCancelled?.();
      predictProbabilities(forest, features, n, out, [start, Math.min(n, start + chunk)]);
    }
    result.probabilities = out;
  }
  return result;
}
