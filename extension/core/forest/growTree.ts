import { type ForestSettings, type ForestTree, makeTree, OOB_VOTE_SCALE } from './forestModel';
import { MAX_BINS, type TrainingSet } from './trainingSet';
import { TreeRandom } from './treeRandom';

/**
 * Nodes with at most this many distinct in-bag samples search splits by sorting their bin codes
 * (insertion sort, O(n²) worst case but n is tiny) instead of filling and scanning a 256-bin class
 * histogram: both find the same split, the sort is cheaper when n is much smaller than the bin count.
 * Measured on the 20k×49 bench workload (bench/forest.ts).
 */
export let SORTED_MAX_NODE = 32;
/** @internal tuning hook for benchmarks and for the test that both searches agree */
export function setSortedMaxNode(n: number): void { SORTED_MAX_NODE = n; }

/**
 * Reusable buffers and per-tree state for growing trees on one training set (allocate once per
 * worker, not per tree). One object shape for every call keeps the split-search functions
 * monomorphic (they are hot; V8 compiles small stable functions quickly, which matters because
 * every worker starts cold).
 */
export class TreeScratch {
  /** Bootstrap draw count of each sample for the current tree (0 = out of bag). */
  readonly weight: Int32Array;
  /** Distinct in-bag samples, partitioned in place so that each node owns a contiguous range. */
  readonly index: Uint32Array;
  /** `(weight << 8) | class` of `index[i]`, moved with it (saves two random reads per sample visit). */
  readonly payload: Int32Array;
  /** Out-of-bag samples, partitioned like `index` so each leaf knows the OOB samples reaching it. */
  readonly oob: Uint32Array;
  /** Sort scratch for small nodes and exact splits (keys, payloads, raw values, order). */
  readonly sortKey: Int32Array;
  readonly sortPayload: Int32Array;
  readonly sortValue: Float32Array;
  readonly sortOrder: Uint32Array;
  /** Class histogram `[bin][class]` of one candidate feature (and a second half while counting). */
  readonly hist: Int32Array;
  readonly nodes: Int32Array;
  readonly thresholds: Float32Array;
  readonly leaves: Float32Array;
  readonly featureOrder: Uint16Array;
  readonly importance: Float64Array;
  /** Depth-first stack: node, start, end, oobStart, oobEnd, depth per entry; class counts beside. */
  stackInfo = new Int32Array(STACK_WORDS * 64);
  stackCounts: Int32Array;
  /** Class counts (bootstrap draws) of the node being split. */
  readonly counts: Int32Array;
  readonly left: Int32Array;
  /** Fixed-point OOB vote of the current leaf per class. */
  readonly leafVote: Int32Array;
  /** Best split found so far for the current node: proxy, bin (or −1 for a raw-value threshold). */
  best = -Infinity;
  bestBin = 0;
  bestThreshold = 0;
  /** Largest value going left and smallest going right of the last {@link partitionByCode}. */
  leftMax = 0;
  rightMin = 0;
  readonly bestLeft: Int32Array;

  constructor(readonly set: TrainingSet) {
    const n = set.nSamples;
    const k = set.nClasses;
    this.weight = new Int32Array(n);
    this.index = new Uint32Array(n);
    this.payload = new Int32Array(n);
    this.oob = new Uint32Array(n);
    this.sortKey = new Int32Array(n);
    this.sortPayload = new Int32Array(n);
    this.sortValue = new Float32Array(n);
    this.sortOrder = new Uint32Array(n);
    this.hist = new Int32Array(2 * MAX_BINS * k);
    this.nodes = new Int32Array(3 * Math.max(1, 2 * n - 1));
    this.thresholds = new Float32Array(this.nodes.buffer);
    this.leaves = new Float32Array(n * k);
    this.featureOrder = new Uint16Array(set.nFeatures);
    this.importance = new Float64Array(set.nFeatures);
    this.stackCounts = new Int32Array(k * 64);
    this.counts = new Int32Array(k);
    this.left = new Int32Array(k);
    this.leafVote = new Int32Array(k);
    this.bestLeft = new Int32Array(k);
  }
}

const STACK_WORDS = 6;

/** Allocates a {@link TreeScratch} for a training set. */
export function createTreeScratch(set: TrainingSet): TreeScratch {
  return new TreeScratch(set);
}

/** Nodes split between two cancellation checks in {@link growTree} (a check is one atomic load). */
export const NODES_PER_CANCEL_CHECK = 32;

