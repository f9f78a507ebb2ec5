/**
 * Random forest training and prediction spread over the {@link WorkerPool} (issue #4).
 *
 * Training: the features are first binned once, split over the workers, into shared memory (`forest/bin`);
 * then the tree indices are split into one contiguous range per worker; every tree depends only on
 * `(seed, index)`, so the merged forest is byte-identical to a single-threaded `trainForest` whatever
 * the pool size. Prediction: pixels are split into blocks, each predicted by a worker; with
 * SharedArrayBuffer-backed features and output nothing is copied, otherwise each block's features are
 * copied into a transferred buffer and its result copied back.
 */
import { hasRealSharedArrayBuffer } from '../core/memory/realSharedMemory';
import {
  type Forest, type ForestOptions, mergeForests, resolveForestSettings, serializeForest, TreeRandom,
  validateTrainingData,
} from '../core/forest/index';
import { allocateFeatureBins, type FeatureBins } from '../core/forest/trainingSet';
import { mappedSharedBuffer } from '../core/memory/mappedBuffer';
import type { ForestBinPayload, ForestPredictPayload, ForestTrainPayload, ForestTrainResult } from './jobs/forestJobs';
import type { WorkerPool } from './workerPool';

/** Options of {@link trainForestParallel}. */
export interface ParallelTrainOptions extends Omit<ForestOptions, 'treeRange'> {
  /** Number of jobs to split the trees into. @default pool.size */
  parts?: number;
  signal?: AbortSignal;
}

/** Options of {@link predictProbabilitiesParallel}. */
export interface ParallelPredictOptions {
  /** Class-major output `[class][pixel]`; allocated (SharedArrayBuffer-backed) when absent. */
  out?: Float32Array;
  /** Pixels per job. @default max(16384, ceil(nPixels / (4·pool.size))) */
  blockPixels?: number;
  signal?: AbortSignal;
  /** Job priority in the pool (e.g. higher for the visible tile). @default 0 */
  priority?: number;
}

/**
 * Copies an array into a SharedArrayBuffer unless it already lives in one (so all workers share it);
 * mapped when large (see mappedBuffer), as these copies are made per training or per model. Without real shared
 * memory (a browser page that is not cross-origin isolated) the array is returned as it is: every job would get a
 * copy of the "shared" buffer anyway, plus a snapshot to find what it changed.
 */
export function toShared<T extends Float32Array | Uint8Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer || !hasRealSharedArrayBuffer()) return array;
  const Ctor = array.constructor as { new (buffer: SharedArrayBuffer, offset: number, length: number): T };
  const shared = new Ctor(mappedSharedBuffer(array.byteLength), 0, array.length);
  shared.set(array as never);
  return shared;
}

/**
 * Trains a forest on the pool (see module docs); same arguments and result as `trainForest`.
 * Bad data is rejected on the host before any job starts (ForestTrainingError).
 *
 * @example
 * const forest = await trainForestParallel(pool, X, y, 49, { nClasses: 2, nTrees: 100, seed: 0 });
 */
export async function trainForestParallel(
  pool: WorkerPool, X: Float32Array, y: Uint8Array, nFeatures: number, opts: ParallelTrainOptions,
): Promise<Forest> {
  // A user's training goes before the warm-up: it would hold both workers while the first strokes wait.
  if (opts.signal !== warmUp?.signal) warmUp?.abort();
  const settings = resolveForestSettings(nFeatures, opts);
  validateTrainingData(X, y, nFeatures, opts.nClasses);
  const parts = Math.max(1, Math.min(settings.nTrees, Math.floor(opts.parts ?? pool.size)));
  const sharedX = toShared(X);
  const sharedY = toShared(y);
  const { signal, parts: _parts, ...forestOptions } = opts;
  // Binning (sorting every feature) takes as long as ~15 trees: do it once, split over the workers,
  // instead of once per training job.
  let bins: FeatureBins | undefined;
  const binners = Math.min(pool.size, parts, nFeatures);
  if (binners > 1) {
    bins = allocateFeatureBins(y.length, nFeatures, true);
    const binJobs: Promise<unknown>[] = [];
    for (let p = 0; p < binners; p++) {
      const range: [number, number] = [Math.floor((p * nFeatures) / binners), Math.floor(((p + 1) * nFeatures) / binners)];
      const payload: ForestBinPayload = { X: sharedX, nSamples: y.length, nFeatures, range, bins };
      binJobs.push(pool.run('forest/bin', payload, [], signal));
    }
    await Promise.all(binJobs);
  }
  const jobs: Promise<ForestTrainResult>[] = [];
  for (let p = 0; p < parts; p++) {
    const treeRange: [number, number] = [Math.floor((p * settings.nTrees) / parts), Math.floor(((p + 1) * settings.nTrees) / parts)];
    const payload: ForestTrainPayload = { X: sharedX, y: sharedY, nFeatures, options: { ...forestOptions, treeRange }, bins };
    jobs.push(pool.run('forest/train', payload, [], signal));
  }
  const results = await Promise.all(jobs);
  const merged = mergeForests(results.map((r) => r.forest), y);
  merged.oobVotes = undefined;
  return merged;
}

