import { type ForestSettings, type ForestTree, makeTree } from './forestModel';
import { MAX_BINS, type TrainingSet } from './trainingSet';
import { TreeRandom } from './treeRandom';

/**
 * Nodes with more distinct in-bag samples than this search splits on bin histograms; smaller nodes
 * sort exact ranks. Histogram search costs O(n + bins·K) per candidate feature and sorting
 * O(n log n); measured on the 20k×49 bench workload, switching here is fastest (bench/forest.ts).
 */
export const HISTOGRAM_MIN_NODE = 1024;

/** Reusable buffers for growing trees on one training set (allocate once per worker, not per tree). */
export interface TreeScratch {
  /** Bootstrap draw count of each sample for the current tree (0 = out of bag). */
  weight: Int32Array;
  index: Uint32Array;
  keys: Float64Array;
  sortRank: Uint32Array;
  sortSample: Uint32Array;
  hist: Int32Array;
  nodes: Int32Array;
  thresholds: Float32Array;
  leaves: Float32Array;
  featureOrder: Uint16Array;
  stackInfo: Int32Array;
  stackCounts: Int32Array;
  importance: Float64Array;
}

/** Allocates {@link TreeScratch} for a training set. */
export function createTreeScratch(set: TrainingSet): TreeScratch {
  const n = set.nSamples;
  const k = set.nClasses;
  const nodes = new Int32Array(3 * Math.max(1, 2 * n - 1));
  return {
    weight: new Int32Array(n),
    index: new Uint32Array(n),
    keys: new Float64Array(n),
    sortRank: new Uint32Array(n),
    sortSample: new Uint32Array(n),
    hist: new Int32Array(MAX_BINS * k),
    nodes,
    thresholds: new Float32Array(nodes.buffer),
    leaves: new Float32Array(n * k),
    featureOrder: new Uint16Array(set.nFeatures),
    stackInfo: new Int32Array(4 * 64),
    stackCounts: new Int32Array(k * 64),
    importance: new Float64Array(set.nFeatures),
  };
}

/**
 * Grows tree `treeIndex` of a forest: bootstrap sample with replacement (n draws), then depth-first
 * splitting on the Gini criterion with `settings.mtry` candidate features drawn per split (more are
 * tried, like scikit-learn, while none of the drawn ones can split the node), until nodes are pure or
 * hit `maxDepth` / `minSamplesLeaf`. Everything random comes from `TreeRandom(seed, treeIndex)` and all
 * split statistics are integer counts, so the tree depends only on the data, settings and index.
 *
 * After the call `scratch.weight` holds the bootstrap counts (0 = out of bag) of this tree.
 */