/**
 * Grows tree `treeIndex` of a forest: bootstrap sample with replacement (n draws, kept as a draw count
 * per sample), then depth-first splitting on the Gini criterion with `settings.mtry` candidate features
 * drawn per split (more are tried, like scikit-learn, while none of the drawn ones can split the node),
 * until nodes are pure or hit `maxDepth` / `minSamplesLeaf`. Splits are searched on bin codes
 * ({@link TrainingSet}); only when no feature has a split between bins is the node split on sorted raw
 * values, so every impure node with two distinct feature vectors is split. Everything random comes from
 * `TreeRandom(seed, treeIndex)` and all split statistics are integer counts, so the tree depends only on
 * the data, settings and index.
 *
 * After the call `scratch.weight` holds the bootstrap counts (0 = out of bag) of this tree. The
 * out-of-bag samples are carried down the tree with the in-bag ones (partitioned by each split, which
 * sends them exactly where prediction would), and when `oobVotes` is given each adds its leaf's
 * fixed-point class probabilities (`round(p·OOB_VOTE_SCALE)`) to `oobVotes[sample·K + k]`.
 *
 * @param checkCancelled called every {@link NODES_PER_CANCEL_CHECK} nodes; may throw to abandon the tree, so a
 *   cancelled job stops within a fraction of one tree (a tree on a large set can take seconds on a busy machine)
 * @param oobVotes nSamples×nClasses accumulator of out-of-bag votes (see Forest.oobVotes)
 */
export function growTree(
  set: TrainingSet, settings: ForestSettings, treeIndex: number, s: TreeScratch, checkCancelled?: () => void,
  oobVotes?: Float64Array,
): ForestTree {
  const { nSamples: N, nFeatures: F, nClasses: K, classes, codes, columns } = set;
  const { mtry, minSamplesLeaf: minLeaf } = settings;
  const maxDepth = settings.maxDepth < 0 ? Infinity : settings.maxDepth;
  const { weight: w, index: idx, payload: pay, oob, nodes, thresholds: thr, leaves, featureOrder: order, importance, counts, bestLeft, leafVote } = s;
  const rng = new TreeRandom(settings.seed, treeIndex);

  w.fill(0);
  for (let i = 0; i < N; i++) w[rng.below(N)]++;
  let nIn = 0;
  let nOut = 0;
  counts.fill(0);
  for (let i = 0; i < N; i++) {
    const wi = w[i];
    if (wi > 0) { idx[nIn] = i; pay[nIn] = (wi << 8) | classes[i]; nIn++; counts[classes[i]] += wi; } else oob[nOut++] = i;
  }
  for (let f = 0; f < F; f++) order[f] = f;
  importance.fill(0);

  let nodeCount = 1;
  let leafCount = 0;
  let treeDepth = 0;
  let sp = pushNode(s, 0, 0, 0, nIn, 0, nOut, 0, counts, counts, false);

  let untilCheck = NODES_PER_CANCEL_CHECK;
  while (sp > 0) {
    if (checkCancelled && --untilCheck === 0) { untilCheck = NODES_PER_CANCEL_CHECK; checkCancelled(); }
    sp--;
    const info = s.stackInfo;
    const at = sp * STACK_WORDS;
    const node = info[at];
    const start = info[at + 1];
    const end = info[at + 2];
    const oobStart = info[at + 3];
    const oobEnd = info[at + 4];
    const depth = info[at + 5];
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
      const sorted = end - start <= SORTED_MAX_NODE;
      for (let j = 0; j < F; j++) {
        if (j >= mtry && bestFeature >= 0) break;
        const r = j + rng.below(F - j);
        const f = order[r]; order[r] = order[j]; order[j] = f;
        const before = s.best;
        if (sorted) searchSortedCodes(s, f, start, end, W, minLeaf);
        else searchHistogram(s, f, start, end, W, minLeaf);
        if (s.best > before) bestFeature = f;
      }
      // rare: no feature separates the node's samples between bins; split on raw values
      for (let j = 0; bestFeature < 0 && j < F; j++) {
        searchValues(s, order[j], start, end, W, minLeaf);
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
      if (oobVotes && oobEnd > oobStart) {
        for (let k = 0; k < K; k++) leafVote[k] = Math.round(leaves[leaf * K + k] * OOB_VOTE_SCALE);
        for (let i = oobStart; i < oobEnd; i++) {
          const row = oob[i] * K;
          for (let k = 0; k < K; k++) oobVotes[row + k] += leafVote[k];
        }
      }
      continue;
    }

    // partition the in-bag samples, then the out-of-bag ones by the threshold (as prediction will)
    const off = bestFeature * N;
    let mid: number;
    let threshold: number;
    if (s.bestBin >= 0) {
      mid = partitionByCode(s, start, end, codes, columns, off, s.bestBin);
      // midway between the node's closest values on either side (as scikit-learn does), not at the
      // bin edge: the split of the training samples is the same, new data is split at the margin
      threshold = midpointThreshold(s.leftMax, s.rightMin);
    } else {
      threshold = s.bestThreshold;
      mid = partitionByValue(idx, pay, start, end, columns, off, threshold);
    }
    const oobMid = partitionByValue(oob, null, oobStart, oobEnd, columns, off, threshold);
    const child = nodeCount;
    nodeCount += 2;
    nodes[3 * node] = child;
    nodes[3 * node + 1] = bestFeature;
    thr[3 * node + 2] = threshold;
    importance[bestFeature] += s.best - parentProxy;
    sp = pushNode(s, sp, child + 1, mid, end, oobMid, oobEnd, depth + 1, counts, bestLeft, true);
    sp = pushNode(s, sp, child, start, mid, oobStart, oobMid, depth + 1, bestLeft, bestLeft, false);
  }

  let total = 0;
  for (let f = 0; f < F; f++) total += importance[f];
  const imp = new Float32Array(F);
  if (total > 0) for (let f = 0; f < F; f++) imp[f] = importance[f] / total;
  return makeTree(nodes.slice(0, 3 * nodeCount), leaves.slice(0, leafCount * K), K, treeDepth, imp);
}

