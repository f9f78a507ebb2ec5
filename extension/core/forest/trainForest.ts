import {
  type Forest, type ForestOptions, type ForestSettings, type ForestTree, ForestTrainingError, treeSampleCount,
} from './forestModel';
import { createTreeScratch, growTree } from './growTree';
import { prepareTrainingSet, type TrainingSet } from './trainingSet';
import { mappedBuffer, mappedSharedBuffer } from '../memory/mappedBuffer';

/**
 * Checks {@link ForestOptions} and fills in defaults (100 trees, seed 0, unlimited depth,
 * 1 draw per leaf, mtry = floor(√nFeatures), samples per tree by the rule of treeSampleCount).
 */
export function resolveForestSettings(nFeatures: number, opts: ForestOptions): ForestSettings {
  const nTrees = opts.nTrees ?? 100;
  const seed = opts.seed ?? 0;
  const maxDepth = opts.maxDepth ?? -1;
  const minSamplesLeaf = opts.minSamplesLeaf ?? 1;
  const mtry = opts.mtry ?? Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  const samplesPerTree = opts.samplesPerTree ?? 0;
  const check = (ok: boolean, what: string) => { if (!ok) throw new ForestTrainingError(what); };
  check(Number.isInteger(nTrees) && nTrees >= 1, `number of trees must be a positive integer, got ${nTrees}`);
  check(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff, `seed must be an integer in 0..4294967295, got ${seed}`);
  check(maxDepth === -1 || (Number.isInteger(maxDepth) && maxDepth >= 0), `maximum depth must be a non-negative integer, got ${maxDepth}`);
  check(Number.isInteger(minSamplesLeaf) && minSamplesLeaf >= 1, `minimum samples per leaf must be a positive integer, got ${minSamplesLeaf}`);
  check(Number.isInteger(mtry) && mtry >= 1 && mtry <= nFeatures, `candidate features per split must be an integer in 1..${nFeatures}, got ${mtry}`);
  check(Number.isInteger(samplesPerTree) && samplesPerTree >= 0, `samples per tree must be a non-negative integer (0 = the default rule), got ${samplesPerTree}`);
  return { nTrees, seed, maxDepth, minSamplesLeaf, mtry, samplesPerTree };
}

/**
 * Trains a classification random forest.
 *
 * Each tree is grown by {@link growTree} from a bootstrap sample; tree `i` depends only on the data,
 * the settings and `(seed, i)`, so training trees `[0,50)` and `[50,100)` separately and merging with
 * {@link mergeForests} gives exactly the forest of one call (the basis of parallel training).
 *
 * @param X row-major nSamples×nFeatures float32 feature values (finite)
 * @param y label per sample, 1..opts.nClasses
 * @param nFeatures number of feature channels
 * @param opts see {@link ForestOptions}
 * @returns the forest (or the part `opts.treeRange`), with OOB error and Gini importances
 * @throws ForestTrainingError for bad data or options
 * @example
 * const forest = trainForest(X, y, 49, { nClasses: 2, nTrees: 100, seed: 0 });
 */
export function trainForest(X: Float32Array, y: Uint8Array, nFeatures: number, opts: ForestOptions): Forest {
  const settings = resolveForestSettings(nFeatures, opts);
  const set = prepareTrainingSet(X, y, nFeatures, opts.nClasses);
  return trainForestOnSet(set, settings, opts.treeRange ?? [0, settings.nTrees]);
}

/**
 * {@link trainForest} on an already prepared training set.
 * @param afterTree called after each tree with its index; may throw to abort (cancellation) or report progress
 * @param checkCancelled called often within each tree (see growTree); may throw to abort
 */
