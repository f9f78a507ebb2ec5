import { describe, expect, it } from 'vitest';
import {
  type Forest, ForestTrainingError, makeTree, predictProbabilities, PREDICT_BLOCK, TreeRandom,
} from '../../extension/core/forest/index';
import { leafMasks, MASK_TREE_MAX_LEAVES } from '../../extension/core/forest/forestKernel';

/** A forest from explicit trees (nodes as [child, feature, threshold] triples, leaves as class rows). */
function forestOf(nFeatures: number, nClasses: number, trees: { nodes: [number, number, number][]; leaves: number[][] }[]): Forest {
  return {
    nFeatures, nClasses, treeStart: 0, nSamples: 1, classCounts: new Uint32Array(nClasses), oobError: NaN, oobSampleCount: 0,
    settings: { nTrees: trees.length, seed: 0, maxDepth: -1, minSamplesLeaf: 1, mtry: 1, samplesPerTree: 0 },
    trees: trees.map(({ nodes, leaves }) => {
      const words = new Int32Array(nodes.length * 3);
      const floats = new Float32Array(words.buffer);
      nodes.forEach(([child, feature, threshold], i) => { words[3 * i] = child; words[3 * i + 1] = feature; floats[3 * i + 2] = threshold; });
      return makeTree(words, new Float32Array(leaves.flat()), nClasses, 0, new Float32Array(nFeatures));
    }),
  };
}

/** Independent reference: walk each pixel through each tree, float64 sums in tree order, then normalise. */
function referencePredict(forest: Forest, features: Float32Array, nPixels: number): Float32Array {
  const K = forest.nClasses;
  const out = new Float32Array(K * nPixels);
  for (let p = 0; p < nPixels; p++) {
    const sums = new Float64Array(K);
    for (const tree of forest.trees) {
      let node = 0;
      while (tree.nodes[3 * node] >= 0) {
        const value = features[tree.nodes[3 * node + 1] * nPixels + p];
        node = value <= tree.thresholds[3 * node + 2] ? tree.nodes[3 * node] : tree.nodes[3 * node] + 1;
      }
      const leaf = ~tree.nodes[3 * node];
      for (let k = 0; k < K; k++) sums[k] += tree.leafValues[leaf * K + k];
    }
    const total = sums.reduce((a, b) => a + b, 0);
    for (let k = 0; k < K; k++) out[k * nPixels + p] = total > 0 ? sums[k] * (1 / total) : 0;
  }
  return out;
}

/** A random full tree of the given depth over `nFeatures` features, with random leaf distributions. */
function randomTree(rng: TreeRandom, nFeatures: number, K: number, depth: number) {
  const nodes: [number, number, number][] = [[0, 0, 0]];
  const leaves: number[][] = [];
  const grow = (index: number, level: number) => {
    if (level === depth || (level > 1 && rng.below(4) === 0)) {
      const row = Array.from({ length: K }, () => rng.below(100));
      const sum = row.reduce((a, b) => a + b, 0) || 1;
      leaves.push(row.map((v) => v / sum));
      nodes[index] = [~(leaves.length - 1), 0, 0];
      return;
    }
    const left = nodes.length;
    nodes.push([0, 0, 0], [0, 0, 0]);
    nodes[index] = [left, rng.below(nFeatures), rng.nextUint32() / 4294967296];
    grow(left, level + 1);
    grow(left + 1, level + 1);
  };
  grow(0, 0);
  return { nodes, leaves };
}