/** Pushes a node on the depth-first stack; its class counts are `c`, or `c − other` when `subtract`. */
function pushNode(
  s: TreeScratch, sp: number, node: number, start: number, end: number, oobStart: number, oobEnd: number, depth: number,
  c: Int32Array, other: Int32Array, subtract: boolean,
): number {
  const K = c.length;
  if ((sp + 1) * STACK_WORDS > s.stackInfo.length) {
    const info = new Int32Array(s.stackInfo.length * 2); info.set(s.stackInfo); s.stackInfo = info;
    const counts = new Int32Array(s.stackCounts.length * 2); counts.set(s.stackCounts); s.stackCounts = counts;
  }
  const info = s.stackInfo;
  const at = sp * STACK_WORDS;
  info[at] = node; info[at + 1] = start; info[at + 2] = end; info[at + 3] = oobStart; info[at + 4] = oobEnd; info[at + 5] = depth;
  const sc = s.stackCounts;
  for (let k = 0; k < K; k++) sc[sp * K + k] = subtract ? c[k] - other[k] : c[k];
  return sp + 1;
}

/**
 * Moves the in-bag samples of `[start, end)` with code ≤ `bin` (code column at `off`) to the front,
 * with their payloads; returns the end of the left part and leaves the largest raw value going left
 * and the smallest going right in `s.leftMax` / `s.rightMin`.
 */
function partitionByCode(
  s: TreeScratch, start: number, end: number, codes: Uint8Array, columns: Float32Array, off: number, bin: number,
): number {
  const { index: idx, payload: pay } = s;
  let i = start;
  let j = end - 1;
  for (;;) {
    while (i <= j && codes[off + idx[i]] <= bin) i++;
    while (i < j && codes[off + idx[j]] > bin) j--;
    if (i >= j) break;
    const t = idx[i]; idx[i] = idx[j]; idx[j] = t;
    const p = pay[i]; pay[i] = pay[j]; pay[j] = p;
    i++; j--;
  }
  let leftMax = -Infinity;
  for (let r = start; r < i; r++) { const v = columns[off + idx[r]]; if (v > leftMax) leftMax = v; }
  let rightMin = Infinity;
  for (let r = i; r < end; r++) { const v = columns[off + idx[r]]; if (v < rightMin) rightMin = v; }
  s.leftMax = leftMax;
  s.rightMin = rightMin;
  return i;
}

