/**
 * Random forest jobs run by compute workers (issue #4). Used through extension/workers/parallelForest.ts.
 *
 * - `forest/bin`: bins the features `range` of a training set into shared {@link FeatureBins} (several
 *   workers bin disjoint feature ranges of one training set in parallel before training).
 * - `forest/train`: trains the trees `options.treeRange` of a forest (on the shared bins when given,
 *   else binning all features itself); returns the part with its fixed-point out-of-bag votes (shared
 *   memory) and its trees' typed arrays transferred (no serialization), merged on the host by `mergeForests`.
 * - A worker keeps its training kernel (whose memory grows with the largest training set) while trainings
 *   keep coming, as they do while a user paints, and releases it after {@link TRAINING_MEMORY_IDLE_MS}
 *   without one, and starts a garbage collection so that the memory is unmapped while the editor is idle
 *   (issue #7's soak).
 * - `forest/predict`: predicts a pixel range with a forest given as serialized bytes (normally in a
 *   SharedArrayBuffer, so every job sees the same bytes without copying); the deserialized forest is
 *   cached per `modelKey`, so a worker parses a model once, not once per block.
 */
import {
  type Forest, type ForestOptions, deserializeForest, predictProbabilities, prepareTrainingSet, resolveForestSettings,
  trainForestOnSet,
} from '../../core/forest/index';
import { binFeatures, type FeatureBins, trainingSetFromBins } from '../../core/forest/trainingSet';
import { releaseTrainKernel } from '../../core/forest/trainKernel';
import { collectGarbage } from '../collectGarbage';
import type { JobContext, JobOutputOf } from '../workerProtocol';

/** How long a worker keeps its training kernel after its last `forest/bin` or `forest/train` job. */
export const TRAINING_MEMORY_IDLE_MS = 1500;
let releaseTimer: ReturnType<typeof setTimeout> | undefined;

/** (Re)starts the countdown to releasing this worker's training kernel. */
function trainingMemoryUsed(): void {
  if (releaseTimer !== undefined) clearTimeout(releaseTimer);
  releaseTimer = setTimeout(() => {
    releaseTimer = undefined;
    releaseTrainKernel();
    collectGarbage(); // unmap it now: an idle worker would otherwise keep it until its next job
  }, TRAINING_MEMORY_IDLE_MS);
  releaseTimer.unref?.(); // never keeps a worker (or a CLI run training in-process) alive
}

/** Payload of `forest/train`. */
export interface ForestTrainPayload {
  /** Row-major nSamples×nFeatures (SharedArrayBuffer-backed or transferred). */
  X: Float32Array;
  /** Labels 1..K. */
  y: Uint8Array;
  nFeatures: number;
  /** Options including the `treeRange` this job trains. */
  options: ForestOptions;
  /** All features already binned (SharedArrayBuffer-backed, by `forest/bin` jobs); absent: bin here. */
  bins?: FeatureBins;
}

/** Payload of `forest/bin`. */
export interface ForestBinPayload {
  /** Row-major nSamples×nFeatures (SharedArrayBuffer-backed), already validated. */
  X: Float32Array;
  nSamples: number;
  nFeatures: number;
  /** Features [first, end) to bin. */
  range: [number, number];
  /** SharedArrayBuffer-backed output, written for the features of `range` only. */
  bins: FeatureBins;
}

/** Result of `forest/train`. */
export interface ForestTrainResult {
  /** The trained part, with its out-of-bag votes (see Forest.oobVotes); its arrays are transferred. */
  forest: Forest;
}

/** Payload of `forest/predict`. */
export interface ForestPredictPayload {
  /** Identifies the model for the worker-side cache (unique per forest in the host process). */
  modelKey: string;
  /** serializeForest() bytes (SharedArrayBuffer-backed: not copied per job). */
  model: Uint8Array;
  /** Channel-major [feature][pixel] features, `nFeatures × nPixels`. */
  features: Float32Array;
  nPixels: number;
  /** Pixel range [start, end) to compute. */
  range: [number, number];
  /**
   * Class-major output `nClasses × nPixels` in a SharedArrayBuffer, written in place; when absent the
   * job returns a new transferred array holding the whole `nClasses × nPixels` output.
   */
  out?: Float32Array;
}

/** Result of `forest/predict`: the output when the job allocated it (transferred), else nothing (written in place). */
export interface ForestPredictResult {
  out?: Float32Array;
}

/** Pixels predicted between two cancellation checks. */
const PREDICT_CHUNK = 32768;
/** Models kept parsed per worker (the current one and the previous, e.g. while retraining). */
const MODEL_CACHE_SIZE = 2;
const modelCache = new Map<string, Forest>();

function cachedModel(key: string, bytes: Uint8Array): Forest {
  let forest = modelCache.get(key);
  if (forest) {
    modelCache.delete(key); // re-insert as most recent
  } else {
    forest = deserializeForest(bytes);
    while (modelCache.size >= MODEL_CACHE_SIZE) modelCache.delete(modelCache.keys().next().value!);
  }
  modelCache.set(key, forest);
  return forest;
}

function train(payload: ForestTrainPayload, context: JobContext): JobOutputOf<ForestTrainResult> {
  try {
    return trainPart(payload, context);
  } finally {
    trainingMemoryUsed();
  }
}

function trainPart(payload: ForestTrainPayload, context: JobContext): JobOutputOf<ForestTrainResult> {
  const { X, y, nFeatures, options } = payload;
  const settings = resolveForestSettings(nFeatures, options);
  context.throwIfCancelled();
  const set = payload.bins
    ? trainingSetFromBins(X, y, nFeatures, options.nClasses, payload.bins)
    : prepareTrainingSet(X, y, nFeatures, options.nClasses);
  const part = trainForestOnSet(set, settings, options.treeRange ?? [0, settings.nTrees],
    () => context.throwIfCancelled(), () => context.throwIfCancelled());
  // every tree owns its arrays (makeTree of slices): moving them is cheaper than serializing the part
  // (the OOB votes are in shared memory, see trainForestOnSet: they reach the host without a transfer)
  const transfer: ArrayBuffer[] = [];
  for (const tree of part.trees) {
    transfer.push(tree.nodes.buffer as ArrayBuffer, tree.leafValues.buffer as ArrayBuffer, tree.importance.buffer as ArrayBuffer);
  }
  const result: ForestTrainResult = { forest: part };
  return { result, transfer };
}

function bin(payload: ForestBinPayload, context: JobContext): JobOutputOf<Record<string, never>> {
  context.throwIfCancelled();
  try {
    binFeatures(payload.X, payload.nSamples, payload.nFeatures, payload.range, payload.bins);
  } finally {
    trainingMemoryUsed();
  }
  return { result: {} };
}

function predict(payload: ForestPredictPayload, context: JobContext): JobOutputOf<ForestPredictResult> {
  const { modelKey, model, features, nPixels, range } = payload;
  const forest = cachedModel(modelKey, model);
  const out = payload.out ?? new Float32Array(forest.nClasses * nPixels);
  for (let start = range[0]; start < range[1]; start += PREDICT_CHUNK) {
    context.throwIfCancelled();
    predictProbabilities(forest, features, nPixels, out, [start, Math.min(range[1], start + PREDICT_CHUNK)]);
  }
  if (payload.out) return { result: {} };
  return { result: { out }, transfer: [out.buffer as ArrayBuffer] };
}

/** Forest job handlers by type. */
export const FOREST_JOBS = {
  'forest/bin': bin,
  'forest/train': train,
  'forest/predict': predict,
};
