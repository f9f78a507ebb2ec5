import { ensureWasmMemory, WASM_HEAP_BASE } from '../wasm/instantiateWasm';
import { mappedBuffer } from '../memory/mappedBuffer';
import { type ForestSettings, type ForestTree, ForestTrainingError, makeTree, OOB_VOTE_SCALE, treeSampleCount } from './forestModel';
import { kernelUse, trainKernel, type TrainKernelExports } from './trainKernel';
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
export function setSortedMaxNode(n: number): void { SORTED_MAX_NODE = Math.min(n, SORT_CAPACITY); }
/** Size of the kernel's sort scratch (an upper bound for {@link SORTED_MAX_NODE}). */
const SORT_CAPACITY = 4096;

/** Byte offsets of a training set's buffers in the kernel's memory (see extension/wasm/forestTrain.ts). */
interface KernelLayout {
  codes: number; columns: number; classes: number; weight: number; idx: number; pay: number; oob: number; tmpIdx: number;
  tmpPay: number; perm: number; picks: number; sub: number; subCodes: number; hist: number; order: number; binCounts: number;
  counts: number; result: number; minmax: number; state: number; sortKey: number; sortPay: number; end: number;
}

function kernelLayout(set: TrainingSet, subCapacity: number): KernelLayout {
  const n = set.nSamples;
  const K = set.nClasses;
  const align = (v: number) => (v + 15) & ~15;
  const columns = WASM_HEAP_BASE;
  const codes = align(columns + 4 * n * set.nFeatures);
  const classes = align(codes + n * set.nFeatures);
  const weight = align(classes + n);
  const idx = weight + 4 * n;
  const pay = idx + 4 * n;
  const oob = pay + 4 * n;
  const tmpIdx = oob + 4 * n;
  const tmpPay = tmpIdx + 4 * n;
  const perm = tmpPay + 4 * n;
  const picks = perm + 4 * n;
  const sub = picks + 4 * n;
  const subCodes = sub + 4 * n;
  const hist = align(subCodes + subCapacity * set.nFeatures);
  const order = align(hist + 4 * MAX_BINS * K);
  const binCounts = order + 4 * set.nFeatures;
  const counts = align(binCounts + 4 * set.nFeatures);
  const result = align(counts + 4 * K);
  const minmax = align(result + 16 + 8 * K);
  const state = minmax + 16;
  const sortKey = state + 16;
  const sortPay = sortKey + 4 * SORT_CAPACITY;
  return { codes, columns, classes, weight, idx, pay, oob, tmpIdx, tmpPay, perm, picks, sub, subCodes, hist, order, binCounts, counts, result, minmax, state, sortKey, sortPay, end: sortPay + 4 * SORT_CAPACITY };
}

/**
 * Reusable buffers and per-tree state for growing trees on one training set (allocate once per
 * worker, not per tree). The bin codes, raw values, in-bag and out-of-bag positions and the split-search
 * state live in the memory of this thread's WebAssembly kernel, which runs the bootstrap, the split
 * searches and the partitions (1.6–2.7× faster trees than the same code in JavaScript, with identical
 * results); the arrays below are views into it, re-created by `attachKernel` whenever another scratch
 * used the kernel in between or its memory grew. The kernel memory keeps its largest size per thread
 * (~6 MiB for 20,000 samples × 49 features), so later trainings do not page-fault.
 */
