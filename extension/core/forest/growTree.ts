import { type ForestSettings, type ForestTree, makeTree } from './forestModel';
import { MAX_BINS, type TrainingSet } from './trainingSet';
import { TreeRandom } from './treeRandom';

/**
 * Nodes with more distinct in-bag samples than this search splits on bin histograms; smaller nodes
 * sort exact ranks. Histogram search costs O(n + bins·K) per candidate feature; the exact search
 * O(n + bins + inversions within bins). Measured on the 20k×49 bench workload (bench/forest.ts).
 */
export let HISTOGRAM_MIN_NODE = 1024;
/** @internal tuning hook for benchmarks */
export function setHistogramMinNode(n: number): void { HISTOGRAM_MIN_NODE = n; }

/**
 * Reusable buffers and per-tree state for growing trees on one training set (allocate once per
 * worker, not per tree). One object shape for every call keeps the split-search functions
 * monomorphic (they are hot; V8 compiles small stable functions quickly, which matters because
 * every worker starts cold).
 */
export class TreeScratch {
  /** Bootstrap draw count of each sample for the current tree (0 = out of bag). */
  readonly weight: Int32Array;
  readonly index: Uint32Array;
  readonly sortRank: Uint32Array;
  readonly sortSample: Uint32Array;
  readonly bucket = new Int32Array(MAX_BINS + 1);
  readonly hist: Int32Array;
  readonly nodes: Int32Array;
  readonly thresholds: Float32Array;
  readonly leaves: Float32Array;
  readonly featureOrder: Uint16Array;
  readonly importance: Float64Array;
  stackInfo = new Int32Array(4 * 64);
  stackCounts: Int32Array;
  /** Class counts (bootstrap draws) of the node being split. */
  readonly counts: Int32Array;
  readonly left: Int32Array;
  /** Best split found so far for the current node. */
  best = -Infinity;
  bestRank = 0;
  readonly bestLeft: Int32Array;

  constructor(readonly set: TrainingSet) {
    const n = set.nSamples;
    const k = set.nClasses;
    this.weight = new Int32Array(n);
    this.index = new Uint32Array(n);
    this.sortRank = new Uint32Array(n);
    this.sortSample = new Uint32Array(n);
    this.hist = new Int32Array(MAX_BINS * k);
    this.nodes = new Int32Array(3 * Math.max(1, 2 * n - 1));
    this.thresholds = new Float32Array(this.nodes.buffer);
    this.leaves = new Float32Array(n * k);
    this.featureOrder = new Uint16Array(set.nFeatures);
    this.importance = new Float64Array(set.nFeatures);
    this.stackCounts = new Int32Array(k * 64);
    this.counts = new Int32Array(k);
    this.left = new Int32Array(k);
    this.bestLeft = new Int32Array(k);
  }
}

/** Allocates a {@link TreeScratch} for a training set. */
export function createTreeScratch(set: TrainingSet): TreeScratch {
  return new TreeScratch(set);
}

/** Nodes split between two cancellation checks in {@link growTree} (a check is one atomic load). */
export const NODES_PER_CANCEL_CHECK = 32;

/**
 * Grows tree `treeIndex` of a forest: bootstrap sample with replacement (n draws), then depth-first
 * splitting on the Gini criterion with `settings.mtry` candidate features drawn per split (more are
 * tried, like scikit-learn, while none of the drawn ones can split the node), until nodes are pure or
 * hit `maxDepth` / `minSamplesLeaf`. Everything random comes from `TreeRandom(seed, treeIndex)` and all
 * split statistics are integer counts, so the tree depends only on the data, settings and index.
 *
 * After the call `scratch.weight` holds the bootstrap counts (0 = out of bag) of this tree.
 *
 * @param checkCancelled called every {@link NODES_PER_CANCEL_CHECK} nodes; may throw to abandon the tree, so a
 *   cancelled job stops within a fraction of one tree (a tree on a large set can take seconds on a busy machine)
 */