/** {@link partitionByCode} on raw values: samples with `value <= threshold` go first. */
function partitionByValue(
  idx: Uint32Array, pay: Int32Array | null, start: number, end: number, columns: Float32Array, off: number, threshold: number,
): number {
  let i = start;
  let j = end - 1;
  for (;;) {
    while (i <= j && columns[off + idx[i]] <= threshold) i++;
    while (i < j && !(columns[off + idx[j]] <= threshold)) j--;
    if (i >= j) return i;
    const t = idx[i]; idx[i] = idx[j]; idx[j] = t;
    if (pay) { const p = pay[i]; pay[i] = pay[j]; pay[j] = p; }
    i++; j--;
  }
}

/**
 * Midpoint threshold between two adjacent distinct float32 values `lo < hi`: `lo <= t < hi`, so
 * `value <= t` separates them exactly (as scikit-learn does). When the midpoint rounds up to `hi`
 * (adjacent float32 values) the threshold is `lo`.
 */
function midpointThreshold(lo: number, hi: number): number {
  const t = Math.fround(lo / 2 + hi / 2);
  return t >= lo && t < hi ? t : lo;
}

/**
 * Evaluates the split with class counts `left` (weight `wL`) against the node's `counts` (weight `W`)
 * through the Gini proxy Σ_k L_k²/w_L + Σ_k R_k²/w_R (maximising it minimises the weighted Gini
 * impurity of the children); returns true and records it when it beats `s.best`.
 */
function consider(s: TreeScratch, wL: number, W: number): boolean {
  const { left, counts } = s;
  const K = left.length;
  let sL = 0;
  let sR = 0;
  for (let k = 0; k < K; k++) { const l = left[k]; const r = counts[k] - l; sL += l * l; sR += r * r; }
  const proxy = sL / wL + sR / (W - wL);
  if (proxy > s.best) {
    s.best = proxy;
    s.bestLeft.set(left);
    return true;
  }
  return false;
}

/**
 * Best split "code ≤ b" of feature `f`: one pass accumulating a class histogram per bin (weighted
 * by bootstrap draws), one pass over the bins. Updates `s.best*` when better.
 */
function searchHistogram(s: TreeScratch, f: number, start: number, end: number, W: number, minLeaf: number): void {
  const { nSamples: N, nClasses: K, codes, binCounts } = s.set;
  const nb = binCounts[f];
  accumulateHistogram(s.hist, nb * K, K, codes, f * N, s.index, s.payload, start, end);
  if (K === 2) scanHistogram2(s, nb, W, minLeaf);
  else scanHistogram(s, nb, W, minLeaf);
}

/**
 * Class histogram `hist[code·K + class]` (bootstrap-weighted) of the samples `idx[start, end)` on the
 * code column at `off`. Even and odd positions count into two halves of `hist` that are summed at
 * the end: consecutive samples often fall into the same bin, and one histogram would chain each
 * increment on the previous store (~25 % faster on the bench workload). Kept apart from the scan:
 * V8 compiles this loop (on-stack replacement) during its first long call, and code after the loop
 * that has not run yet would then deoptimise every call.
 */
function accumulateHistogram(
  hist: Int32Array, size: number, K: number, codes: Uint8Array, off: number, idx: Uint32Array, pay: Int32Array,
  start: number, end: number,
): void {
  hist.fill(0, 0, 2 * size);
  let i = start;
  for (; i + 1 < end; i += 2) {
    const p = pay[i];
    const q = pay[i + 1];
    hist[codes[off + idx[i]] * K + (p & 255)] += p >> 8;
    hist[size + codes[off + idx[i + 1]] * K + (q & 255)] += q >> 8;
  }
  if (i < end) { const p = pay[i]; hist[codes[off + idx[i]] * K + (p & 255)] += p >> 8; }
  for (let b = 0; b < size; b++) hist[b] += hist[size + b];
}

/**
 * {@link scanHistogram} for two classes (the common case: object vs background), with the counts in
 * locals instead of arrays; same splits, same order, same arithmetic.
 */
function scanHistogram2(s: TreeScratch, nb: number, W: number, minLeaf: number): void {
  const hist = s.hist;
  const c0 = s.counts[0];
  const c1 = s.counts[1];
  let best = s.best;
  let bestBin = -1;
  let best0 = 0;
  let best1 = 0;
  let l0 = 0;
  let l1 = 0;
  for (let b = 0; b < nb - 1; b++) {
    const h0 = hist[2 * b];
    const h1 = hist[2 * b + 1];
    if ((h0 | h1) === 0) continue;
    l0 += h0;
    l1 += h1;
    const wL = l0 + l1;
    const wR = W - wL;
    if (wR < minLeaf) break;
    if (wL < minLeaf) continue;
    const r0 = c0 - l0;
    const r1 = c1 - l1;
    const proxy = (l0 * l0 + l1 * l1) / wL + (r0 * r0 + r1 * r1) / wR;
    if (proxy > best) { best = proxy; bestBin = b; best0 = l0; best1 = l1; }
  }
  if (bestBin >= 0) {
    s.best = best;
    s.bestBin = bestBin;
    s.bestLeft[0] = best0;
    s.bestLeft[1] = best1;
  }
}