/**
 * Trains a small synthetic forest (4,000 samples × 16 features, 16 trees) spread over all workers of the
 * pool and discards it, so that the first real training does not also pay for worker start-up,
 * WebAssembly compilation and JIT warm-up of the training code. Measured on the 20k × 49 bench data
 * with 2 fresh workers (load 4–6): the first training took 2.5–4× the steady-state time, 1.5–1.9×
 * after this warm-up. Call it once, in the background, when a pool is created for interactive use;
 * it never changes later results (trees depend only on their data, settings and index).
 */
export async function warmUpForestTraining(pool: WorkerPool, signal?: AbortSignal): Promise<void> {
  if (interactive.has(pool)) return;
  const own = new AbortController();
  warmUp = own;
  const stop = () => own.abort();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await warmUpTraining(pool, own.signal);
  } finally {
    signal?.removeEventListener('abort', stop);
    if (warmUp === own) warmUp = undefined;
  }
}

/** The running warm-up, which any other training cancels. */
let warmUp: AbortController | undefined;

/** Pools that have run interactive work: their workers are warm, and a warm-up would only hold them. */
const interactive = new WeakSet<WorkerPool>();

/**
 * Interactive work (a tile's features or predictions for the editor) is about to run on `pool`: cancels the warm-up
 * training if it runs and skips it if it has not started. The warm-up starts a few seconds after the pool; when the
 * user has begun by then, its two jobs would hold both workers while the editor's tiles wait, and the user's own work
 * has warmed the workers anyway.
 */
export function interactiveWorkStarts(pool: WorkerPool): void {
  interactive.add(pool);
  warmUp?.abort();
}

async function warmUpTraining(pool: WorkerPool, signal: AbortSignal): Promise<void> {
  const n = 4000;
  const F = 16;
  const rng = new TreeRandom(0x5eed, 0);
  const X = new Float32Array(n * F);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = 1 + (i % 2);
    for (let f = 0; f < F; f++) X[i * F + f] = rng.nextUint32() / 4294967296 + (f < 3 ? 0.2 * y[i] : 0);
  }
  await trainForestParallel(pool, X, y, F, { nClasses: 2, nTrees: 16, signal });
}

/** Serialized bytes of each forest (in a SharedArrayBuffer where memory is shared), with a process-unique key for worker caches. */
const sharedModels = new WeakMap<Forest, { key: string; bytes: Uint8Array }>();
/** Tells this process's model keys from another's (the pid on Node; a random tag where there is no process). */
const PROCESS_TAG = typeof process !== 'undefined' && typeof process.pid === 'number' ? String(process.pid) : Math.random().toString(36).slice(2, 10);
let modelCounter = 0;

/**
 * The bytes of `forest` for worker jobs (serialized once per forest, shared between workers where memory is shared)
 * and the key under which workers cache the parsed model.
 */
export function sharedModel(forest: Forest): { key: string; bytes: Uint8Array } {
  let entry = sharedModels.get(forest);
  if (!entry) {
    entry = { key: `forest-${PROCESS_TAG}-${++modelCounter}`, bytes: toShared(serializeForest(forest)) };
    sharedModels.set(forest, entry);
  }
  return entry;
}

/**
 * Per-class probabilities on the pool; same layout and values as `predictProbabilities`
 * (features channel-major `[feature][pixel]`, output class-major `[class][pixel]`).
 * Note: a forest must not be mutated after its first parallel prediction (its bytes are cached).
 */
export async function predictProbabilitiesParallel(
  pool: WorkerPool, forest: Forest, features: Float32Array, nPixels: number, options: ParallelPredictOptions = {},
): Promise<Float32Array> {
  const F = forest.nFeatures;
  const K = forest.nClasses;
  if (features.length !== F * nPixels) {
    throw new RangeError(`feature array has ${features.length} values, expected ${F} features × ${nPixels} pixels = ${F * nPixels}`);
  }
  const out = options.out ?? new Float32Array(new SharedArrayBuffer(4 * K * nPixels));
  if (out.length !== K * nPixels) throw new RangeError(`output has ${out.length} values, expected ${K} × ${nPixels}`);
  const { key, bytes } = sharedModel(forest);
  const block = Math.max(1, Math.floor(options.blockPixels ?? Math.max(16384, Math.ceil(nPixels / (4 * pool.size)))));
  const shared = features.buffer instanceof SharedArrayBuffer && out.buffer instanceof SharedArrayBuffer;
  const jobs: Promise<unknown>[] = [];
  for (let start = 0; start < nPixels; start += block) {
    const end = Math.min(nPixels, start + block);
    if (shared) {
      const payload: ForestPredictPayload = { modelKey: key, model: bytes, features, nPixels, range: [start, end], out };
      jobs.push(pool.run('forest/predict', payload, [], options.signal, options.priority ?? 0));
    } else {
      const n = end - start;
      const blockFeatures = new Float32Array(F * n);
      for (let f = 0; f < F; f++) blockFeatures.set(features.subarray(f * nPixels + start, f * nPixels + end), f * n);
      const payload: ForestPredictPayload = { modelKey: key, model: bytes, features: blockFeatures, nPixels: n, range: [0, n] };
      jobs.push(pool.run('forest/predict', payload, [blockFeatures.buffer], options.signal, options.priority ?? 0)
        .then(({ out: blockOut }) => {
          if (!blockOut) throw new Error('forest/predict returned no output for a private block');
          for (let k = 0; k < K; k++) out.set(blockOut.subarray(k * n, (k + 1) * n), k * nPixels + start);
        }));
    }
  }
  await Promise.all(jobs);
  return out;
}
