import { describe, expect, it } from 'vitest';
import {
  featureImportances, forestSummary, ForestTrainingError, mergeForests, predictProbabilities,
  serializeForest, trainForest, TreeRandom,
} from '../../extension/core/forest/index';

/** Deterministic test data: class depends on feature 0 (> 0.5 → class 2); feature 1 is noise. */
function stripes(n: number, seed = 1): { X: Float32Array; y: Uint8Array } {
  const rng = new TreeRandom(seed, 99);
  const X = new Float32Array(n * 2);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    X[2 * i] = rng.nextUint32() / 4294967296;
    X[2 * i + 1] = rng.nextUint32() / 4294967296;
    y[i] = X[2 * i] > 0.5 ? 2 : 1;
  }
  return { X, y };
}

/** Channel-major copy of row-major samples, as predictProbabilities expects. */
function channelMajor(X: Float32Array, nFeatures: number): Float32Array {
  const n = X.length / nFeatures;
  const out = new Float32Array(X.length);
  for (let i = 0; i < n; i++) for (let f = 0; f < nFeatures; f++) out[f * n + i] = X[i * nFeatures + f];
  return out;
}

describe('TreeRandom', () => {
  it('is a pure function of (seed, stream)', () => {
    const a = new TreeRandom(0, 5);
    const b = new TreeRandom(0, 5);
    const c = new TreeRandom(0, 6);
    const sa = [a.nextUint32(), a.nextUint32(), a.nextUint32()];
    expect([b.nextUint32(), b.nextUint32(), b.nextUint32()]).toEqual(sa);
    expect([c.nextUint32(), c.nextUint32(), c.nextUint32()]).not.toEqual(sa);
  });
  it('writeState/readState continue the same stream', () => {
    const a = new TreeRandom(3, 9);
    const b = new TreeRandom(3, 9);
    a.nextUint32();
    const state = new Uint32Array(4);
    a.writeState(state);
    b.readState(state);
    expect([b.nextUint32(), b.below(1000), b.nextUint32()]).toEqual([a.nextUint32(), a.below(1000), a.nextUint32()]);
  });
  it('below(n) stays in [0, n) and covers it', () => {
    const r = new TreeRandom(7, 0);
    const seen = new Uint32Array(5);
    for (let i = 0; i < 5000; i++) { const v = r.below(5); expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThan(5); seen[v]++; }
    for (const count of seen) expect(count).toBeGreaterThan(850); // ≈1000 each
  });
});

