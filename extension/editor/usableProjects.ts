/**
 * Which projects of the folder an opened image may join (issue #14): only those whose classifier can use it
 * — same channel count, 2D/3D as trained, large enough for the features. The others are not offered (a dead
 * end); the reason is logged.
 */
import * as path from 'node:path';
import { imageCompatibility } from '../core/compatibility/imageCompatibility';
import { recordedTrainingProfiles } from '../core/compatibility/recordedTrainingProfiles';
import type { ImageInfo } from '../core/image/imageModel';
import { featureImageOf } from '../core/features/featureImageOf';
import { readProject } from '../project/projectFile';

/** The candidate project files the image of `info` (named `fileName`) may join; `log` hears why others may not. */
export async function usableProjects(fileName: string, info: Pick<ImageInfo, 'shape' | 'dtype' | 'metadata' | 'format'>, candidates: readonly string[], log: (line: string) => void): Promise<string[]> {
  const usable: string[] = [];
  for (const file of candidates) {
    const project = await readProject(file).catch(() => undefined);
    if (!project) continue;
    const verdict = imageCompatibility({ ...featureImageOf(fileName, info), name: fileName, shape: info.shape, dtype: info.dtype }, recordedTrainingProfiles(project), project.features);
    if (verdict.compatible) usable.push(file);
    else log(`${fileName}: not offering ${path.basename(file)}: ${verdict.refusal}`);
  }
  return usable;
}
