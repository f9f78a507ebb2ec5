/**
 * Data model of the random forest (issue #4): flat typed arrays per tree, laid out for prediction.
 *
 * Node layout (one `Int32Array`, three 32-bit words per node, so a node is one 12-byte record and
 * a walk touches one cache line per level):
 * - word 0 `child`: for an inner node the index of its left child; the right child is always
 *   `child + 1` (children are allocated in pairs). For a leaf, `~leafIndex` (a negative number).
 * - word 1 `feature`: feature channel tested by an inner node (0 for leaves).
 * - word 2 `threshold`: float32 bits (read through a `Float32Array` view of the same buffer); a sample
 *   goes left when `value <= threshold`.
 * Node 0 is the root. Leaf `j` has class probabilities `leafValues[j*nClasses + k]` for class `k+1`
 * (float32, summing to 1).
 */

/** Options of {@link trainForest}; all optional except `nClasses`. */
export interface ForestOptions {
  /** Number of classes K; labels are 1..K. */
  nClasses: number;
  /** Number of trees. @default 100 */
  nTrees?: number;
  /** Forest seed; tree i depends only on (seed, i). @default 0 */
  seed?: number;
  /** Maximum tree depth (root = depth 0); undefined = grow to purity. */
  maxDepth?: number;
  /** Minimum number of bootstrap draws in each leaf. @default 1 */
  minSamplesLeaf?: number;
  /** Candidate features per split. @default floor(sqrt(nFeatures)) */
  mtry?: number;
  /**
   * Training samples each tree is grown from (see {@link treeSampleCount}): 0 = the default rule; a positive
   * number m = a random m of the samples per tree (all of them when there are no more than m). Not stored in
   * the model file (a read model reports 0); the extension and the CLI always use the rule.
   * @default 0
   */
  samplesPerTree?: number;
  /** Train only trees [start, end) of the forest (for spreading trees over workers). @default [0, nTrees) */
  treeRange?: [number, number];
}

/** One trained decision tree. */
export interface ForestTree {
  /** Node records, 3 words per node (see module docs). */
  nodes: Int32Array;
  /** Float32 view on `nodes.buffer` (index `3*node + 2` is the threshold). */
  thresholds: Float32Array;
  /** Number of nodes. */
  nodeCount: number;
  /** Leaf class probabilities, `[leaf][class]`. */
  leafValues: Float32Array;
  /** Number of leaves. */
  leafCount: number;
  /** Depth of the deepest leaf (root alone = 0). */
  depth: number;
  /** Gini importance of each feature in this tree, normalised to sum 1 (all 0 for a single-leaf tree). */
  importance: Float32Array;
}

/** Resolved training settings stored with the model. */
export interface ForestSettings {
  /** Total number of trees of the full forest. */
  nTrees: number;
  seed: number;
  /** -1 = unlimited. */
  maxDepth: number;
  minSamplesLeaf: number;
  mtry: number;
  /** Samples per tree: 0 = the rule of {@link treeSampleCount}, else at most this many. */
  samplesPerTree: number;
}

/**
 * Up to this many training samples every tree bootstraps all of them (n draws with replacement, as ilastik's
 * vigra forest and scikit-learn do), so forests of up to this many labelled pixels are unchanged by the rule of
 * {@link treeSampleCount}; above it, each tree is grown from this many of them.
 */
export const ALL_SAMPLES_PER_TREE_UP_TO = 25_000;

/**
 * How many of `n` training samples each tree is grown from. The rule (`samplesPerTree` 0): all of them up to
 * {@link ALL_SAMPLES_PER_TREE_UP_TO}, above that {@link ALL_SAMPLES_PER_TREE_UP_TO}. When m < n a tree takes a
 * seeded random m of the samples (without replacement) and bootstraps them (m draws with replacement); the
 * others are neither in its bag nor out of it. Why: labelled pixels come in strokes, so neighbours carry nearly
 * the same features; past tens of thousands of them a tree learns little from more, while its cost grows with
 * every sample (ilastik #1569: training stops scaling past a few images). The trees together still see every
 * sample (at 500,000 samples each one is in ~5 of 100 trees' subsets). Measured with `npm run bench -- training`
 * (10 images, 500,000 brush-labelled pixels): held-out agreement with the forest that bootstraps all samples per
 * tree, and held-out accuracy, are in README's speed section.
 * `samplesPerTree` > 0 replaces the rule by `min(n, samplesPerTree)` (benchmarks compare with all samples).
 */
export function treeSampleCount(n: number, samplesPerTree: number): number {
  if (samplesPerTree > 0) return Math.min(n, samplesPerTree);
  return Math.min(n, ALL_SAMPLES_PER_TREE_UP_TO);
}

/** A trained forest, or a contiguous part of one (`treeStart > 0` or fewer trees than `settings.nTrees`). */
export interface Forest {
  nFeatures: number;
  nClasses: number;
  settings: ForestSettings;
  /** Index (within the full forest) of `trees[0]`. */
  treeStart: number;
  trees: ForestTree[];
  /** Number of training samples. */
  nSamples: number;
  /** Training samples per class, index k = class k+1. */
  classCounts: Uint32Array;
  /** Out-of-bag error (fraction of OOB-predicted samples misclassified); NaN when no sample was out of bag. */
  oobError: number;
  /** Number of samples that were out of bag for at least one tree. */
  oobSampleCount: number;
  /**
   * Out-of-bag votes, fixed point (`round(p·2^20)` summed over trees), `[sample][class]`; kept only in
   * memory so that forest parts trained on different workers can be merged exactly. Not serialized.
   */
  oobVotes?: Float64Array;
}

/** Fixed-point scale of {@link Forest.oobVotes}: integer sums are exact, so merging parts is order-independent. */
export const OOB_VOTE_SCALE = 1 << 20;

/** Bad training data (no samples, one class, NaN/Inf features, mismatched lengths). */
export class ForestTrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForestTrainingError';
  }
}

/** Model bytes that cannot be read (wrong magic, unsupported version, truncated, checksum mismatch, corrupt nodes). */
export class ForestFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForestFormatError';
  }
}

/** Creates a tree record from its arrays (the threshold view shares `nodes.buffer`). */
export function makeTree(
  nodes: Int32Array, leafValues: Float32Array, nClasses: number, depth: number, importance: Float32Array,
): ForestTree {
  return {
    nodes,
    thresholds: new Float32Array(nodes.buffer, nodes.byteOffset, nodes.length),
    nodeCount: nodes.length / 3,
    leafValues,
    leafCount: leafValues.length / nClasses,
    depth,
    importance,
  };
}
