/**
 * A trained forest (extension/core/forest) as one `ai.onnx.ml` TreeEnsembleClassifier node.
 *
 * Mapping: every inner node is `BRANCH_LEQ` on its feature and float32 threshold (ours: a sample goes left
 * when `value <= threshold`, so "true" is the left child `child` and "false" the right child `child + 1`;
 * NaN compares false and goes right in both). Every leaf carries one weight per class, its class
 * probability divided by the number of trees, so the summed scores (post_transform NONE) are the mean
 * leaf distribution — predictProbabilities. Weights are given for every class (zeros included) so that
 * runtimes never take their one-class "binary" shortcut.
 */
import type { Forest } from '../forest/forestModel';
import type { OnnxGraphBuilder } from './onnxGraphBuilder';

/** Size of the emitted ensemble (for reports). */
export interface ForestGraphStats {
  trees: number;
  nodes: number;
  leaves: number;
}

/**
 * Adds the classifier: `samples` is float32 [N, nFeatures]; returns the name of the float32 [N, nClasses]
 * probabilities (class k at column k−1, i.e. our class ids 1..K in order).
 */
export function addForestGraph(b: OnnxGraphBuilder, samples: string, forest: Forest): { probabilities: string; stats: ForestGraphStats } {
  if (forest.trees.length === 0) throw new RangeError('the forest has no trees');
  const K = forest.nClasses;
  const weight = 1 / forest.trees.length;
  const treeIds: number[] = [], nodeIds: number[] = [], featureIds: number[] = [], values: number[] = [];
  const modes: string[] = [], trueIds: number[] = [], falseIds: number[] = [], missingTrue: number[] = [];
  const classTree: number[] = [], classNode: number[] = [], classIds: number[] = [], classWeights: number[] = [];
  let leaves = 0;
  forest.trees.forEach((tree, t) => {
    for (let i = 0; i < tree.nodeCount; i++) {
      const child = tree.nodes[3 * i];
      treeIds.push(t);
      nodeIds.push(i);
      missingTrue.push(0);
      if (child >= 0) {
        const feature = tree.nodes[3 * i + 1];
        if (!(feature >= 0 && feature < forest.nFeatures) || child + 1 >= tree.nodeCount) {
          throw new RangeError(`tree ${t} node ${i} refers to feature ${feature} / child ${child}, outside the model`);
        }
        featureIds.push(feature);
        values.push(tree.thresholds[3 * i + 2]);
        modes.push('BRANCH_LEQ');
        trueIds.push(child);
        falseIds.push(child + 1);
      } else {
        const leaf = ~child;
        if (leaf >= tree.leafCount) throw new RangeError(`tree ${t} node ${i} refers to leaf ${leaf} of ${tree.leafCount}`);
        featureIds.push(0);
        values.push(0);
        modes.push('LEAF');
        trueIds.push(0);
        falseIds.push(0);
        leaves++;
        for (let k = 0; k < K; k++) {
          classTree.push(t);
          classNode.push(i);
          classIds.push(k);
          classWeights.push(tree.leafValues[leaf * K + k] * weight);
        }
      }
    }
  });
  const [, probabilities] = b.op('TreeEnsembleClassifier', [samples], {
    classlabels_int64s: { ints: Array.from({ length: K }, (_, k) => k + 1) },
    nodes_treeids: { ints: treeIds },
    nodes_nodeids: { ints: nodeIds },
    nodes_featureids: { ints: featureIds },
    nodes_values: { floats: values },
    nodes_modes: { strings: modes },
    nodes_truenodeids: { ints: trueIds },
    nodes_falsenodeids: { ints: falseIds },
    nodes_missing_value_tracks_true: { ints: missingTrue },
    class_treeids: { ints: classTree },
    class_nodeids: { ints: classNode },
    class_ids: { ints: classIds },
    class_weights: { floats: classWeights },
    post_transform: { s: 'NONE' },
  }, { domain: 'ai.onnx.ml', nOutputs: 2, outputs: [b.fresh('label'), b.fresh('scores')] });
  return { probabilities, stats: { trees: forest.trees.length, nodes: treeIds.length, leaves } };
}
