/**
 * Trees grown from a subsample (issue #18, many labels): the rule of treeSampleCount, the subsample bootstrap's
 * exact counts, forests unchanged up to the rule's threshold, determinism over tree ranges, and the OOB estimate.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_SAMPLES_PER_TREE_UP_TO, mergeForests, serializeForest, treeSampleCount, TreeRandom,
} from '../../extension/core/forest/index';
import { createTreeScratch, growTree } from '../../extension/core/forest/growTree';
import { resolveForestSettings, trainForest } from '../../extension/core/forest/trainForest';
import { prepareTrainingSet } from '../../extension/core/forest/trainingSet';

function twoBlobs(n: number, F: number, seed: number): { X: Float32Array; y: Uint8Array } {
  const rng = new TreeRandom(seed, 9);
  const X = new Float32Array(n * F);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = 1 + (i % 2);
    for (let f = 0; f < F; f++) X[i * F + f] = rng.nextUint32() / 4294967296 + (f < 2 ? 0.6 * y[i] : 0);
  }
  return { X, y };
}

describe('treeSampleCount', () => {
  it('keeps every sample up to the threshold, then the threshold', () => {
    expect(ALL_SAMPLES_PER_TREE_UP_TO).toBe(25_000);
    expect(treeSampleCount(1, 0)).toBe(1);
    expect(treeSampleCount(20_000, 0)).toBe(20_000);
    expect(treeSampleCount(25_000, 0)).toBe(25_000);
    expect(treeSampleCount(25_001, 0)).toBe(25_000);
    expect(treeSampleCount(500_000, 0)).toBe(25_000);
  });

  it('takes an explicit count when given, never more than n', () => {
    expect(treeSampleCount(1000, 300)).toBe(300);
    expect(treeSampleCount(100, 300)).toBe(100);
  });

  it('rejects a negative or fractional setting', () => {
    expect(() => resolveForestSettings(3, { nClasses: 2, samplesPerTree: -1 })).toThrow(/samples per tree/);
    expect(() => resolveForestSettings(3, { nClasses: 2, samplesPerTree: 1.5 })).toThrow(/samples per tree/);
    expect(resolveForestSettings(3, { nClasses: 2 }).samplesPerTree).toBe(0);
  });
});

describe('trees grown from a subsample', () => {
  it('draws exactly m times among m distinct samples; the rest are neither in the bag nor out of it', () => {
    const n = 40;
    const m = 10;
    const { X, y } = twoBlobs(n, 3, 1);
    const set = prepareTrainingSet(X, y, 3, 2);
    const settings = resolveForestSettings(3, { nClasses: 2, nTrees: 3, seed: 4, samplesPerTree: m });
    expect(() => growTree(set, settings, 0, createTreeScratch(set, m - 1))).toThrow(/does not fit/);
    const scratch = createTreeScratch(set, m);
    for (let t = 0; t < 3; t++) {
      const votes = new Float64Array(n * 2);
      growTree(set, settings, t, scratch, undefined, votes);
      const weight = Array.from(scratch.weight);
      const inBag = weight.filter((w) => w > 0).length;
      expect(weight.every((w) => w >= 0)).toBe(true);
      expect(weight.reduce((a, b) => a + b, 0)).toBe(m);
      // out-of-bag samples got votes; at most m − inBag of them, none of them in the bag
      const voted = [...Array(n).keys()].filter((i) => votes[2 * i] + votes[2 * i + 1] > 0);
      expect(voted.length).toBeLessThanOrEqual(m - inBag);
      expect(voted.length).toBeGreaterThan(0);
      for (const i of voted) expect(weight[i]).toBe(0);
      // the root's class counts are the m draws
      expect(inBag).toBeGreaterThan(0);
      expect(inBag).toBeLessThanOrEqual(m);
    }
  });

  it('leaves forests with samplesPerTree ≥ n byte for byte as the plain bootstrap grows them', () => {
    const { X, y } = twoBlobs(600, 4, 2);
    const plain = serializeForest(trainForest(X, y, 4, { nClasses: 2, nTrees: 5, seed: 3 }));
    const explicit = serializeForest(trainForest(X, y, 4, { nClasses: 2, nTrees: 5, seed: 3, samplesPerTree: 600 }));
    const larger = serializeForest(trainForest(X, y, 4, { nClasses: 2, nTrees: 5, seed: 3, samplesPerTree: 10_000 }));
    expect(Buffer.from(explicit).equals(Buffer.from(plain))).toBe(true);
    expect(Buffer.from(larger).equals(Buffer.from(plain))).toBe(true);
  });

  it('is deterministic: the same bytes twice, and tree ranges merged equal one call', () => {
    const { X, y } = twoBlobs(800, 4, 3);
    const options = { nClasses: 2, nTrees: 6, seed: 7, samplesPerTree: 200 };
    const a = trainForest(X, y, 4, options);
    const b = trainForest(X, y, 4, options);
    expect(Buffer.from(serializeForest(b)).equals(Buffer.from(serializeForest(a)))).toBe(true);
    const parts = [trainForest(X, y, 4, { ...options, treeRange: [3, 6] }), trainForest(X, y, 4, { ...options, treeRange: [0, 3] })];
    const merged = mergeForests(parts, y);
    expect(Buffer.from(serializeForest(merged)).equals(Buffer.from(serializeForest(a)))).toBe(true);
    expect(merged.oobError).toBe(a.oobError);
  });

  it('gives smaller trees and still separates separable classes (OOB error, training accuracy)', () => {
    const { X, y } = twoBlobs(2000, 4, 4);
    const all = trainForest(X, y, 4, { nClasses: 2, nTrees: 20, seed: 1 });
    const sub = trainForest(X, y, 4, { nClasses: 2, nTrees: 20, seed: 1, samplesPerTree: 400 });
    const nodes = (f: typeof all) => f.trees.reduce((s, t) => s + t.nodeCount, 0);
    expect(nodes(sub)).toBeLessThan(nodes(all));
    expect(sub.oobSampleCount).toBeGreaterThan(1000); // ~20 trees × 0.2 × 0.37 OOB chances per sample
    expect(sub.oobError).toBeLessThan(0.1);
    expect(Math.abs(sub.oobError - all.oobError)).toBeLessThan(0.05);
  });
});