/** Evaluates every boundary between non-empty bins of `s.hist` (bins `0..nb-1`) in increasing order. */
function scanHistogram(s: TreeScratch, nb: number, W: number, minLeaf: number): void {
  const { hist, left, counts } = s;
  const K = left.length;
  for (let k = 0; k < K; k++) left[k] = 0;
  let wL = 0;
  for (let b = 0; b < nb - 1; b++) {
    let bw = 0;
    const h = b * K;
    for (let k = 0; k < K; k++) { const v = hist[h + k]; left[k] += v; bw += v; }
    if (bw === 0) continue;
    wL += bw;
    const wR = W - wL;
    if (wR < minLeaf) break;
    if (wL < minLeaf) continue;
    let sL = 0;
    let sR = 0;
    for (let k = 0; k < K; k++) { const l = left[k]; const r = counts[k] - l; sL += l * l; sR += r * r; }
    const proxy = sL / wL + sR / wR;
    if (proxy > s.best) { s.best = proxy; s.bestBin = b; s.bestLeft.set(left); }
  }
}

/**
 * Same result as {@link searchHistogram} for small nodes: insertion-sorts the node's (code, payload)
 * pairs and evaluates each boundary between distinct codes, in increasing code order.
 */
function searchSortedCodes(s: TreeScratch, f: number, start: number, end: number, W: number, minLeaf: number): void {
  const { nSamples: N, codes } = s.set;
  const { index: idx, payload: pay, left, sortKey: keys, sortPayload: pays } = s;
  const n = end - start;
  const off = f * N;
  for (let j = 0; j < n; j++) {
    const c = codes[off + idx[start + j]];
    const p = pay[start + j];
    let q = j;
    while (q > 0 && keys[q - 1] > c) { keys[q] = keys[q - 1]; pays[q] = pays[q - 1]; q--; }
    keys[q] = c; pays[q] = p;
  }
  if (keys[0] === keys[n - 1]) return; // one bin in this node
  for (let k = 0; k < left.length; k++) left[k] = 0;
  let wL = 0;
  for (let j = 0; j < n - 1; j++) {
    const p = pays[j];
    left[p & 255] += p >> 8;
    wL += p >> 8;
    if (keys[j + 1] === keys[j]) continue;
    if (W - wL < minLeaf) break;
    if (wL < minLeaf) continue;
    if (consider(s, wL, W)) s.bestBin = keys[j];
  }
}

/**
 * Best split of feature `f` on its raw values (sorted), for nodes that no bin boundary can split:
 * evaluates every boundary between distinct values and records the midpoint threshold, with
 * `s.bestBin = −1`.
 */
function searchValues(s: TreeScratch, f: number, start: number, end: number, W: number, minLeaf: number): void {
  const { nSamples: N, columns } = s.set;
  const { index: idx, payload: pay, left, sortValue: vals, sortPayload: pays, sortOrder: ord } = s;
  const n = end - start;
  const off = f * N;
  for (let j = 0; j < n; j++) { vals[j] = columns[off + idx[start + j]]; ord[j] = j; }
  // rare path: a comparison sort of positions (ties by position keep it deterministic)
  const sorted = ord.subarray(0, n).sort((a, b) => vals[a] - vals[b] || a - b);
  for (let j = 0; j < n; j++) pays[j] = pay[start + sorted[j]];
  for (let k = 0; k < left.length; k++) left[k] = 0;
  let wL = 0;
  for (let j = 0; j < n - 1; j++) {
    const p = pays[j];
    left[p & 255] += p >> 8;
    wL += p >> 8;
    const lo = vals[sorted[j]];
    const hi = vals[sorted[j + 1]];
    if (!(lo < hi)) continue;
    if (W - wL < minLeaf) break;
    if (wL < minLeaf) continue;
    if (consider(s, wL, W)) { s.bestBin = -1; s.bestThreshold = midpointThreshold(lo, hi); }
  }
}