describe('trainForest', () => {
  it('splits a 1-D problem exactly between the two closest opposite samples', () => {
    const X = new Float32Array([0, 1, 2, 10, 11, 12]);
    const y = new Uint8Array([1, 1, 1, 2, 2, 2]);
    const forest = trainForest(X, y, 1, { nClasses: 2, nTrees: 20 });
    for (const tree of forest.trees) {
      if (tree.nodeCount === 1) continue; // bootstrap drew one class only
      expect(tree.nodes[1]).toBe(0);
      const t = tree.thresholds[2];
      expect(t).toBeGreaterThanOrEqual(2);
      expect(t).toBeLessThan(10);
    }
    const probs = predictProbabilities(forest, new Float32Array([-5, 1.5, 10.5, 50]), 4);
    // class-major output: [class 1 of 4 pixels][class 2 of 4 pixels]
    expect(Array.from(probs.subarray(0, 4)).map((v) => v > 0.5)).toEqual([true, true, false, false]);
    for (let p = 0; p < 4; p++) expect(probs[p] + probs[4 + p]).toBeCloseTo(1, 6);
  });

  it('learns a separable problem and reports a small OOB error', () => {
    const { X, y } = stripes(400);
    const forest = trainForest(X, y, 2, { nClasses: 2, nTrees: 30, seed: 3 });
    expect(forest.trees).toHaveLength(30);
    expect(forest.oobError).toBeLessThan(0.05);
    expect(forest.oobSampleCount).toBeGreaterThan(390);
    const probs = predictProbabilities(forest, channelMajor(X, 2), 400);
    let correct = 0;
    for (let i = 0; i < 400; i++) if ((probs[400 + i] > 0.5 ? 2 : 1) === y[i]) correct++;
    expect(correct).toBe(400); // fully grown trees reproduce their training data
    const importance = featureImportances(forest);
    expect(importance[0]).toBeGreaterThan(0.8); // the informative feature dominates
    expect(importance[0] + importance[1]).toBeCloseTo(1, 6);
  });

  it('grows pure trees: every leaf has a single class when no two samples share features', () => {
    const { X, y } = stripes(200, 5);
    const forest = trainForest(X, y, 2, { nClasses: 2, nTrees: 5 });
    for (const tree of forest.trees) for (const v of tree.leafValues) expect(v === 0 || v === 1).toBe(true);
  });

  it('honours maxDepth and minSamplesLeaf', () => {
    const { X, y } = stripes(300, 2);
    const shallow = trainForest(X, y, 2, { nClasses: 2, nTrees: 5, maxDepth: 2 });
    for (const tree of shallow.trees) { expect(tree.depth).toBeLessThanOrEqual(2); expect(tree.nodeCount).toBeLessThanOrEqual(7); }
    const stumps = trainForest(X, y, 2, { nClasses: 2, nTrees: 5, minSamplesLeaf: 200 });
    for (const tree of stumps.trees) expect(tree.nodeCount).toBeLessThanOrEqual(1 + 2);
  });

  it('handles 4 classes, labels 1..K, and a defined class without samples', () => {
    const n = 400;
    const X = new Float32Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) { X[i] = i; y[i] = 1 + Math.floor(i / 100); }
    const forest = trainForest(X, y, 1, { nClasses: 5, nTrees: 10 });
    const probs = predictProbabilities(forest, new Float32Array([50, 150, 250, 350]), 4);
    for (let p = 0; p < 4; p++) {
      let best = 0;
      for (let k = 1; k < 5; k++) if (probs[k * 4 + p] > probs[best * 4 + p]) best = k;
      expect(best).toBe(p);
      expect(probs[4 * 4 + p]).toBe(0); // class 5 was never labelled
    }
    expect(Array.from(forest.classCounts)).toEqual([100, 100, 100, 100, 0]);
  });

  it('is deterministic: same seed gives identical bytes, another seed differs', () => {
    const { X, y } = stripes(300, 4);
    const a = serializeForest(trainForest(X, y, 2, { nClasses: 2, nTrees: 12, seed: 9 }));
    const b = serializeForest(trainForest(X, y, 2, { nClasses: 2, nTrees: 12, seed: 9 }));
    const c = serializeForest(trainForest(X, y, 2, { nClasses: 2, nTrees: 12, seed: 10 }));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('merging tree ranges gives the same bytes as one run (the basis of parallel training)', () => {
    const { X, y } = stripes(300, 6);
    const whole = trainForest(X, y, 2, { nClasses: 2, nTrees: 10, seed: 1 });
    const parts = [[6, 10], [0, 3], [3, 6]].map((r) => trainForest(X, y, 2, { nClasses: 2, nTrees: 10, seed: 1, treeRange: r as [number, number] }));
    const merged = mergeForests(parts, y);
    expect(merged.oobError).toBe(whole.oobError);
    expect(Buffer.from(serializeForest(merged)).equals(Buffer.from(serializeForest(whole)))).toBe(true);
    expect(() => mergeForests([parts[1], parts[0]], y)).toThrow(/not contiguous/);
  });
});

describe('training data validation', () => {
  const X = new Float32Array([0, 1, 2, 3]);
  it.each([
    ['no samples', new Float32Array(0), new Uint8Array(0), 1, /no training samples/],
    ['a single class', X, new Uint8Array([2, 2, 2, 2]), 1, /only class 2 has labels/],
    ['NaN feature', new Float32Array([0, NaN, 2, 3]), new Uint8Array([1, 2, 1, 2]), 1, /feature 0 of sample 1 is NaN/],
    ['infinite feature', new Float32Array([0, 1, 2, 3, Infinity, 5]), new Uint8Array([1, 2, 1]), 2, /feature 0 of sample 2 is Infinity/],
    ['mismatched lengths', X, new Uint8Array([1, 2, 1]), 1, /4 values but 3 labels × 1 features = 3/],
    ['label 0', X, new Uint8Array([1, 0, 2, 1]), 1, /label 0 of sample 1 is outside the classes 1..2/],
    ['label > nClasses', X, new Uint8Array([1, 3, 2, 1]), 1, /label 3 of sample 1/],
  ])('rejects %s', (_name, data, labels, nFeatures, message) => {
    expect(() => trainForest(data as Float32Array, labels as Uint8Array, nFeatures as number, { nClasses: 2 })).toThrow(message as RegExp);
    expect(() => trainForest(data as Float32Array, labels as Uint8Array, nFeatures as number, { nClasses: 2 })).toThrow(ForestTrainingError);
  });
  it('rejects bad options', () => {
    const y = new Uint8Array([1, 2, 1, 2]);
    expect(() => trainForest(X, y, 1, { nClasses: 2, nTrees: 0 })).toThrow(/number of trees/);
    expect(() => trainForest(X, y, 1, { nClasses: 2, seed: -1 })).toThrow(/seed/);
    expect(() => trainForest(X, y, 1, { nClasses: 1 })).toThrow(/number of classes/);
    expect(() => trainForest(X, y, 1, { nClasses: 2, treeRange: [0, 200] })).toThrow(/tree range/);
  });
});

describe('forestSummary', () => {
  it('counts trees, nodes, depth, classes', () => {
    const { X, y } = stripes(200, 8);
    const forest = trainForest(X, y, 2, { nClasses: 2, nTrees: 7 });
    const s = forestSummary(forest);
    expect(s.trees).toBe(7);
    expect(s.nodes).toBe(forest.trees.reduce((a, t) => a + t.nodeCount, 0));
    expect(s.leaves).toBe((s.nodes + 7) / 2); // binary trees: leaves = inner + 1 per tree
    expect(s.maxDepth).toBeGreaterThanOrEqual(1);
    expect(s.meanDepth).toBeLessThanOrEqual(s.maxDepth);
    expect(s.classCounts[0] + s.classCounts[1]).toBe(200);
    expect(s.nFeatures).toBe(2);
    expect(s.featureImportances).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
