import { ensureWasmMemory, WASM_HEAP_BASE } from '../wasm/instantiateWasm';
import { mappedBuffer, mappedSharedBuffer } from '../memory/mappedBuffer';
import { ForestTrainingError } from './forestModel';
import { kernelUse, trainKernel } from './trainKernel';

/** Maximum number of histogram bins per feature (codes fit a byte). */
export const MAX_BINS = 256;

/**
 * Training data prepared once per training (by one worker, or split over the workers by feature, see
 * {@link binFeatures}) and shared by all trees.
 *
 * Why bins: split search never compares floats. Each feature's values are sorted once and cut into
 * quantile bins (≤ 256; one bin per distinct value when there are ≤ 256 of them), and every sample
 * keeps a one-byte bin code per feature. Trees search splits "code ≤ b" on class histograms of these
 * codes (O(node size + bins) per candidate feature, one byte read per sample). The chosen split is
 * stored with the float32 threshold midway between the node's largest raw value going left and its
 * smallest going right ({@link TrainingSet.columns}), so `value <= threshold` splits the training data
 * exactly like the codes and prediction works on raw float features. A node whose samples share a bin
 * in every feature but still differ in value and class is split on its sorted raw values, so trees
 * still grow to purity.
 */
export interface TrainingSet {
  nSamples: number;
  nFeatures: number;
  nClasses: number;
  /** Row-major nSamples×nFeatures values (the caller's array). */
  values: Float32Array;
  /** The same values feature-major, `[feature][sample]` (for thresholds and out-of-bag samples). */
  columns: Float32Array;
  /** 0-based class of each sample (label − 1). */
  classes: Uint8Array;
  /** Histogram bin of each value, `[feature][sample]`; bins are ordered like the values. */
  codes: Uint8Array;
  /** Number of bins of each feature. */
  binCounts: Uint16Array;
  /** Training samples per class. */
  classCounts: Uint32Array;
}

/**
 * Checks training data and throws {@link ForestTrainingError} with a clear message: no samples, labels
 * outside 1..nClasses, fewer than two classes present, NaN/±Inf features, or lengths that do not match.
 *
 * @param X row-major nSamples×nFeatures feature values
 * @param y label per sample, 1..nClasses
 * @returns number of samples per class (index k = class k+1)
 */
export function validateTrainingData(X: Float32Array, y: Uint8Array, nFeatures: number, nClasses: number): Uint32Array {
  if (!Number.isInteger(nFeatures) || nFeatures < 1 || nFeatures > 65535) {
    throw new ForestTrainingError(`number of features must be an integer in 1..65535, got ${nFeatures}`);
  }
  if (!Number.isInteger(nClasses) || nClasses < 2 || nClasses > 255) {
    throw new ForestTrainingError(`number of classes must be an integer in 2..255, got ${nClasses}`);
  }
  const nSamples = y.length;
  if (nSamples === 0) throw new ForestTrainingError('no training samples: label pixels of at least two classes');
  if (X.length !== nSamples * nFeatures) {
    throw new ForestTrainingError(
      `feature array has ${X.length} values but ${nSamples} labels × ${nFeatures} features = ${nSamples * nFeatures} were expected`,
    );
  }
  const counts = new Uint32Array(nClasses);
  for (let i = 0; i < nSamples; i++) {
    const label = y[i];
    if (label < 1 || label > nClasses) {
      throw new ForestTrainingError(`label ${label} of sample ${i} is outside the classes 1..${nClasses}`);
    }
    counts[label - 1]++;
  }
  let present = 0;
  for (let k = 0; k < nClasses; k++) if (counts[k] > 0) present++;
  if (present < 2) {
    const only = counts.findIndex((c) => c > 0) + 1;
    throw new ForestTrainingError(`only class ${only} has labels (${nSamples} samples); label at least two classes`);
  }
  for (let i = 0; i < X.length; i++) {
    const v = X[i];
    if (v - v !== 0) { // NaN or ±Infinity
      const sample = Math.floor(i / nFeatures);
      throw new ForestTrainingError(`feature ${i % nFeatures} of sample ${sample} is ${v}; features must be finite numbers`);
    }
  }
  return counts;
}

/** Rows per block of the row-major → feature-major transpose (a block of rows stays in L1). */
const TRANSPOSE_ROWS = 64;

/**
 * Validates the data and computes the feature-major copy and the bin codes ({@link TrainingSet}).
 * Cost: linear in the number of values (one LSD radix sort per feature); ~25 ms for 20,000 × 49.
 */
