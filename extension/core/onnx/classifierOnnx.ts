/**
 * The whole classifier as one ONNX model: raw image → features (featureGraph.ts) → forest (forestGraph.ts)
 * → class probabilities, so any ONNX runtime with the ai.onnx.ml operators reproduces our prediction.
 *
 * Input `raw`: float32 [1, C, Y, X] (2D) or [1, C, Z, Y, X] (3D), raw intensities as stored in the image
 * (no normalisation: the project's features see the same numbers). Spatial sizes are free, but every axis
 * filtered must be longer than the largest kernel radius (ONNX "reflect" padding, like vigra, refuses
 * longer kernels). Output `probabilities`: float32 [1, K, (Z,) Y, X], class k+1 at channel k, summing to 1.
 */
import { featureChannels, type FeatureSelection, type FeatureVariant } from '../features/featureSet';
import type { Forest } from '../forest/forestModel';
import { addFeatureGraph } from './featureGraph';
import { addForestGraph, type ForestGraphStats } from './forestGraph';
import { OnnxGraphBuilder } from './onnxGraphBuilder';
import { encodeOnnxModel, ONNX_FLOAT } from './onnxProto';

/** Operator set versions the exported models use. */
export const ONNX_OPSET = 17;
export const ONNX_ML_OPSET = 3;
/** IR version matching opset 17. */
export const ONNX_IR_VERSION = 8;
/** Names of the graph's input and output. */
export const ONNX_INPUT_NAME = 'raw';
export const ONNX_OUTPUT_NAME = 'probabilities';

/** What to export. */
export interface ClassifierOnnxOptions {
  /** Feature selection as trained (resolved for the reference image by selectionForImage: z fallback, per-axis σ, channels). */
  selection: FeatureSelection;
  /** @default 'ilastik' */
  variant?: FeatureVariant;
  spatialDims: 2 | 3;
  nInputChannels: number;
  forest: Forest;
  /** Class names, in class-id order (length K). */
  classNames: string[];
  producerVersion: string;
  /** Extra metadata_props entries (string values). */
  metadata?: Record<string, string>;
}

/** An encoded model and facts about it. */
export interface ClassifierOnnx {
  bytes: Uint8Array;
  nFeatures: number;
  featureNames: string[];
  forest: ForestGraphStats;
  nodeCount: number;
}

/**
 * Builds and encodes the model.
 * @throws RangeError when the forest's feature count differs from the selection's for this input
 */
export function buildClassifierOnnx(options: ClassifierOnnxOptions): ClassifierOnnx {
  const { spatialDims, nInputChannels, forest } = options;
  if (options.classNames.length !== forest.nClasses) {
    throw new RangeError(`${options.classNames.length} class names for a forest of ${forest.nClasses} classes`);
  }
  const rank = 2 + spatialDims;
  const b = new OnnxGraphBuilder();
  const { features, count } = addFeatureGraph(b, ONNX_INPUT_NAME, options);
  if (count !== forest.nFeatures) {
    throw new RangeError(`the feature selection gives ${count} channels for ${nInputChannels}-channel ${spatialDims}D images, but the classifier was trained on ${forest.nFeatures}`);
  }
  // [1, F, spatial…] → [N, F] (pixels in row-major spatial order) → forest → [N, K] → [1, K, spatial…].
  const channelLast = b.op1('Transpose', [features], { perm: { ints: [0, ...Array.from({ length: spatialDims }, (_, i) => i + 2), 1] } });
  const samples = b.op1('Reshape', [channelLast, b.ints([-1, count])], undefined, 'samples');
  const { probabilities: scores, stats } = addForestGraph(b, samples, forest);
  const spatialShape = b.op1('Slice', [b.op1('Shape', [ONNX_INPUT_NAME]), b.ints([2]), b.ints([rank]), b.ints([0])], undefined, 'spatial_shape');
  const gridShape = b.op1('Concat', [b.ints([1]), spatialShape, b.ints([forest.nClasses])], { axis: { i: 0 } }, 'grid_shape');
  const grid = b.op1('Reshape', [scores, gridShape]);
  b.op('Transpose', [grid], { perm: { ints: [0, rank - 1, ...Array.from({ length: spatialDims }, (_, i) => i + 1)] } }, { outputs: [ONNX_OUTPUT_NAME] });

  const spatialNames = spatialDims === 3 ? ['z', 'y', 'x'] : ['y', 'x'];
  const featureNames = featureChannels(options.selection, nInputChannels, spatialDims === 3).map((c) => c.name);
  const bytes = encodeOnnxModel({
    irVersion: ONNX_IR_VERSION,
    producerName: 'pixel-classifier',
    producerVersion: options.producerVersion,
    docString: `Pixel Classifier random forest (${stats.trees} trees, ${forest.nClasses} classes) on ${count} ilastik-style features, raw image to class probabilities.`,
    opsets: [{ domain: '', version: ONNX_OPSET }, { domain: 'ai.onnx.ml', version: ONNX_ML_OPSET }],
    metadata: {
      classes: JSON.stringify(options.classNames),
      features: JSON.stringify(featureNames),
      feature_variant: options.variant ?? 'ilastik',
      ...options.metadata,
    },
    graph: {
      name: 'pixel_classifier',
      nodes: b.nodes,
      initializers: b.initializers,
      inputs: [{ name: ONNX_INPUT_NAME, dataType: ONNX_FLOAT, dims: [1, nInputChannels, ...spatialNames], docString: 'raw intensities, batch × channel × spatial' }],
      outputs: [{ name: ONNX_OUTPUT_NAME, dataType: ONNX_FLOAT, dims: [1, forest.nClasses, ...spatialNames], docString: 'class probabilities, class id k+1 at channel k' }],
    },
  });
  return { bytes, nFeatures: count, featureNames, forest: stats, nodeCount: b.nodes.length };
}
