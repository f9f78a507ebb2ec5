/**
 * The one trainer (issue #19): how a project's labels become training samples and forest options. The live
 * loop (extension/editor), the batch trainer (extension/batch/trainProject.ts) and the CLI all call
 * {@link projectTrainingSet}, so the forest the editor caches is byte for byte the one the CLI retrains:
 * same images in the same order (the project's, labelled ones only), same feature selection per image
 * shape, same labelled boxes (hence the same sample order), same seeded forest options.
 *
 * Where the features of an image come from is the caller's business ({@link ImageSamples}): computed per
 * labelled box from the image file (batch, and other images in the editor — {@link boxFeatureSamples}), or
 * gathered from the editor's cached feature tiles (the open image). Either way the samples must be the
 * ones {@link boxFeatureSamples} gives.
 */
import type { Box } from '../features/box';
import { featureHaloZYX, requiredSourceBox } from '../features/computeFeatureBlock';
import type { FeatureSelection } from '../features/featureSet';
import { featureCountForImage, selectionForImage, type FeatureImage } from '../features/selectionForImage';
import type { ForestOptions } from '../forest/index';
import type { ImageShape, ImageSource } from '../image/imageModel';
import { readSourceBlock } from '../image/readSourceBlock';
import type { LabelStore } from '../labels/labelVolume';
import { concatSamples, extractTrainingSamples, type LabelledBoxesOptions, type TrainingSamples } from '../labels/trainingSamples';

/** The parts of a project training reads (extension/project's PixelClassifierProject has them). */
export interface TrainingProject {
  features: FeatureSelection;
  classes: readonly unknown[];
  classifier: { trees: number; seed: number; maxDepth?: number; minSamplesLeaf?: number };
  images: readonly { path: string; shape: ImageShape; pixelSize?: { x: number; y: number; z?: number; unit: string } }[];
  /** Labels by image path; an image without an entry has no labels. */
  labels: Readonly<Record<string, unknown>>;
}

/** How one labelled image of the project is sampled. */
export interface ImageTrainingPlan {
  /** The image's entry in the project (path as stored, shape as recorded when labelled). */
  image: { path: string; shape: ImageShape };
  /** The feature selection for this image's shape. */
  selection: FeatureSelection;
  nFeatures: number;
  /** Grouping of the labels into boxes (the halo decides merging; 3D images use z-blocks of up to 16). */
  boxes: Required<Pick<LabelledBoxesOptions, 'halo' | 'tileDepth'>>;
}

/** Samples of one labelled image, as {@link boxFeatureSamples} gives them. */
export type ImageSamples = (plan: ImageTrainingPlan, signal?: AbortSignal) => Promise<TrainingSamples>;

/** Every labelled pixel of the project as training samples, and the options of the forest to train on them. */
export interface ProjectTrainingSet {
  samples: TrainingSamples;
  forestOptions: ProjectForestOptions;
}

/** Forest options of a whole forest of a project (every tree; tree count and seed always given). */
export type ProjectForestOptions = Omit<ForestOptions, 'treeRange'> & { nTrees: number; seed: number };

/** Options of {@link projectTrainingSet}. */
export interface ProjectTrainingOptions {
  signal?: AbortSignal;
  /**
   * Checks a labelled image before anything is computed for it (e.g. that its path is safe and its file
   * unchanged); throwing stops the training with that error.
   */
  checkImage?: (image: { path: string; shape: ImageShape }) => Promise<void>;
  /**
   * The image as the features see it (pixel size: the project's override, else the file's; alpha channel), from
   * the opened file. Without it only the project's pixel size override is known (physical units then need one).
   */
  featureImage?: (image: { path: string; shape: ImageShape; pixelSize?: FeatureImage['pixelSize'] }) => Promise<FeatureImage>;
  /** Called before (`done` false) and after (`done` true) each labelled image is sampled. */
  onImage?: (plan: ImageTrainingPlan, index: number, count: number, done: boolean) => void;
  /** Where several images' samples are joined (see concatSamples); new arrays when absent. */
  allocate?: (nSamples: number, nFeatures: number) => { X: Float32Array; y: Uint8Array };
}

/** Box grouping of the labels of an image `depth` slices deep with `selection` (same boxes → same sample order). */
export function trainingBoxOptions(selection: FeatureSelection, depth: number): ImageTrainingPlan['boxes'] {
  const is3D = depth > 1;
  const halo = featureHaloZYX(selection, 'ilastik', is3D);
  // Label boxes merge within the larger in-plane halo (per-axis halos differ in physical units, issue #15).
  return { halo: Math.max(halo.y, halo.x), tileDepth: is3D && halo.z > 0 ? Math.min(depth, 16) : 1 };
}

/**
 * The training plan of one image of a project with feature selection `features`.
 * @param featureImage the image's pixel size and alpha channel (see {@link ProjectTrainingOptions.featureImage});
 *   default: the project entry's pixel size override only
 */