export function growTree(set: TrainingSet, settings: ForestSettings, treeIndex: number, scratch: TreeScratch): ForestTree {
  const { nSamples: N, nFeatures: F, nClasses: K, ranks, codes, classes, binCounts, binMaxRank, distinct } = set;
  const { mtry, minSamplesLeaf: minLeaf } = settings;
  const maxDepth = settings.maxDepth < 0 ? Infinity : settings.maxDepth;
  const s = scratch;
  const w = s.weight;
  const idx = s.index;
  const hist = s.hist;
  const nodes = s.nodes;
  const thr = s.thresholds;
  const leaves = s.leaves;
  const order = s.featureOrder;
  const importance = s.importance;
  const rng = new TreeRandom(settings.seed, treeIndex);

  w.fill(0);
  for (let i = 0; i < N; i++) w[rng.below(N)]++;
  let nIn = 0;
  const counts = new Int32Array(K);
  for (let i = 0; i < N; i++) {
    if (w[i] > 0) { idx[nIn++] = i; counts[classes[i]] += w[i]; }
  }
  for (let f = 0; f < F; f++) order[f] = f;
  importance.fill(0);

  const left = new Int32Array(K);
  const bestLeft = new Int32Array(K);
  let nodeCount = 1;
  let leafCount = 0;
  let treeDepth = 0;
  let stackInfo = s.stackInfo;
  let stackCounts = s.stackCounts;
  let sp = 0;
  const push = (node: number, start: number, end: number, depth: number, c: Int32Array, sign: number, other: Int32Array) => {
    if ((sp + 1) * 4 > stackInfo.length) {
      const grownInfo = new Int32Array(stackInfo.length * 2); grownInfo.set(stackInfo); stackInfo = s.stackInfo = grownInfo;
      const grownCounts = new Int32Array(stackCounts.length * 2); grownCounts.set(stackCounts); stackCounts = s.stackCounts = grownCounts;
    }
    stackInfo[sp * 4] = node; stackInfo[sp * 4 + 1] = start; stackInfo[sp * 4 + 2] = end; stackInfo[sp * 4 + 3] = depth;
    // sign 0: counts = c; sign 1: counts = c − other (the right child's counts)
    for (let k = 0; k < K; k++) stackCounts[sp * K + k] = sign === 0 ? c[k] : c[k] - other[k];
    sp++;
  };
  push(0, 0, nIn, 0, counts, 0, counts);

  while (sp > 0) {
    sp--;
    const node = stackInfo[sp * 4];
    const start = stackInfo[sp * 4 + 1];
    const end = stackInfo[sp * 4 + 2];
    const depth = stackInfo[sp * 4 + 3];
    let W = 0;
    let present = 0;
    let parentProxy = 0;
    for (let k = 0; k < K; k++) {
      const v = stackCounts[sp * K + k];
      counts[k] = v; W += v;
      if (v > 0) { present++; parentProxy += v * v; }
    }
    parentProxy /= W;
    if (depth > treeDepth) treeDepth = depth;

    let best = -Infinity;
    let bestFeature = -1;
    let bestRank = 0;
    if (present > 1 && depth < maxDepth && W >= 2 * minLeaf) {
      const n = end - start;
      const useHistogram = n > HISTOGRAM_MIN_NODE;
      for (let pass = 0; pass < 2 && bestFeature < 0; pass++) {
        // pass 0: drawn candidates (histogram search on large nodes); pass 1 (rare): a large node had no
        // split on bin boundaries, so retry the same candidates with the exact search.
        if (pass === 1 && !useHistogram) break;
        for (let j = 0; j < F; j++) {
          if (j >= mtry && bestFeature >= 0) break;
          if (pass === 0) {
            const r = j + rng.below(F - j);
            const t = order[j]; order[j] = order[r]; order[r] = t;
          }
          const f = order[j];
          const before = best;
          if (pass === 0 && useHistogram) {
            // ---- histogram search over quantile bins
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
              let sL = 0; let sR = 0;
              for (let k = 0; k < K; k++) { const l = left[k]; const r = counts[k] - l; sL += l * l; sR += r * r; }
              const proxy = sL / wL + sR / wR;
              if (proxy > best) { best = proxy; bestRank = binMaxRank[f * MAX_BINS + b]; bestLeft.set(left); }
            }
          } else {
            // ---- exact search: sort the node's samples by rank
            const off = f * N;
            const sr = s.sortRank;
            const ss = s.sortSample;
            if (n <= 16) {
              for (let j2 = 0; j2 < n; j2++) {
                const smp = idx[start + j2];
                const rk = ranks[off + smp];
                let p = j2;
                while (p > 0 && sr[p - 1] > rk) { sr[p] = sr[p - 1]; ss[p] = ss[p - 1]; p--; }
                sr[p] = rk; ss[p] = smp;
              }
            } else {
              let mult = 1;
              while (mult < n) mult *= 2;
              const keys = s.keys.subarray(0, n);
              for (let j2 = 0; j2 < n; j2++) keys[j2] = ranks[off + idx[start + j2]] * mult + j2;
              keys.sort();
              for (let j2 = 0; j2 < n; j2++) {
                const key = keys[j2];
                const rk = Math.floor(key / mult);
                sr[j2] = rk;
                ss[j2] = idx[start + (key - rk * mult)];
              }
            }
            if (sr[0] !== sr[n - 1]) {
              left.fill(0);
              let wL = 0;
              for (let j2 = 0; j2 < n - 1; j2++) {
                const smp = ss[j2];
                const wt = w[smp];
                left[classes[smp]] += wt;
                wL += wt;
                if (sr[j2 + 1] === sr[j2]) continue;
                const wR = W - wL;
                if (wR < minLeaf) break;
                if (wL < minLeaf) continue;
                let sL = 0; let sR = 0;
                for (let k = 0; k < K; k++) { const l = left[k]; const r = counts[k] - l; sL += l * l; sR += r * r; }
                const proxy = sL / wL + sR / wR;
                if (proxy > best) { best = proxy; bestRank = sr[j2]; bestLeft.set(left); }
              }
            }
          }
          if (best > before) bestFeature = f;
        }
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
    importance[bestFeature] += best - parentProxy;
    push(child + 1, i, end, depth + 1, counts, 1, bestLeft);
    push(child, start, i, depth + 1, bestLeft, 0, bestLeft);
  }

  let total = 0;
  for (let f = 0; f < F; f++) total += importance[f];
  const imp = new Float32Array(F);
  if (total > 0) for (let f = 0; f < F; f++) imp[f] = importance[f] / total;
  return makeTree(nodes.slice(0, 3 * nodeCount), leaves.slice(0, leafCount * K), K, treeDepth, imp);
}
