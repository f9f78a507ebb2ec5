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
