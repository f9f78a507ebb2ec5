/**
 * The training images of a project as the compatibility check sees them, from the project data alone (no file
 * access): shape and recorded sample type of every labelled image. Used before predicting and before offering
 * to add an opened image to a project.
 */
import type { ImageShape } from '../image/imageModel';
import type { ImageProfile } from './imageCompatibility';

/** The parts of a project this needs (structurally a PixelClassifierProject). */
export interface ProjectImagesAndLabels {
  images: { path: string; shape: ImageShape; dtype?: string; pixelSize?: { x: number; y: number; z?: number; unit: string } }[];
  labels: Record<string, Record<string, unknown> | undefined>;
}

/** Profiles of the labelled images of `project`. */
export function recordedTrainingProfiles(project: ProjectImagesAndLabels): ImageProfile[] {
  return project.images
    .filter((image) => project.labels[image.path] && Object.keys(project.labels[image.path]!).length > 0)
    .map((image) => ({
      name: image.path.slice(image.path.lastIndexOf('/') + 1), shape: { ...image.shape }, dtype: image.dtype,
      ...(image.pixelSize ? { pixelSize: { ...image.pixelSize } } : {}),
    }));
}