export function growTree(set: TrainingSet, settings: ForestSettings, treeIndex: number, s: TreeScratch, checkCancelled?: () => void): ForestTree {
  const { nSamples: N, nFeatures: F, nClasses: K, ranks, classes, distinct } = set;
  const { mtry, minSamplesLeaf: minLeaf } = settings;
  const maxDepth = settings.maxDepth < 0 ? Infinity : settings.maxDepth;
  const { weight: w, index: idx, nodes, thresholds: thr, leaves, featureOrder: order, importance, counts, bestLeft } = s;
  const rng = new TreeRandom(settings.seed, treeIndex);

  w.fill(0);
  for (let i = 0; i < N; i++) w[rng.below(N)]++;
  let nIn = 0;
  counts.fill(0);
  for (let i = 0; i < N; i++) {
    if (w[i] > 0) { idx[nIn++] = i; counts[classes[i]] += w[i]; }
  }
  for (let f = 0; f < F; f++) order[f] = f;
  importance.fill(0);

  let nodeCount = 1;
  let leafCount = 0;
  let treeDepth = 0;
  let sp = pushNode(s, 0, 0, 0, nIn, 0, counts, counts, false);

  let untilCheck = NODES_PER_CANCEL_CHECK;
  while (sp > 0) {
    if (checkCancelled && --untilCheck === 0) { untilCheck = NODES_PER_CANCEL_CHECK; checkCancelled(); }
    sp--;
    const info = s.stackInfo;
    const node = info[sp * 4];
    const start = info[sp * 4 + 1];
    const end = info[sp * 4 + 2];
    const depth = info[sp * 4 + 3];
    let W = 0;
    let present = 0;
    let parentProxy = 0;
    for (let k = 0; k < K; k++) {
      const v = s.stackCounts[sp * K + k];
      counts[k] = v; W += v;
      if (v > 0) { present++; parentProxy += v * v; }
    }
    parentProxy /= W;
    if (depth > treeDepth) treeDepth = depth;

    s.best = -Infinity;
    let bestFeature = -1;
    if (present > 1 && depth < maxDepth && W >= 2 * minLeaf) {
      const useHistogram = end - start > HISTOGRAM_MIN_NODE;
      for (let j = 0; j < F; j++) {
        if (j >= mtry && bestFeature >= 0) break;
        const r = j + rng.below(F - j);
        const f = order[r]; order[r] = order[j]; order[j] = f;
        const before = s.best;
        if (useHistogram) searchHistogram(s, f, start, end, W, minLeaf);
        else searchExact(s, f, start, end, W, minLeaf);
        if (s.best > before) bestFeature = f;
      }
      // rare: a large node without any split on bin boundaries; retry the candidates exactly
      for (let j = 0; useHistogram && bestFeature < 0 && j < F; j++) {
        searchExact(s, order[j], start, end, W, minLeaf);
        if (s.best > -Infinity) bestFeature = order[j];
      }
    }

    if (bestFeature < 0) {
      // leaf: class frequencies of the bootstrap draws
      const leaf = leafCount++;
      for (let k = 0; k < K; k++) leaves[leaf * K + k] = counts[k] / W;
      nodes[3 * node] = ~leaf;
      nodes[3 * node + 1] = 0;
      nodes[3 * node + 2] = 0;
      continue;
    }

    // partition [start, end) into rank ≤ bestRank | rank > bestRank
    const bestRank = s.bestRank;
    const off = bestFeature * N;
    let i = start;
    let j = end - 1;
    let leftMax = 0;
    let rightMin = 0xffffffff;
    while (i <= j) {
      const rk = ranks[off + idx[i]];
      if (rk <= bestRank) { i++; if (rk > leftMax) leftMax = rk; } else {
        if (rk < rightMin) rightMin = rk;
        const t = idx[i]; idx[i] = idx[j]; idx[j] = t; j--;
      }
    }
    // threshold midway between the node's closest values on either side (as scikit-learn does)
    const values = distinct[bestFeature];
    const lo = values[leftMax];
    const hi = values[rightMin];
    let threshold = Math.fround(lo / 2 + hi / 2);
    if (!(threshold >= lo && threshold < hi)) threshold = lo; // adjacent float32 values: midpoint rounds up
    const child = nodeCount;
    nodeCount += 2;
    nodes[3 * node] = child;
    nodes[3 * node + 1] = bestFeature;
    thr[3 * node + 2] = threshold;
    importance[bestFeature] += s.best - parentProxy;
    sp = pushNode(s, sp, child + 1, i, end, depth + 1, counts, bestLeft, true);
    sp = pushNode(s, sp, child, start, i, depth + 1, bestLeft, bestLeft, false);
  }

  let total = 0;
  for (let f = 0; f < F; f++) total += importance[f];
  const imp = new Float32Array(F);
  if (total > 0) for (let f = 0; f < F; f++) imp[f] = importance[f] / total;
  return makeTree(nodes.slice(0, 3 * nodeCount), leaves.slice(0, leafCount * K), K, treeDepth, imp);
}

/** Pushes a node on the depth-first stack; its class counts are `c`, or `c − other` when `subtract`. */
function pushNode(
  s: TreeScratch, sp: number, node: number, start: number, end: number, depth: number,
  c: Int32Array, other: Int32Array, subtract: boolean,
): number {
  const K = c.length;
  if ((sp + 1) * 4 > s.stackInfo.length) {
    const info = new Int32Array(s.stackInfo.length * 2); info.set(s.stackInfo); s.stackInfo = info;
    const counts = new Int32Array(s.stackCounts.length * 2); counts.set(s.stackCounts); s.stackCounts = counts;
  }
  const info = s.stackInfo;
  info[sp * 4] = node; info[sp * 4 + 1] = start; info[sp * 4 + 2] = end; info[sp * 4 + 3] = depth;
  const sc = s.stackCounts;
  for (let k = 0; k < K; k++) sc[sp * K + k] = subtract ? c[k] - other[k] : c[k];
  return sp + 1;
}

