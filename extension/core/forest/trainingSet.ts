import { ForestTrainingError } from './forestModel';

/** Maximum number of histogram bins per feature (codes fit a byte). */
export const MAX_BINS = 256;

/**
 * Training data prepared once per worker and shared by all its trees.
 *
 * Why ranks and bins: split search never compares floats. Each feature value is replaced by its dense
 * rank among the feature's distinct training values, and each rank by a quantile bin (≤ 256 bins; one
 * bin per distinct value when there are ≤ 256 of them). Large nodes search splits on bin histograms
 * (O(node size + bins) per candidate feature), small nodes sort ranks exactly. Either way a split is
 * "rank ≤ r", turned into the float32 threshold midway between the node's largest value going left
 * and its smallest value going right, so the split of the training data is exact.
 */
export interface TrainingSet {
  nSamples: number;
  nFeatures: number;
  nClasses: number;
  /** Row-major nSamples×nFeatures values (the caller's array, used for out-of-bag prediction). */
  values: Float32Array;
  /** 0-based class of each sample (label − 1). */
  classes: Uint8Array;
  /** Dense rank of each value among the distinct values of its feature, `[feature][sample]`. */
  ranks: Uint32Array;
  /** Histogram bin of each value, `[feature][sample]`. */
  codes: Uint8Array;
  /** Number of bins of each feature. */
  binCounts: Uint16Array;
  /** Largest rank in each bin, `[feature][bin]` (stride {@link MAX_BINS}). */
  binMaxRank: Uint32Array;
  /** Sorted distinct values of each feature. */
  distinct: Float32Array[];
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

/**
 * Validates the data and computes ranks and histogram bins ({@link TrainingSet}).
 * Cost: linear in the number of values (radix sort per feature).
 */
export function prepareTrainingSet(X: Float32Array, y: Uint8Array, nFeatures: number, nClasses: number): TrainingSet {
  const classCounts = validateTrainingData(X, y, nFeatures, nClasses);
  const n = y.length;
  const classes = new Uint8Array(n);
  for (let i = 0; i < n; i++) classes[i] = y[i] - 1;
  const ranks = new Uint32Array(n * nFeatures);
  const codes = new Uint8Array(n * nFeatures);
  const binCounts = new Uint16Array(nFeatures);
  const binMaxRank = new Uint32Array(nFeatures * MAX_BINS);
  const distinct: Float32Array[] = [];
  // Per feature: LSD radix sort of (order-preserving uint32 key, sample) pairs, 3 passes of 11 bits,
  // then one pass assigning dense ranks. Linear time; a comparison sort plus binary searches was ~10×
  // slower and this runs once per worker per training.
  const bitsView = new Float32Array(1);
  const bitsInt = new Uint32Array(bitsView.buffer);
  let keys = new Uint32Array(n);
  let order = new Uint32Array(n);
  let keys2 = new Uint32Array(n);
  let order2 = new Uint32Array(n);
  const radixCount = new Uint32Array(2048);
  const sampleCount = new Uint32Array(n);
  const values = new Float32Array(n);
  for (let f = 0; f < nFeatures; f++) {
    for (let i = 0; i < n; i++) {
      const v = X[i * nFeatures + f];
      bitsView[0] = v === 0 ? 0 : v; // −0 and +0 are equal: one key
      const b = bitsInt[0];
      keys[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
      order[i] = i;
    }
    for (let shift = 0; shift < 33; shift += 11) {
      radixCount.fill(0);
      for (let i = 0; i < n; i++) radixCount[(keys[i] >>> shift) & 2047]++;
      let sum = 0;
      for (let b = 0; b < 2048; b++) { const c = radixCount[b]; radixCount[b] = sum; sum += c; }
      for (let i = 0; i < n; i++) {
        const at = radixCount[(keys[i] >>> shift) & 2047]++;
        keys2[at] = keys[i]; order2[at] = order[i];
      }
      let t = keys; keys = keys2; keys2 = t;
      t = order; order = order2; order2 = t;
    }
    const rankOffset = f * n;
    let u = 0;
    for (let i = 0; i < n; i++) {
      const sample = order[i];
      if (u === 0 || keys[i] !== keys[i - 1]) {
        values[u] = X[sample * nFeatures + f];
        sampleCount[u] = 1;
        u++;
      } else sampleCount[u - 1]++;
      ranks[rankOffset + sample] = u - 1;
    }
    distinct.push(values.slice(0, u));
    // quantile bins: close a bin once it holds ≥ n/MAX_BINS samples; one bin per value when u ≤ MAX_BINS
    const binOfRank = new Uint8Array(u);
    let bins: number;
    if (u <= MAX_BINS) {
      for (let r = 0; r < u; r++) { binOfRank[r] = r; binMaxRank[f * MAX_BINS + r] = r; }
      bins = u;
    } else {
      const target = n / MAX_BINS;
      let bin = 0;
      let inBin = 0;
      for (let r = 0; r < u; r++) {
        binOfRank[r] = bin;
        inBin += sampleCount[r];
        binMaxRank[f * MAX_BINS + bin] = r;
        // the last bin (MAX_BINS − 1) takes whatever remains
        if (inBin >= target && bin < MAX_BINS - 1 && r < u - 1) { bin++; inBin = 0; }
      }
      bins = bin + 1;
    }
    binCounts[f] = bins;
    for (let i = 0; i < n; i++) codes[rankOffset + i] = binOfRank[ranks[rankOffset + i]];
  }
  return { nSamples: n, nFeatures, nClasses, values: X, classes, ranks, codes, binCounts, binMaxRank, distinct, classCounts };
}