export function imageTrainingPlan(features: FeatureSelection, image: { path: string; shape: ImageShape; pixelSize?: FeatureImage['pixelSize'] },
  featureImage: FeatureImage = { name: image.path, shape: image.shape, ...(image.pixelSize ? { pixelSize: image.pixelSize } : {}) }): ImageTrainingPlan {
  const selection = selectionForImage(features, featureImage);
  return {
    image,
    selection,
    nFeatures: featureCountForImage(features, featureImage),
    boxes: trainingBoxOptions(selection, image.shape.z),
  };
}

/** The seeded forest options of a project (the classifier settings and the class count). */
export function projectForestOptions(project: Pick<TrainingProject, 'classes' | 'classifier'>): ProjectForestOptions {
  const c = project.classifier;
  return { nClasses: project.classes.length, nTrees: c.trees, seed: c.seed, maxDepth: c.maxDepth, minSamplesLeaf: c.minSamplesLeaf };
}

/** The project's labelled images, in project order. */
export function labelledImages(project: TrainingProject): TrainingProject['images'][number][] {
  return project.images.filter((image) => project.labels[image.path]);
}

/**
 * Samples every labelled image of `project` (in the project's order) with `samplesOf` and concatenates them.
 * @throws Error when the project has no labels, or naming the image whose feature channel count differs from
 *   the first labelled image's (mixing 2D and 3D images, or different channel counts)
 */
export async function projectTrainingSet(project: TrainingProject, samplesOf: ImageSamples, options: ProjectTrainingOptions = {}): Promise<ProjectTrainingSet> {
  const images = labelledImages(project);
  if (images.length === 0) throw new Error('the project has no labels: paint at least two classes before training');
  let nFeatures: number | undefined;
  const parts: TrainingSamples[] = [];
  for (let i = 0; i < images.length; i++) {
    options.signal?.throwIfAborted();
    await options.checkImage?.(images[i]);
    const plan = imageTrainingPlan(project.features, images[i], await options.featureImage?.(images[i]));
    nFeatures ??= plan.nFeatures;
    if (plan.nFeatures !== nFeatures) {
      throw new Error(`${plan.image.path}: gives ${plan.nFeatures} feature channels but other labelled images give ${nFeatures} (mixing 2D and 3D images, or different channel counts)`);
    }
    options.onImage?.(plan, i, images.length, false);
    const samples = await samplesOf(plan, options.signal);
    if (samples.nFeatures !== nFeatures) throw new RangeError(`${plan.image.path}: samples have ${samples.nFeatures} features, expected ${nFeatures}`);
    parts.push(samples);
    options.onImage?.(plan, i, images.length, true);
  }
  // One image (the usual case): no copy.
  const samples = parts.length === 1 ? parts[0] : concatSamples(parts, options.allocate);
  return { samples, forestOptions: projectForestOptions(project) };
}

/** Features of one target box from its source block (the inputs of computeFeatureBlock without scratch/result). */
export interface BoxFeatureRequest {
  selection: FeatureSelection;
  image: { z: number; y: number; x: number };
  nInputChannels: number;
  source: Float32Array;
  sourceBox: Box;
  target: Box;
}

/**
 * Samples of one image computed per labelled box from the image itself: reads each box's source block (box
 * plus feature halo) and computes its features with `compute` (inline or on a worker; same numbers);
 * `onBox` reports the boxes done.
 * @throws Error naming the image when its shape differs from the one recorded in the project
 */
export async function boxFeatureSamples(
  plan: ImageTrainingPlan, image: ImageSource, labels: LabelStore,
  compute: (request: BoxFeatureRequest) => Promise<Float32Array>, signal?: AbortSignal,
  onBox?: (done: number, total: number) => void,
): Promise<TrainingSamples> {
  assertRecordedShape(plan.image.path, image.info.shape, plan.image.shape);
  const shape = image.info.shape;
  const volume = { z: shape.z, y: shape.y, x: shape.x };
  return extractTrainingSamples(labels, async (box) => {
    const target: Box = { z0: box.z, y0: box.row, x0: box.column, nz: box.depth, ny: box.height, nx: box.width };
    const sourceBox = requiredSourceBox(target, volume, plan.selection);
    const source = await readSourceBlock(image, box.t, sourceBox);
    signal?.throwIfAborted();
    return compute({ selection: plan.selection, image: volume, nInputChannels: shape.c, source, sourceBox, target });
  }, plan.nFeatures, plan.boxes, signal, onBox);
}

/** @throws Error naming `path` when `actual` differs from the shape recorded in the project */
export function assertRecordedShape(path: string, actual: ImageShape, recorded: ImageShape): void {
  if (actual.t !== recorded.t || actual.z !== recorded.z || actual.c !== recorded.c || actual.y !== recorded.y || actual.x !== recorded.x) {
    throw new Error(`${path}: the image's shape differs from the one recorded in the project`);
  }
}
