import type { Forest } from './forestModel';

/** Small JSON description of a forest, for projects, logs and the CLI. */
export interface ForestSummary {
  trees: number;
  nFeatures: number;
  nClasses: number;
  /** Total node count over all trees (inner nodes + leaves). */
  nodes: number;
  leaves: number;
  /** Depth of the deepest tree (root = 0). */
  maxDepth: number;
  /** Mean over trees of the tree depth. */
  meanDepth: number;
  /** Out-of-bag error in [0, 1], or null when unknown. */
  oobError: number | null;
  oobSamples: number;
  nSamples: number;
  /** Training samples per class, index k = class k+1. */
  classCounts: number[];
  seed: number;
  mtry: number;
  /** Gini importance per feature channel (sums to 1). */
  featureImportances: number[];
}

/**
 * Gini importance per feature channel: each tree's total weighted impurity decrease per feature,
 * normalised to 1 within the tree, averaged over trees (as scikit-learn's `feature_importances_`).
 * @returns float64 array of length nFeatures summing to 1 (all 0 if no tree has a split)
 */
export function featureImportances(forest: Forest): Float64Array {
  const result = new Float64Array(forest.nFeatures);
  for (const tree of forest.trees) for (let f = 0; f < forest.nFeatures; f++) result[f] += tree.importance[f];
  let total = 0;
  for (const v of result) total += v;
  if (total > 0) for (let f = 0; f < result.length; f++) result[f] /= total;
  return result;
}

/** Out-of-bag error of the forest (NaN when no training sample was out of bag). */
export function oobError(forest: Forest): number {
  return forest.oobError;
}

/** Summarises a forest as plain JSON data ({@link ForestSummary}). */
export function forestSummary(forest: Forest): ForestSummary {
  let nodes = 0;
  let leaves = 0;
  let maxDepth = 0;
  let depthSum = 0;
  for (const tree of forest.trees) {
    nodes += tree.nodeCount;
    leaves += tree.leafCount;
    maxDepth = Math.max(maxDepth, tree.depth);
    depthSum += tree.depth;
  }
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    trees: forest.trees.length,
    nFeatures: forest.nFeatures,
    nClasses: forest.nClasses,
    nodes,
    leaves,
    maxDepth,
    meanDepth: forest.trees.length ? round(depthSum / forest.trees.length) : 0,
    oobError: Number.isNaN(forest.oobError) ? null : round(forest.oobError),
    oobSamples: forest.oobSampleCount,
    nSamples: forest.nSamples,
    classCounts: Array.from(forest.classCounts),
    seed: forest.settings.seed,
    mtry: forest.settings.mtry,
    featureImportances: Array.from(featureImportances(forest), round),
  };
}