export function trainForestOnSet(
  set: TrainingSet, settings: ForestSettings, treeRange: [number, number], afterTree?: (treeIndex: number) => void,
  checkCancelled?: () => void,
): Forest {
  const [first, last] = treeRange;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last > settings.nTrees || first > last) {
    throw new ForestTrainingError(`tree range [${first}, ${last}) is not within [0, ${settings.nTrees})`);
  }
  const scratch = createTreeScratch(set, treeSampleCount(set.nSamples, settings.samplesPerTree));
  const K = set.nClasses;
  const F = set.nFeatures;
  // out-of-bag votes of each tree, in fixed point so sums over any grouping of trees are exact; shared
  // (and mapped when large, see mappedBuffer) so that a worker hands them to the host without malloc's heap
  const votes = new Float64Array(mappedSharedBuffer(8 * set.nSamples * K), 0, set.nSamples * K);
  const trees: ForestTree[] = [];
  for (let t = first; t < last; t++) {
    trees.push(growTree(set, settings, t, scratch, checkCancelled, votes));
    afterTree?.(t);
  }
  const forest: Forest = {
    nFeatures: F,
    nClasses: K,
    settings,
    treeStart: first,
    trees,
    nSamples: set.nSamples,
    classCounts: set.classCounts,
    oobError: NaN,
    oobSampleCount: 0,
    oobVotes: votes,
  };
  finishOob(forest, set.classes);
  return forest;
}

/** Computes `oobError`/`oobSampleCount` from `oobVotes` (ties go to the lower class). */
function finishOob(forest: Forest, classes: Uint8Array): void {
  const votes = forest.oobVotes!;
  const K = forest.nClasses;
  let counted = 0;
  let wrong = 0;
  for (let i = 0; i < forest.nSamples; i++) {
    let best = 0;
    let bestK = -1;
    for (let k = 0; k < K; k++) { const v = votes[i * K + k]; if (v > best) { best = v; bestK = k; } }
    if (bestK < 0) continue;
    counted++;
    if (bestK !== classes[i]) wrong++;
  }
  forest.oobSampleCount = counted;
  forest.oobError = counted > 0 ? wrong / counted : NaN;
}

/**
 * Joins forest parts (each from {@link trainForest} with a `treeRange`, in any order) into one forest.
 * Parts must share data and settings and cover contiguous tree ranges. Their in-memory `oobVotes`
 * are summed (exactly: fixed point) and the OOB error is recomputed from them and `labels`. Without
 * `labels`, or when a part has no votes (e.g. it was deserialized), the merged OOB error is NaN.
 *
 * @param parts forest parts
 * @param labels training labels 1..K (needed to recompute the OOB error)
 */
export function mergeForests(parts: Forest[], labels?: Uint8Array): Forest {
  if (parts.length === 0) throw new ForestTrainingError('no forest parts to merge');
  const sorted = [...parts].sort((a, b) => a.treeStart - b.treeStart);
  const head = sorted[0];
  let next = head.treeStart;
  const trees: ForestTree[] = [];
  for (const part of sorted) {
    const same = part.nFeatures === head.nFeatures && part.nClasses === head.nClasses && part.nSamples === head.nSamples
      && JSON.stringify(part.settings) === JSON.stringify(head.settings);
    if (!same) throw new ForestTrainingError('forest parts were trained with different data or settings');
    if (part.treeStart !== next) throw new ForestTrainingError(`forest parts are not contiguous: expected tree ${next}, got ${part.treeStart}`);
    trees.push(...part.trees);
    next += part.trees.length;
  }
  const merged: Forest = {
    ...head,
    trees,
    oobError: NaN,
    oobSampleCount: 0,
    oobVotes: undefined,
  };
  if (labels && sorted.every((p) => p.oobVotes)) {
    const votes = new Float64Array(mappedBuffer(8 * head.nSamples * head.nClasses), 0, head.nSamples * head.nClasses);
    for (const part of sorted) { const v = part.oobVotes!; for (let i = 0; i < votes.length; i++) votes[i] += v[i]; }
    merged.oobVotes = votes;
    const classes = new Uint8Array(labels.length);
    for (let i = 0; i < labels.length; i++) classes[i] = labels[i] - 1;
    finishOob(merged, classes);
  }
  return merged;
}