describe('predictProbabilities (WebAssembly kernel)', () => {
  it('follows value <= threshold to the left and averages the leaves of all trees (exact small case)', () => {
    // tree 1: feature 0 <= 0.5 → leaf [1, 0] else leaf [0, 1]; tree 2: feature 1 <= 2 → [0.5, 0.5] else [0, 1]
    const forest = forestOf(2, 2, [
      { nodes: [[1, 0, 0.5], [~0, 0, 0], [~1, 0, 0]], leaves: [[1, 0], [0, 1]] },
      { nodes: [[1, 1, 2], [~0, 0, 0], [~1, 0, 0]], leaves: [[0.5, 0.5], [0, 1]] },
    ]);
    // pixels: (0.5, 2) → both left; (0.6, 2) → right, left; (0.1, 3) → left, right; (NaN, NaN) → both right
    const features = new Float32Array([0.5, 0.6, 0.1, NaN, /* feature 1 */ 2, 2, 3, NaN]);
    const probs = predictProbabilities(forest, features, 4);
    expect(Array.from(probs)).toEqual([0.75, 0.25, 0.5, 0, 0.25, 0.75, 0.5, 1]);
  });

  it('handles a tree that is a single leaf and classes that no leaf votes for', () => {
    const forest = forestOf(1, 3, [{ nodes: [[~0, 0, 0]], leaves: [[0.2, 0.8, 0]] }]);
    const probs = predictProbabilities(forest, new Float32Array([7, -7]), 2);
    expect(Array.from(probs)).toEqual([0.2, 0.2, 0.8, 0.8, 0, 0].map(Math.fround));
  });

  it('equals an independent reference walk on random deep forests, for K = 2..5 and sizes around the lane and block widths', () => {
    const rng = new TreeRandom(42, 1);
    for (const K of [2, 3, 5]) {
      const F = 3 + K;
      const forest = forestOf(F, K, Array.from({ length: 7 }, () => randomTree(rng, F, K, 12)));
      for (const n of [1, 7, 8, 9, 63, PREDICT_BLOCK - 1, PREDICT_BLOCK + 9]) {
        const features = new Float32Array(F * n).map(() => rng.nextUint32() / 4294967296);
        if (n > 3) features[2] = NaN;
        expect(predictProbabilities(forest, features, n)).toEqual(referencePredict(forest, features, n));
      }
    }
  });

  it('numbers the leaves of a small tree left to right and masks the left subtree of each inner node', () => {
    // root: f0 <= 0.5 ? (node 1: f1 <= 2 ? leaf A : leaf B) : leaf C; stored as nodes 0, [1, 2], [3, 4]
    const forest = forestOf(2, 2, [{
      nodes: [[1, 0, 0.5], [3, 1, 2], [~2, 0, 0], [~0, 0, 0], [~1, 0, 0]], leaves: [[1, 0], [0, 1], [0.5, 0.5]],
    }]);
    expect(leafMasks(forest.trees[0])).toEqual({
      inner: [{ node: 0, mask: ~0b11 }, { node: 1, mask: ~0b1 }],
      leafOrder: [0, 1, 2],
    });
    const single = forestOf(1, 2, [{ nodes: [[~0, 0, 0]], leaves: [[1, 0]] }]);
    expect(leafMasks(single.trees[0])).toEqual({ inner: [], leafOrder: [0] });
  });

  it('evaluates small trees by leaf masks and large ones by walking, mixed in any order, with identical results', () => {
    const rng = new TreeRandom(11, 4);
    /** A "comb": every inner node's right child is a leaf, so `leaves` leaves need leaves − 1 levels. */
    const comb = (F: number, K: number, leaves: number) => {
      const nodes: [number, number, number][] = [[0, 0, 0]];
      const values: number[][] = [];
      /** Fills the allocated slot `index` with a comb of `count` leaves (left child a leaf, right the rest). */
      const fill = (index: number, count: number): void => {
        if (count === 1) {
          const row = Array.from({ length: K }, () => rng.below(10) + 1);
          values.push(row.map((v) => v / row.reduce((x, y) => x + y, 0)));
          nodes[index] = [~(values.length - 1), 0, 0];
          return;
        }
        const left = nodes.length;
        nodes.push([0, 0, 0], [0, 0, 0]);
        nodes[index] = [left, rng.below(F), rng.nextUint32() / 4294967296];
        fill(left, 1);
        fill(left + 1, count - 1);
      };
      fill(0, leaves);
      return { nodes, leaves: values };
    };
    for (const K of [2, 3]) {
      const F = 6;
      const trees = [
        comb(F, K, MASK_TREE_MAX_LEAVES), comb(F, K, MASK_TREE_MAX_LEAVES + 1), randomTree(rng, F, K, 3),
        randomTree(rng, F, K, 4), randomTree(rng, F, K, 12), comb(F, K, 2), randomTree(rng, F, K, 2),
      ];
      const forest = forestOf(F, K, trees);
      expect(forest.trees.map((tree) => leafMasks(tree) !== undefined)).toEqual(
        forest.trees.map((tree) => tree.leafCount <= MASK_TREE_MAX_LEAVES));
      expect(forest.trees.filter((tree) => tree.leafCount <= MASK_TREE_MAX_LEAVES).length).toBeGreaterThanOrEqual(4);
      expect(forest.trees.some((tree) => tree.leafCount > MASK_TREE_MAX_LEAVES)).toBe(true);
      for (const n of [1, 5, 8, 13, 64, PREDICT_BLOCK + 3]) {
        const features = new Float32Array(F * n).map(() => rng.nextUint32() / 4294967296);
        for (let i = 0; i < features.length; i += 17) features[i] = NaN;
        expect(predictProbabilities(forest, features, n)).toEqual(referencePredict(forest, features, n));
      }
    }
  });

  it('fills only the requested range, and ranges assemble to the whole result', () => {
    const rng = new TreeRandom(7, 2);
    const forest = forestOf(4, 2, Array.from({ length: 5 }, () => randomTree(rng, 4, 2, 9)));
    const n = 3000;
    const features = new Float32Array(4 * n).map(() => rng.nextUint32() / 4294967296);
    const whole = predictProbabilities(forest, features, n);
    const parts = new Float32Array(2 * n).fill(-1);
    predictProbabilities(forest, features, n, parts, [5, 1234]);
    expect(parts[4]).toBe(-1);
    expect(parts[1234]).toBe(-1);
    predictProbabilities(forest, features, n, parts, [0, 5]);
    predictProbabilities(forest, features, n, parts, [1234, n]);
    expect(parts).toEqual(whole);
  });

  it('switches between forests of different sizes in one thread without mixing them up', () => {
    const rng = new TreeRandom(3, 3);
    const small = forestOf(2, 2, [randomTree(rng, 2, 2, 3)]);
    const big = forestOf(60, 4, Array.from({ length: 20 }, () => randomTree(rng, 60, 4, 14)));
    const fSmall = new Float32Array(2 * 50).map(() => rng.nextUint32() / 4294967296);
    const fBig = new Float32Array(60 * 500).map(() => rng.nextUint32() / 4294967296);
    for (let round = 0; round < 2; round++) {
      expect(predictProbabilities(small, fSmall, 50)).toEqual(referencePredict(small, fSmall, 50));
      expect(predictProbabilities(big, fBig, 500)).toEqual(referencePredict(big, fBig, 500));
    }
  });

  it('rejects a model whose nodes point outside it instead of reading stray memory, and recovers', () => {
    const good = forestOf(2, 2, [{ nodes: [[1, 0, 0.5], [~0, 0, 0], [~1, 0, 0]], leaves: [[1, 0], [0, 1]] }]);
    const pixels = new Float32Array([0.25, 0.75, 0, 0]);
    expect(Array.from(predictProbabilities(good, pixels, 2))).toEqual([1, 0, 0, 1]);
    const badFeature = forestOf(2, 2, [{ nodes: [[1, 5, 0.5], [~0, 0, 0], [~1, 0, 0]], leaves: [[1, 0], [0, 1]] }]);
    expect(() => predictProbabilities(badFeature, new Float32Array(2), 1)).toThrow(ForestTrainingError);
    const badLeaf = forestOf(1, 2, [{ nodes: [[1, 0, 0.5], [~0, 0, 0], [~9, 0, 0]], leaves: [[1, 0], [0, 1]] }]);
    expect(() => predictProbabilities(badLeaf, new Float32Array(1), 1)).toThrow(/leaf 9/);
    expect(Array.from(predictProbabilities(good, pixels, 2))).toEqual([1, 0, 0, 1]);
  });
});
