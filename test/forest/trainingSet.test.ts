/** Binning of training features (trainingSet.ts): order-preserving quantile codes, split binning. */
import { describe, expect, it } from 'vitest';
import { TreeRandom } from '../../extension/core/forest/index';
import {
  allocateFeatureBins, binFeatures, MAX_BINS, prepareTrainingSet, trainingSetFromBins,
} from '../../extension/core/forest/trainingSet';

function data(n: number, F: number): { X: Float32Array; y: Uint8Array } {
  const rng = new TreeRandom(21, 2);
  const X = new Float32Array(n * F);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = 1 + (i % 3);
    X[i * F] = rng.below(5) - 2; // few distinct values, including 0
    X[i * F + 1] = (rng.nextUint32() / 4294967296 - 0.5) * 1e6; // continuous, both signs
    X[i * F + 2] = i % 2 === 0 ? 0 : -0;
    for (let f = 3; f < F; f++) X[i * F + f] = Math.fround(Math.sin(i * (f + 1)));
  }
  return { X, y };
}

describe('training set binning', () => {
  const n = 5000;
  const F = 6;
  const { X, y } = data(n, F);
  const set = prepareTrainingSet(X, y, F, 3);

  it('codes preserve the order of values, equal values share a code, at most MAX_BINS bins', () => {
    for (let f = 0; f < F; f++) {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => X[a * F + f] - X[b * F + f]);
      const codes = set.codes.subarray(f * n, (f + 1) * n);
      let top = 0;
      for (let j = 1; j < n; j++) {
        const a = order[j - 1];
        const b = order[j];
        if (X[a * F + f] === X[b * F + f]) expect(codes[b]).toBe(codes[a]);
        else expect(codes[b]).toBeGreaterThanOrEqual(codes[a]);
        top = Math.max(top, codes[b]);
      }
      expect(set.binCounts[f]).toBe(top + 1);
      expect(set.binCounts[f]).toBeLessThanOrEqual(MAX_BINS);
    }
    // 5 values: one bin each; continuous: bins of ⌈n/MAX_BINS⌉ = 20 samples; −0 = +0: one bin
    expect(Array.from(set.binCounts.subarray(0, 3))).toEqual([5, Math.ceil(n / Math.ceil(n / MAX_BINS)), 1]);
    expect(set.columns[n + 17]).toBe(X[17 * F + 1]); // feature-major copy
  });

  it('quantile bins of distinct values hold ⌈n / MAX_BINS⌉ samples each (the last one the rest)', () => {
    const sizes = new Uint32Array(MAX_BINS);
    for (let i = 0; i < n; i++) sizes[set.codes[n + i]]++;
    const bins = set.binCounts[1];
    for (let b = 0; b < bins - 1; b++) expect(sizes[b]).toBe(Math.ceil(n / MAX_BINS));
    expect(sizes[bins - 1]).toBeGreaterThan(0);
    expect(sizes[bins - 1]).toBeLessThanOrEqual(Math.ceil(n / MAX_BINS));
  });

  it('binning disjoint feature ranges into shared bins gives the same training set', () => {
    const bins = allocateFeatureBins(n, F, true);
    expect(bins.codes.buffer).toBeInstanceOf(SharedArrayBuffer);
    binFeatures(X, n, F, [2, F], bins);
    binFeatures(X, n, F, [0, 2], bins);
    const split = trainingSetFromBins(X, y, F, 3, bins);
    expect(Buffer.from(split.codes).equals(Buffer.from(set.codes))).toBe(true);
    expect(Array.from(split.binCounts)).toEqual(Array.from(set.binCounts));
    expect(Array.from(split.columns)).toEqual(Array.from(set.columns));
    expect(Array.from(split.classCounts)).toEqual(Array.from(set.classCounts));
    expect(() => trainingSetFromBins(X, y.subarray(1), F, 3, bins)).toThrow(/do not match/);
  });
});