export function prepareTrainingSet(X: Float32Array, y: Uint8Array, nFeatures: number, nClasses: number): TrainingSet {
  validateTrainingData(X, y, nFeatures, nClasses);
  const n = y.length;
  const bins = allocateFeatureBins(n, nFeatures);
  binFeatures(X, n, nFeatures, [0, nFeatures], bins);
  return trainingSetFromBins(X, y, nFeatures, nClasses, bins);
}

/** Feature-major values, bin codes and bin counts of a training set (see {@link TrainingSet}). */
export interface FeatureBins {
  columns: Float32Array;
  codes: Uint8Array;
  binCounts: Uint16Array;
}

/**
 * Allocates {@link FeatureBins} for n samples × F features.
 * @param shared back the arrays by SharedArrayBuffers (so that several workers can fill and read them)
 */
export function allocateFeatureBins(n: number, F: number, shared = false): FeatureBins {
  // mapped (see mappedBuffer): allocated per training and growing with the labels
  const buffer = shared ? mappedSharedBuffer : mappedBuffer;
  return {
    columns: new Float32Array(buffer(4 * n * F), 0, n * F),
    codes: new Uint8Array(buffer(n * F), 0, n * F),
    binCounts: new Uint16Array(buffer(2 * F), 0, F),
  };
}

/**
 * The expensive part of {@link prepareTrainingSet} for the features `[f0, f1)` only: their feature-major
 * values, bin codes and bin counts, written into `bins` (other features untouched, so workers can bin
 * disjoint feature ranges of one shared {@link FeatureBins} in parallel). Does not validate `X`.
 * The transpose runs here in blocks of rows; each column is sorted and binned by the training kernel
 * (`binColumn` in extension/wasm/forestTrain.ts: an LSD radix sort, then quantile bins as described at
 * {@link TrainingSet}), ~2× faster than the same code in JavaScript.
 */
export function binFeatures(X: Float32Array, n: number, F: number, [f0, f1]: [number, number], bins: FeatureBins): void {
  const { columns, codes, binCounts } = bins;
  if (n === 0 || f1 <= f0) return;
  for (let r0 = 0; r0 < n; r0 += TRANSPOSE_ROWS) transposeRows(X, columns, n, F, f0, f1, r0, Math.min(n, r0 + TRANSPOSE_ROWS));
  const kernel = trainKernel();
  const values = WASM_HEAP_BASE;
  const out = values + 4 * n;
  const keys = (out + n + 15) & ~15;
  const order = keys + 4 * n;
  const keys2 = order + 4 * n;
  const order2 = keys2 + 4 * n;
  const count = order2 + 4 * n;
  try {
    ensureWasmMemory(kernel.memory, count + 4 * 3 * 2048);
  } catch (error) {
    throw new ForestTrainingError(`binning ${n} samples needs more kernel memory than could be allocated (${(error as Error).message})`);
  }
  kernelUse.owner = undefined; // the memory no longer holds a tree scratch's data
  const column = new Float32Array(kernel.memory.buffer, values, n);
  const columnCodes = new Uint8Array(kernel.memory.buffer, out, n);
  for (let f = f0; f < f1; f++) {
    column.set(columns.subarray(f * n, (f + 1) * n));
    binCounts[f] = kernel.binColumn(values, n, out, keys, order, keys2, order2, count);
    codes.set(columnCodes, f * n);
  }
}

/**
 * A {@link TrainingSet} from binned features (all of them filled by {@link binFeatures}). Checks the
 * labels (cheap); the feature values are trusted to have been validated when they were binned.
 */
export function trainingSetFromBins(X: Float32Array, y: Uint8Array, nFeatures: number, nClasses: number, bins: FeatureBins): TrainingSet {
  const n = y.length;
  if (bins.columns.length !== n * nFeatures || bins.codes.length !== n * nFeatures || bins.binCounts.length !== nFeatures) {
    throw new ForestTrainingError(`binned features do not match ${n} samples × ${nFeatures} features`);
  }
  const classes = new Uint8Array(n);
  const classCounts = new Uint32Array(nClasses);
  for (let i = 0; i < n; i++) {
    const label = y[i];
    if (label < 1 || label > nClasses) throw new ForestTrainingError(`label ${label} of sample ${i} is outside the classes 1..${nClasses}`);
    classes[i] = label - 1;
    classCounts[label - 1]++;
  }
  return { nSamples: n, nFeatures, nClasses, values: X, ...bins, classes, classCounts };
}

/** Copies features `[f0, f1)` of rows `[r0, r1)` of row-major `X` into feature-major `columns` (a block of rows stays in L1). */
function transposeRows(X: Float32Array, columns: Float32Array, n: number, F: number, f0: number, f1: number, r0: number, r1: number): void {
  for (let f = f0; f < f1; f++) {
    const base = f * n;
    for (let r = r0; r < r1; r++) columns[base + r] = X[r * F + f];
  }
}