export class TreeScratch {
  /** Bootstrap draw count of each sample for the current tree (0 = out of bag) (kernel memory). */
  weight!: Int32Array;
  /** Distinct in-bag samples in sample order, partitioned (stably) so that each node owns a contiguous range (kernel memory). */
  index!: Uint32Array;
  /** `(weight << 8) | class` of `index[i]`, moved with it (kernel memory). */
  payload!: Int32Array;
  /** Class counts (bootstrap draws) of the node being split (kernel memory). */
  counts!: Int32Array;
  /** Best split of the node so far: proxy at [0] (kernel memory). */
  bestProxy!: Float64Array;
  /** Bin of the best split at [2] (−1 for a raw-value threshold) (kernel memory). */
  bestWords!: Int32Array;
  /** Left class counts of the best split (kernel memory). */
  bestLeft!: Int32Array;
  /** Out-of-bag samples, partitioned like `index` so each leaf knows the OOB samples reaching it (kernel memory). */
  oob!: Uint32Array;
  /** Largest value going left and smallest going right of the last code partition, then its lowest bin going right as i32 (kernel memory). */
  minmax!: Float32Array;
  minmaxWords!: Int32Array;
  /** Generator state handed to the kernel's bootstrap (kernel memory). */
  rngState!: Uint32Array;
  /** The samples of the current tree when it grows from a subsample, in increasing order (kernel memory). */
  sub!: Uint32Array;
  /** Scratch of the raw-value split search (payloads, values, order) and its running left counts. */
  readonly sortPayload: Int32Array;
  readonly sortValue: Float32Array;
  readonly sortOrder: Uint32Array;
  readonly left: Int32Array;
  readonly nodes: Int32Array;
  readonly thresholds: Float32Array;
  readonly leaves: Float32Array;
  /** Candidate feature order, shuffled as features are drawn (kernel memory). */
  featureOrder!: Int32Array;
  readonly importance: Float64Array;
  /** Depth-first stack: node, start, end, oobStart, oobEnd, depth per entry; class counts beside. */
  stackInfo = new Int32Array(STACK_WORDS * 64);
  stackCounts: Int32Array;
  /** Fixed-point OOB vote of the current leaf per class. */
  readonly leafVote: Int32Array;
  /** Threshold of the best raw-value split. */
  bestThreshold = 0;
  readonly layout: KernelLayout;

  /**
   * @param subCapacity largest subsample a tree may grow from (see treeSampleCount); its samples' codes are
   *   gathered into kernel memory of this many samples × features
   */
  constructor(readonly set: TrainingSet, readonly subCapacity = 0) {
    const n = set.nSamples;
    const k = set.nClasses;
    // The n-sized arrays are mapped (see mappedBuffer): they grow with the labels and are dropped after the training.
    this.sortPayload = new Int32Array(mappedBuffer(4 * n), 0, n);
    this.sortValue = new Float32Array(mappedBuffer(4 * n), 0, n);
    this.sortOrder = new Uint32Array(mappedBuffer(4 * n), 0, n);
    this.left = new Int32Array(k);
    const nodeWords = 3 * Math.max(1, 2 * n - 1);
    this.nodes = new Int32Array(mappedBuffer(4 * nodeWords), 0, nodeWords);
    this.thresholds = new Float32Array(this.nodes.buffer, 0, nodeWords);
    this.leaves = new Float32Array(mappedBuffer(4 * n * k), 0, n * k);
    this.importance = new Float64Array(set.nFeatures);
    this.stackCounts = new Int32Array(k * 64);
    this.leafVote = new Int32Array(k);
    this.layout = kernelLayout(set, subCapacity);
    attachKernel(this);
  }
}

/** The kernel, holding the data of `s` (copied in again when another scratch used it meanwhile or its memory grew). */
function attachKernel(s: TreeScratch): TrainKernelExports {
  const kernel = trainKernel();
  if (kernelUse.owner === s && s.index.buffer === kernel.memory.buffer) return kernel;
  const L = s.layout;
  const { nSamples: n, nClasses: k } = s.set;
  try {
    ensureWasmMemory(kernel.memory, L.end);
  } catch (error) {
    throw new ForestTrainingError(
      `training on ${n} samples × ${s.set.nFeatures} features needs ${Math.ceil(L.end / 2 ** 20)} MiB of kernel memory, which could not be allocated (${(error as Error).message}); train on fewer labelled pixels`,
    );
  }
  const buffer = kernel.memory.buffer;
  new Uint8Array(buffer, L.codes, s.set.codes.length).set(s.set.codes);
  new Float32Array(buffer, L.columns, s.set.columns.length).set(s.set.columns);
  new Uint8Array(buffer, L.classes, n).set(s.set.classes);
  new Int32Array(buffer, L.binCounts, s.set.nFeatures).set(s.set.binCounts);
  const perm = new Uint32Array(buffer, L.perm, n); // the identity, which subsampleBootstrap restores after each tree
  for (let i = 0; i < n; i++) perm[i] = i;
  s.featureOrder = new Int32Array(buffer, L.order, s.set.nFeatures);
  s.weight = new Int32Array(buffer, L.weight, n);
  s.oob = new Uint32Array(buffer, L.oob, n);
  s.minmax = new Float32Array(buffer, L.minmax, 2);
  s.minmaxWords = new Int32Array(buffer, L.minmax, 3);
  s.rngState = new Uint32Array(buffer, L.state, 4);
  s.sub = new Uint32Array(buffer, L.sub, n);
  s.index = new Uint32Array(buffer, L.idx, n);
  s.payload = new Int32Array(buffer, L.pay, n);
  s.counts = new Int32Array(buffer, L.counts, k);
  s.bestProxy = new Float64Array(buffer, L.result, 1);
  s.bestWords = new Int32Array(buffer, L.result, 4);
  s.bestLeft = new Int32Array(buffer, L.result + 16, k);
  kernelUse.owner = s;
  return kernel;
}

