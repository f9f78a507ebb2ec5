/**
 * What an exported model is built for (issue 17): the input geometry of the project's labelled images and the
 * training provenance every exported model carries.
 */
import * as path from 'node:path';
import type { Margins } from '../core/features/box';
import { featureHaloZYX } from '../core/features/computeFeatureBlock';
import type { FeatureSelection } from '../core/features/featureSet';
import type { PixelClassifierProject, ProjectImage } from '../project/projectSchema';
import { selectionForImage } from '../core/features/selectionForImage';
import type { ImageInfo } from '../core/image/imageModel';
import { featureImageOf } from '../core/features/featureImageOf';
import type { ProjectClassifier } from './trainProject';

/** The geometry the exported model is built for: the first labelled image's. */
export interface ModelGeometry {
  reference: ProjectImage;
  spatialDims: 2 | 3;
  nInputChannels: number;
  selection: FeatureSelection;
  halo: Margins;
}

/**
 * Geometry of the model from the project's labelled images.
 * @param referenceInfo the reference image's info (for its pixel size in physical mode and its alpha channel)
 * @throws Error when no image is labelled
 */
export function modelGeometry(project: PixelClassifierProject, referenceInfo?: Pick<ImageInfo, 'shape' | 'metadata' | 'format'>): ModelGeometry {
  const labelled = project.images.filter((image) => project.labels[image.path] && Object.keys(project.labels[image.path]).length > 0);
  const reference = labelled[0];
  if (!reference) throw new Error('the project has no labelled image: label at least two classes and train before exporting a model');
  const { shape } = reference;
  const selection = selectionForImage(project.features, referenceInfo
    ? featureImageOf(reference.path, referenceInfo, reference.pixelSize)
    : { name: reference.path, shape, ...(reference.pixelSize ? { pixelSize: reference.pixelSize } : {}) });
  const spatialDims = shape.z > 1 ? 3 : 2;
  return { reference, spatialDims, nInputChannels: shape.c, selection, halo: featureHaloZYX(selection, 'ilastik', spatialDims === 3) };
}

/** Training provenance written into every exported model (ONNX metadata_props, bioimage.io config). */
export function trainingProvenance(project: PixelClassifierProject, projectFile: string, classifier: ProjectClassifier): Record<string, string> {
  return {
    project: path.basename(projectFile),
    training_hash: classifier.trainingHash,
    last_trained: project.provenance.lastTrained ?? '',
    oob_error: project.provenance.oobError !== undefined ? String(project.provenance.oobError) : '',
    trees: String(classifier.forest.trees.length),
    seed: String(project.classifier.seed),
    training_images: JSON.stringify(project.images.filter((i) => project.labels[i.path]).map((i) => ({ path: i.path, sha256: i.sha256 }))),
  };
}
