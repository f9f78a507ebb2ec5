/**
 * The classifier's training images as {@link ImageProfile}s for the compatibility check (issue 14): the
 * project's labelled images — the ones training uses — with their recorded shape and sample type and, when the
 * file is there, the 1st–99th percentile range of a sample of its pixels.
 *
 * The intensity range is measured at predict time rather than stored: the project file holds only what people
 * author (issue 19), and a stored range could disagree with the image; the images must be present to train
 * anyway, and a sample of a few windows per image costs milliseconds. When a labelled image is missing (the
 * model came from the cache) its shape and dtype still come from the project and only the range is unknown.
 */
import * as path from 'node:path';
import type { ImageProfile } from '../core/compatibility/imageCompatibility';
import { featureImageOf } from '../core/features/featureImageOf';
import { recordedTrainingProfiles } from '../core/compatibility/recordedTrainingProfiles';
import { sampleIntensities } from '../core/image/sampleIntensities';
import { openImage } from '../node/openImage';
import { resolveProjectPath } from '../project/projectPaths';
import type { PixelClassifierProject } from '../project/projectSchema';

export { recordedTrainingProfiles };

/**
 * Profiles with measured intensities (or, with `intensities: false`, only what the files' headers say: enough for
 * the structural check, which a batch run makes before predicting while the intensities are sampled beside it).
 * @param onNote called with a sentence for each labelled image that could not be sampled
 */
export async function measureTrainingProfiles(
  project: PixelClassifierProject, projectFile: string, allowedRoots: readonly string[], onNote?: (note: string) => void,
  { intensities = true }: { intensities?: boolean } = {},
): Promise<ImageProfile[]> {
  const projectDir = path.dirname(path.resolve(projectFile));
  const recorded = recordedTrainingProfiles(project);
  const labelled = project.images.filter((image) => project.labels[image.path] && Object.keys(project.labels[image.path]).length > 0);
  const profiles: ImageProfile[] = [];
  for (let i = 0; i < labelled.length; i++) {
    const profile = recorded[i];
    try {
      const source = await openImage(resolveProjectPath(projectDir, labelled[i].path, allowedRoots));
      try {
        profile.dtype = source.info.dtype;
        const seen = featureImageOf(profile.name, source.info, labelled[i].pixelSize);
        if (seen.pixelSize) profile.pixelSize = seen.pixelSize;
        if (seen.alphaChannel !== undefined) profile.alphaChannel = seen.alphaChannel;
        if (intensities) profile.intensity = await sampleIntensities(source);
      } finally {
        await source.close();
      }
    } catch (error) {
      // (reported once: by the run that samples)
      if (intensities) onNote?.(`training image ${labelled[i].path} could not be sampled (${error instanceof Error ? error.message : String(error)}); its intensity range is not compared`);
    }
    profiles.push(profile);
  }
  return profiles;
}
