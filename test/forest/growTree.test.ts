/**
 * Split search details of the tree grower: the sorted-codes path of small nodes equals the histogram
 * path, the raw-value fallback splits nodes that no bin boundary can split (trees still grow to purity),
 * and the WebAssembly kernel's memory is re-filled when two training sets take turns in one thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { serializeForest, TreeRandom } from '../../extension/core/forest/index';
import { createTreeScratch, growTree, SORTED_MAX_NODE, setSortedMaxNode } from '../../extension/core/forest/growTree';
import { resolveForestSettings, trainForest, trainForestOnSet } from '../../extension/core/forest/trainForest';
import { MAX_BINS, prepareTrainingSet } from '../../extension/core/forest/trainingSet';

/** Overlapping classes on a few noisy features: deep trees with nodes of every size. */
function noisy(n: number, F: number, K: number, seed: number): { X: Float32Array; y: Uint8Array } {
  const rng = new TreeRandom(seed, 5);
  const X = new Float32Array(n * F);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = 1 + rng.below(K);
    for (let f = 0; f < F; f++) X[i * F + f] = rng.nextUint32() / 4294967296 + (f === y[i] % F ? 0.3 : 0);
  }
  return { X, y };
}

const bytes = (X: Float32Array, y: Uint8Array, F: number, K: number) =>
  Buffer.from(serializeForest(trainForest(X, y, F, { nClasses: K, nTrees: 6, seed: 2 })));

describe('growTree split search', () => {
  const defaultSorted = SORTED_MAX_NODE;
  afterEach(() => setSortedMaxNode(defaultSorted));

  it.each([2, 3, 4, 6])('sorted codes and histograms find the same splits (%i classes)', (K) => {
    const { X, y } = noisy(3000, 5, K, K);
    setSortedMaxNode(0); // histograms for every node
    const histogram = bytes(X, y, 5, K);
    setSortedMaxNode(4096); // sorted codes for every node below 4096 samples: all of them here
    const sorted = bytes(X, y, 5, K);
    setSortedMaxNode(defaultSorted);
    const mixed = bytes(X, y, 5, K);
    expect(sorted.equals(histogram)).toBe(true);
    expect(mixed.equals(histogram)).toBe(true);
  });

  it('splits on raw values when samples share a bin in every feature, and still grows to purity', () => {
    // 4096 distinct values of one feature → 16 values per bin; classes alternate within each bin
    const n = 16 * MAX_BINS;
    const X = new Float32Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) { X[i] = i / 7; y[i] = 1 + (i % 2); }
    const set = prepareTrainingSet(X, y, 1, 2);
    expect(set.binCounts[0]).toBe(MAX_BINS);
    const forest = trainForestOnSet(set, resolveForestSettings(1, { nClasses: 2, nTrees: 2, seed: 1 }), [0, 2]);
    for (const tree of forest.trees) {
      for (const v of tree.leafValues) expect(v === 0 || v === 1).toBe(true);
      // some thresholds lie strictly inside a bin: between two values of the same bin
      let inside = 0;
      for (let node = 0; node < tree.nodeCount; node++) {
        if (tree.nodes[3 * node] < 0) continue;
        const t = tree.thresholds[3 * node + 2];
        const below = Math.floor(t * 7); // index of the largest training value <= t
        if (Math.floor(below / 16) === Math.floor((below + 1) / 16)) inside++;
      }
      expect(inside).toBeGreaterThan(100);
    }
  });

  it('thresholds lie midway between the node\'s closest values, not at bin edges', () => {
    // few samples far apart: one bin per value; the root of every two-class tree separates 3 from 100
    const X = new Float32Array([0, 1, 2, 3, 100, 101, 102]);
    const y = new Uint8Array([1, 1, 1, 1, 2, 2, 2]);
    const forest = trainForest(X, y, 1, { nClasses: 2, nTrees: 30, seed: 4 });
    const allowed = new Set<number>();
    for (const lo of [0, 1, 2, 3]) for (const hi of [100, 101, 102]) allowed.add((lo + hi) / 2);
    const seen = new Set<number>();
    for (const tree of forest.trees) {
      if (tree.nodeCount === 1) continue; // bootstrap drew one class only
      const t = tree.thresholds[2];
      expect(allowed.has(t)).toBe(true);
      seen.add(t);
    }
    // the bin edge between 3 and 100 would be 51.5 in every tree; trees whose bootstrap missed 3 or 100 differ
    expect([...seen].some((t) => t !== 51.5)).toBe(true);
  });

  it('the kernel continues the tree stream of TreeRandom: n bootstrap draws, then the feature draws', () => {
    const n = 700;
    const F = 9;
    const { X, y } = noisy(n, F, 2, 1);
    const set = prepareTrainingSet(X, y, F, 2);
    const settings = resolveForestSettings(F, { nClasses: 2, nTrees: 3, seed: 5, mtry: 1 });
    const scratch = createTreeScratch(set);
    const tree = growTree(set, settings, 2, scratch);
    const rng = new TreeRandom(5, 2);
    const expected = new Int32Array(n);
    for (let i = 0; i < n; i++) expected[rng.below(n)]++;
    expect(Array.from(scratch.weight)).toEqual(Array.from(expected));
    // one candidate per split: the root splits on the first feature drawn after the bootstrap
    expect(tree.nodes[0]).toBeGreaterThan(0);
    expect(tree.nodes[1]).toBe(rng.below(F));
  });

  it('re-fills the kernel when another training set used it between two trees', () => {
    const a = noisy(1500, 4, 3, 7);
    const b = noisy(900, 6, 2, 8);
    const setA = prepareTrainingSet(a.X, a.y, 4, 3);
    const settingsA = resolveForestSettings(4, { nClasses: 3, nTrees: 4, seed: 3 });
    const alone = serializeForest(trainForestOnSet(setA, settingsA, [0, 4]));
    // after every tree of A, a whole forest on B runs in the same thread (same kernel memory)
    const interleaved = serializeForest(trainForestOnSet(setA, settingsA, [0, 4], () => {
      trainForest(b.X, b.y, 6, { nClasses: 2, nTrees: 2 });
    }));
    expect(Buffer.from(interleaved).equals(Buffer.from(alone))).toBe(true);
  });
});