const STACK_WORDS = 6;

/**
 * Allocates a {@link TreeScratch} for a training set.
 * @param subCapacity largest subsample of its trees (`treeSampleCount(n, settings.samplesPerTree)` when below n)
 */
export function createTreeScratch(set: TrainingSet, subCapacity = 0): TreeScratch {
  return new TreeScratch(set, subCapacity < set.nSamples ? subCapacity : 0);
}

/** Nodes split between two cancellation checks in {@link growTree} (a check is one atomic load). */
export const NODES_PER_CANCEL_CHECK = 32;

/**
 * Grows tree `treeIndex` of a forest: bootstrap sample with replacement (n draws, kept as a draw count
 * per sample; above 25,000 samples, m draws among a seeded random m of them, see {@link treeSampleCount}),
 * then depth-first splitting on the Gini criterion with `settings.mtry` candidate features
 * drawn per split (more are tried, like scikit-learn, while none of the drawn ones can split the node),
 * until nodes are pure or hit `maxDepth` / `minSamplesLeaf`. Splits are searched on bin codes
 * ({@link TrainingSet}); only when no feature has a split between bins is the node split on sorted raw
 * values, so every impure node with two distinct feature vectors is split. Everything random comes from
 * `TreeRandom(seed, treeIndex)` and all split statistics are integer counts, so the tree depends only on
 * the data, settings and index.
 *
 * After the call `scratch.weight` holds the bootstrap counts (0 = not in the bag) of this tree. The
 * out-of-bag samples (those not drawn; with a subsample, those of the subsample not drawn) are carried down
 * the tree with the in-bag ones (partitioned by each split, which
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
  const { nSamples: N, nFeatures: F, nClasses: K } = set;
  const { mtry, minSamplesLeaf: minLeaf } = settings;
  const maxDepth = settings.maxDepth < 0 ? Infinity : settings.maxDepth;
  const k = attachKernel(s);
  const L = s.layout;
  const { oob, nodes, thresholds: thr, leaves, featureOrder: order, importance, counts, bestLeft, bestProxy, bestWords, leafVote } = s;
  const rng = new TreeRandom(settings.seed, treeIndex);

  // the tree's random stream continues in the kernel: bootstrap (N draws, or m picks and m draws), then the feature draws
  rng.writeState(s.rngState);
  const m = treeSampleCount(N, settings.samplesPerTree);
  // A tree grown from a subsample runs on its m samples only, numbered 0..m-1 (positions in `sub`): their codes
  // are gathered into a dense m-column block, so the tree's passes touch m samples' memory, not N's (on 500,000
  // samples the scattered reads cost a 25,000-sample tree ~25 % more CPU than the gather); raw values are read
  // through `sub`.
  const compact = m < N;
  if (compact && m > s.subCapacity) {
    throw new ForestTrainingError(`a tree of ${m} samples does not fit a scratch made for subsamples of ${s.subCapacity}`);
  }
  let nIn: number;
  if (compact) {
    nIn = k.subsampleBootstrap(L.state, N, m, L.weight, L.classes, L.idx, L.pay, L.oob, L.counts, K, L.perm, L.picks, L.sub);
    k.gatherCodes(L.codes, N, F, L.sub, m, L.subCodes);
  } else {
    nIn = k.bootstrap(L.state, N, L.weight, L.classes, L.idx, L.pay, L.oob, L.counts, K);
  }
  const nOut = m - nIn;
  /** Stride and base of the code columns the tree reads, and the position → sample map (0: none). */
  const stride = compact ? m : N;
  const codeBase = compact ? L.subCodes : L.codes;
  const orig = compact ? L.sub : 0;
  const sub = compact ? s.sub : undefined;
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

    let bestFeature = -1;
    if (present > 1 && depth < maxDepth && W >= 2 * minLeaf) {
      // mtry (or more) features drawn per split and searched, in one kernel call
      bestFeature = k.searchNode(
        L.state, L.order, F, mtry, L.binCounts, L.hist, codeBase, stride, L.idx, L.pay, start, end, K, W, minLeaf,
        L.counts, L.result, L.sortKey, L.sortPay, SORTED_MAX_NODE,
      );
      // rare: no feature separates the node's samples between bins; split on raw values
      for (let j = 0; bestFeature < 0 && j < F; j++) {
        if (searchValues(s, order[j], start, end, W, minLeaf, sub)) bestFeature = order[j];
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
          const row = (sub ? sub[oob[i]] : oob[i]) * K;
          for (let k = 0; k < K; k++) oobVotes[row + k] += leafVote[k];
        }
      }
      continue;
    }

    // partition the in-bag samples, then the out-of-bag ones
    const codes = codeBase + bestFeature * stride;
    const values = L.columns + 4 * bestFeature * N;
    let mid: number;
    let threshold: number;
    const best = bestProxy[0];
    const bestBin = bestWords[2];
    // out-of-bag samples with codes in [oobBin, oobRightBin] are routed by their value (as prediction will)
    let oobBin = 0;
    let oobRightBin = MAX_BINS - 1;
    if (bestBin >= 0) {
      mid = k.partitionByCode(codes, values, L.idx, L.pay, start, end, bestBin, L.minmax, L.tmpIdx, L.tmpPay, orig);
      // midway between the node's closest values on either side (as scikit-learn does), not at the
      // bin edge: the split of the training samples is the same, new data is split at the margin
      threshold = midpointThreshold(s.minmax[0], s.minmax[1]);
      oobBin = bestBin;
      oobRightBin = s.minmaxWords[2];
    } else {
      threshold = s.bestThreshold;
      mid = k.partitionByValue(values, L.idx, L.pay, start, end, threshold, L.tmpIdx, L.tmpPay, orig);
    }
    const oobMid = k.partitionOob(codes, values, L.oob, oobStart, oobEnd, oobBin, oobRightBin, threshold, L.tmpIdx, orig);
    const child = nodeCount;
    nodeCount += 2;
    nodes[3 * node] = child;
    nodes[3 * node + 1] = bestFeature;
    thr[3 * node + 2] = threshold;
    importance[bestFeature] += best - parentProxy;
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
 * Midpoint threshold between two adjacent distinct float32 values `lo < hi`: `lo <= t < hi`, so
 * `value <= t` separates them exactly (as scikit-learn does). When the midpoint rounds up to `hi`
 * (adjacent float32 values) the threshold is `lo`.
 */
