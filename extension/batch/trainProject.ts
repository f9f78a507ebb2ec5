/**
 * Training the project's classifier from its saved labels (issues #4, #5): features only around labelled
 * pixels (label bounding boxes + halo), then the seeded forest. Retraining the same project gives the same
 * bytes, which is what makes the model cache (`<name>.pixelclass.model`) safe to delete.
 */
import * as path from 'node:path';
import { computeFeatureBlock, featureChannelCount, featureHaloZYX, requiredSourceBox, fallBackTo2D } from '../core/features/computeFeatureBlock';
import type { FeatureSelection } from '../core/features/featureSet';
import { deserializeForest, serializeForest, trainForest, type Forest } from '../core/forest/index';
import { concatSamples, extractTrainingSamples, type TrainingSamples } from '../core/labels/trainingSamples';
import type { ImageShape } from '../core/image/imageModel';
import { openImage } from '../node/openImage';
import { sha256File } from '../project/fileHash';
import { modelCachePath, projectLabels } from '../project/projectFile';
import { resolveProjectPath } from '../project/projectPaths';
import type { PixelClassifierProject } from '../project/projectSchema';
import { loadOrBuildModel } from '../project/modelCache';
import { trainingHash } from '../project/trainingHash';
import { trainForestParallel } from '../workers/parallelForest';
import type { WorkerPool } from '../workers/workerPool';
import { readSourceBlock } from './readSourceBlock';

/**
 * The feature selection used for an image of `shape`: the project's, with scales too large along z switched
 * to 2D (ilastik's fallback) for z-stacks. Training and prediction both use this, so they agree.
 */
export function selectionForShape(selection: FeatureSelection, shape: Pick<ImageShape, 'z' | 'y' | 'x'>): FeatureSelection {
  return shape.z > 1 ? fallBackTo2D(selection, { z: shape.z, y: shape.y, x: shape.x }).selection : selection;
}

/** Number of feature channels for an image of `shape`. */
export function featureCountForShape(selection: FeatureSelection, shape: ImageShape): number {
  return featureChannelCount(selectionForShape(selection, shape), shape.c, shape.z > 1);
}

/** Options of {@link trainProjectForest}. */
export interface TrainProjectOptions {
  /** Spread the trees over these workers (identical bytes either way). */
  pool?: WorkerPool;
  /** Folders image paths may resolve into. @default [project folder] */
  allowedRoots?: string[];
  signal?: AbortSignal;
  /** Called with a sentence per step. */
  onProgress?: (message: string) => void;
}

/** Result of {@link trainProjectForest}. */
export interface TrainedProject {
  forest: Forest;
  samples: number;
  nFeatures: number;
}

/**
 * Extracts training samples from every labelled image of the project and trains the forest.
 * @throws Error naming the image when a labelled image is missing, changed since labelling (sha256), or has
 *   a feature count different from the others; ForestTrainingError for unusable labels (none, one class)
 */
export async function trainProjectForest(project: PixelClassifierProject, projectFile: string, options: TrainProjectOptions = {}): Promise<TrainedProject> {
  const projectDir = path.dirname(path.resolve(projectFile));
  const parts: TrainingSamples[] = [];
  let nFeatures: number | undefined;
  for (const image of project.images) {
    if (!project.labels[image.path]) continue;
    options.signal?.throwIfAborted();
    const absolute = resolveProjectPath(projectDir, image.path, options.allowedRoots ?? [projectDir]);
    let hash: string;
    try {
      hash = await sha256File(absolute);
    } catch {
      throw new Error(`${image.path}: the labelled image is missing (labels are kept in the project; restore the image to train)`);
    }
    if (hash !== image.sha256) {
      throw new Error(`${image.path}: the image changed since it was labelled (sha256 differs); training on it would not reproduce the saved model`);
    }
    const source = await openImage(absolute);
    try {
      const shape = source.info.shape;
      const s = image.shape;
      if (shape.t !== s.t || shape.z !== s.z || shape.c !== s.c || shape.y !== s.y || shape.x !== s.x) {
        throw new Error(`${image.path}: the image's shape differs from the one recorded in the project`);
      }
      const selection = selectionForShape(project.features, shape);
      const is3D = shape.z > 1;
      const count = featureChannelCount(selection, shape.c, is3D);
      if (nFeatures !== undefined && count !== nFeatures) {
        throw new Error(`${image.path}: gives ${count} feature channels but other labelled images give ${nFeatures} (mixing 2D and 3D images, or different channel counts)`);
      }
      nFeatures = count;
      const halo = featureHaloZYX(selection, 'ilastik', is3D);
      const volumeShape = { z: shape.z, y: shape.y, x: shape.x };
      const labels = projectLabels(project, image.path);
      options.onProgress?.(`computing features around the labels of ${image.path}`);
      const samples = await extractTrainingSamples(labels, async (box) => {
        const target = { z0: box.z, y0: box.row, x0: box.column, nz: box.depth, ny: box.height, nx: box.width };
        const sourceBox = requiredSourceBox(target, volumeShape, selection);
        const block = await readSourceBlock(source, box.t, sourceBox);
        return computeFeatureBlock({ selection, image: volumeShape, nInputChannels: shape.c, source: block, sourceBox, target });
      }, count, { halo: halo.y, tileDepth: is3D && halo.z > 0 ? Math.min(shape.z, 16) : 1 }, options.signal);
      parts.push(samples);
    } finally {
      await source.close();
    }
  }
  if (nFeatures === undefined) throw new Error('the project has no labels: paint at least two classes before training');
  const all = concatSamples(parts);
  options.onProgress?.(`training ${project.classifier.trees} trees on ${all.nSamples} labelled pixels × ${nFeatures} features`);
  const forestOptions = {
    nClasses: project.classes.length,
    nTrees: project.classifier.trees,
    seed: project.classifier.seed,
    maxDepth: project.classifier.maxDepth,
    minSamplesLeaf: project.classifier.minSamplesLeaf,
  };
  const forest = options.pool
    ? await trainForestParallel(options.pool, all.X, all.y, nFeatures, { ...forestOptions, signal: options.signal })
    : trainForest(all.X, all.y, nFeatures, forestOptions);
  return { forest, samples: all.nSamples, nFeatures };
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