/**
 * Best split of feature `f` on bin boundaries (quantile bins of the training set): one pass
 * accumulating a class histogram per bin, one pass over bins. Updates `s.best*` when better.
 * Gini is maximised through the proxy Σ_k L_k²/w_L + Σ_k R_k²/w_R (equivalent, cheaper).
 */
function searchHistogram(s: TreeScratch, f: number, start: number, end: number, W: number, minLeaf: number): void {
  const { nSamples: N, nClasses: K, codes, classes, binCounts, binMaxRank } = s.set;
  const { hist, index: idx, weight: w, left, counts } = s;
  const nb = binCounts[f];
  hist.fill(0, 0, nb * K);
  const off = f * N;
  for (let i = start; i < end; i++) {
    const smp = idx[i];
    hist[codes[off + smp] * K + classes[smp]] += w[smp];
  }
  left.fill(0);
  let wL = 0;
  for (let b = 0; b < nb - 1; b++) {
    let bw = 0;
    for (let k = 0; k < K; k++) { const v = hist[b * K + k]; left[k] += v; bw += v; }
    if (bw === 0) continue;
    wL += bw;
    const wR = W - wL;
    if (wR < minLeaf) break;
    if (wL < minLeaf) continue;
    let sL = 0;
    let sR = 0;
    for (let k = 0; k < K; k++) { const l = left[k]; const r = counts[k] - l; sL += l * l; sR += r * r; }
    const proxy = sL / wL + sR / wR;
    if (proxy > s.best) { s.best = proxy; s.bestRank = binMaxRank[f * MAX_BINS + b]; s.bestLeft.set(left); }
  }
}

/**
 * Best exact split of feature `f`: sorts the node's samples by rank (counting sort on the bin code,
 * then insertion sort, which only reorders within a bin since ranks of different bins are ordered:
 * O(n + bins + inversions inside bins)), then scans every boundary between distinct values.
 */
function searchExact(s: TreeScratch, f: number, start: number, end: number, W: number, minLeaf: number): void {
  const { nSamples: N, nClasses: K, ranks, codes, classes, binCounts, distinct } = s.set;
  const { index: idx, weight: w, left, counts, sortRank: sr, sortSample: ss, bucket } = s;
  const n = end - start;
  const off = f * N;
  if (n <= 24) {
    for (let j = 0; j < n; j++) {
      const smp = idx[start + j];
      const rk = ranks[off + smp];
      let p = j;
      while (p > 0 && sr[p - 1] > rk) { sr[p] = sr[p - 1]; ss[p] = ss[p - 1]; p--; }
      sr[p] = rk; ss[p] = smp;
    }
  } else {
    const nb = binCounts[f];
    bucket.fill(0, 0, nb + 1);
    for (let j = start; j < end; j++) bucket[codes[off + idx[j]] + 1]++;
    for (let b = 1; b <= nb; b++) bucket[b] += bucket[b - 1];
    for (let j = start; j < end; j++) {
      const smp = idx[j];
      const at = bucket[codes[off + smp]]++;
      sr[at] = ranks[off + smp]; ss[at] = smp;
    }
    if (nb < distinct[f].length) {
      for (let j = 1; j < n; j++) {
        const rk = sr[j];
        if (sr[j - 1] <= rk) continue;
        const smp = ss[j];
        let p = j;
        while (p > 0 && sr[p - 1] > rk) { sr[p] = sr[p - 1]; ss[p] = ss[p - 1]; p--; }
        sr[p] = rk; ss[p] = smp;
      }
    }
  }
  if (sr[0] === sr[n - 1]) return; // constant in this node
  left.fill(0);
  let wL = 0;
  for (let j = 0; j < n - 1; j++) {
    const smp = ss[j];
    const wt = w[smp];
    left[classes[smp]] += wt;
    wL += wt;
    if (sr[j + 1] === sr[j]) continue;
    const wR = W - wL;
    if (wR < minLeaf) break;
    if (wL < minLeaf) continue;
    let sL = 0;
    let sR = 0;
    for (let k = 0; k < K; k++) { const l = left[k]; const r = counts[k] - l; sL += l * l; sR += r * r; }
    const proxy = sL / wL + sR / wR;
    if (proxy > s.best) { s.best = proxy; s.bestRank = sr[j]; s.bestLeft.set(left); }
  }
}