function midpointThreshold(lo: number, hi: number): number {
  const t = Math.fround(lo / 2 + hi / 2);
  return t >= lo && t < hi ? t : lo;
}

/**
 * Best split of feature `f` on its raw values (sorted), for nodes that no bin boundary can split:
 * evaluates every boundary between distinct values with the same criterion as the kernel; on
 * improvement records the proxy, bin −1, the left counts and the midpoint threshold. `sub` maps a subsample
 * tree's positions to samples.
 * @returns true when the best split improved
 */
function searchValues(s: TreeScratch, f: number, start: number, end: number, W: number, minLeaf: number, sub: Uint32Array | undefined): boolean {
  const { nSamples: N, columns } = s.set;
  const { index: idx, payload: pay, left, counts, sortValue: vals, sortPayload: pays, sortOrder: ord } = s;
  const K = left.length;
  const n = end - start;
  const off = f * N;
  for (let j = 0; j < n; j++) { const p = idx[start + j]; vals[j] = columns[off + (sub ? sub[p] : p)]; ord[j] = j; }
  // rare path: a comparison sort of positions (ties by position keep it deterministic)
  const sorted = ord.subarray(0, n).sort((a, b) => vals[a] - vals[b] || a - b);
  for (let j = 0; j < n; j++) pays[j] = pay[start + sorted[j]];
  left.fill(0);
  let improved = false;
  let wL = 0;
  for (let j = 0; j < n - 1; j++) {
    const p = pays[j];
    left[p & 255] += p >> 8;
    wL += p >> 8;
    const lo = vals[sorted[j]];
    const hi = vals[sorted[j + 1]];
    if (!(lo < hi)) continue;
    const wR = W - wL;
    if (wR < minLeaf) break;
    if (wL < minLeaf) continue;
    let sL = 0;
    let sR = 0;
    for (let k = 0; k < K; k++) { const l = left[k]; const r = counts[k] - l; sL += l * l; sR += r * r; }
    const proxy = sL / wL + sR / wR;
    if (proxy > s.bestProxy[0]) {
      s.bestProxy[0] = proxy;
      s.bestWords[2] = -1;
      s.bestLeft.set(left);
      s.bestThreshold = midpointThreshold(lo, hi);
      improved = true;
    }
  }
  return improved;
}
