/**
 * Training the project's classifier from its saved labels (issues #4, #5): features only around labelled
 * pixels (label bounding boxes + halo), then the seeded forest. Retraining the same project gives the same
 * bytes, which is what makes the model cache (`<name>.pixelclass.model`) safe to delete.
 */
import { featureImageOf } from '../core/features/featureImageOf';
import * as path from 'node:path';
import { computeFeatureBlock } from '../core/features/computeFeatureBlock';
import { deserializeForest, serializeForest, trainForest, type Forest } from '../core/forest/index';
import type { ImageSource } from '../core/image/imageModel';
import { boxFeatureSamples, projectTrainingSet } from '../core/training/projectTraining';
import { openImage as openImageFile } from '../node/openImage';
import { sha256File } from '../project/fileHash';
import { modelCachePath, projectLabels } from '../project/projectFile';
import { resolveProjectPath, type AllowedRoots } from '../project/projectPaths';
import type { PixelClassifierProject } from '../project/projectSchema';
import { loadOrBuildModel } from '../project/modelCache';
import { trainingHash } from '../project/trainingHash';
import { trainForestParallel } from '../workers/parallelForest';
import type { WorkerPool } from '../workers/workerPool';

/** Options of {@link trainProjectForest}. */
export interface TrainProjectOptions {
  /** Spread the trees over these workers (identical bytes either way). */
  pool?: WorkerPool;
  /** Folders image paths may resolve into, or ANYWHERE for images the user named (the CLI). @default [project folder] */
  allowedRoots?: AllowedRoots;
  signal?: AbortSignal;
  /** Called with a sentence per step. */
  onProgress?: (message: string) => void;
  /** Called after each labelled box of image `index` (0-based, of `total` labelled images) has its features. */
  onBlocks?: (progress: { image: string; index: number; total: number; done: number; blocks: number }) => void;
  /** Opens an image file. @default the Node opener (extension/node/openImage.ts) */
  openImage?: (file: string) => Promise<ImageSource>;
}

/** Result of {@link trainProjectForest}. */
export interface TrainedProject {
  forest: Forest;
  samples: number;
  nFeatures: number;
}

/**
 * Extracts training samples from every labelled image of the project (the engine's one trainer,
 * {@link projectTrainingSet}, with features computed per labelled box from the image files) and trains the forest.
 * @throws Error naming the image when a labelled image is missing, changed since labelling (sha256), or has
 *   a feature count different from the others; ForestTrainingError for unusable labels (none, one class)
 */
export async function trainProjectForest(project: PixelClassifierProject, projectFile: string, options: TrainProjectOptions = {}): Promise<TrainedProject> {
  const projectDir = path.dirname(path.resolve(projectFile));
  const open = options.openImage ?? ((file: string) => openImageFile(file));
  const absolutePath = (relative: string) => resolveProjectPath(projectDir, relative, options.allowedRoots ?? [projectDir]);
  // Before any feature is computed: the path is safe, the image exists and is the one that was labelled.
  const checkImage = async (image: { path: string }) => {
    const absolute = absolutePath(image.path);
    const entry = project.images.find((i) => i.path === image.path)!;
    let hash: string;
    try {
      hash = await sha256File(absolute);
    } catch {
      throw new Error(`${entry.path}: the labelled image is missing (labels are kept in the project; restore the image to train)`);
    }
    if (hash !== entry.sha256) {
      throw new Error(`${entry.path}: the image changed since it was labelled (sha256 differs); training on it would not reproduce the saved model`);
    }
  };
  let imageIndex = 0;
  let imageCount = 1;
  const { samples, forestOptions } = await projectTrainingSet(project, async (plan, signal) => {
    const entry = project.images.find((i) => i.path === plan.image.path)!;
    const source = await open(absolutePath(entry.path));
    try {
      options.onProgress?.(`computing features around the labels of ${entry.path}`);
      return await boxFeatureSamples(plan, source, projectLabels(project, entry.path), async (request) => computeFeatureBlock(request), signal,
        (done, blocks) => options.onBlocks?.({ image: absolutePath(entry.path), index: imageIndex, total: imageCount, done, blocks }));
    } finally {
      await source.close();
    }
  }, {
    signal: options.signal, checkImage,
    featureImage: async (image) => {
      const source = await open(absolutePath(image.path));
      try { return featureImageOf(image.path, source.info, image.pixelSize); } finally { await source.close(); }
    },
    onImage: (_plan, index, count) => { imageIndex = index; imageCount = count; } });
  const { nFeatures } = samples;
  options.onProgress?.(`training ${forestOptions.nTrees} trees on ${samples.nSamples} labelled pixels × ${nFeatures} features`);
  const forest = options.pool
    ? await trainForestParallel(options.pool, samples.X, samples.y, nFeatures, { ...forestOptions, signal: options.signal })
    : trainForest(samples.X, samples.y, nFeatures, forestOptions);
  return { forest, samples: samples.nSamples, nFeatures };
}

/** A project's classifier ready for prediction. */
export interface ProjectClassifier {
  forest: Forest;
  /** serializeForest bytes (what the model cache holds). */
  forestBytes: Uint8Array;
  trainingHash: string;
  /** Whether it came from the model cache or was trained now, and why. */
  source: 'cache' | 'trained';
  reason?: string;
}

/**
 * The project's classifier: from the model cache when it matches the project's training hash, otherwise
 * retrained from the labels (and the cache rewritten).
 */
export async function loadProjectClassifier(project: PixelClassifierProject, projectFile: string, options: TrainProjectOptions = {}): Promise<ProjectClassifier> {
  const hash = trainingHash(project);
  const loaded = await loadOrBuildModel(modelCachePath(projectFile), hash, async () => {
    const { forest } = await trainProjectForest(project, projectFile, options);
    return serializeForest(forest);
  });
  const forest = deserializeForest(loaded.forestBytes, modelCachePath(projectFile));
  if (forest.nClasses !== project.classes.length) {
    throw new Error(`the model has ${forest.nClasses} classes but the project defines ${project.classes.length}`);
  }
  return { forest, forestBytes: loaded.forestBytes, trainingHash: hash, source: loaded.source, reason: loaded.reason };
}
