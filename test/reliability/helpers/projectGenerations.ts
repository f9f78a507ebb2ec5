/**
 * Deterministic project "generations" for the kill-during-save test: generation k differs from k−1 in
 * every label row and in its provenance, and is a few hundred KB, so a torn write is always detectable
 * (it would not parse, or would not equal any generation's exact text).
 */
import { selectionDefaultLight } from '../../../extension/core/features/featureSet';
import { LabelVolume } from '../../../extension/core/labels/labelVolume';
import { encodeLabels } from '../../../extension/core/labels/labelRle';
import { createProject, type PixelClassifierProject } from '../../../extension/project/projectSchema';
import { stringifyProject } from '../../../extension/project/stringifyProject';

const SHAPE = { t: 1, z: 1, y: 1024, x: 512 };

/** Project of generation `k` (k ≥ 0). */
export function projectGeneration(k: number): PixelClassifierProject {
  const project = createProject(selectionDefaultLight(), `gen-${k}`);
  project.images.push({ path: 'cells.tif', sha256: 'c'.repeat(64), shape: { ...SHAPE, c: 1 }, dtype: 'uint16' });
  const volume = new LabelVolume(SHAPE);
  for (let row = 0; row < SHAPE.y; row++) {
    for (let run = 0; run < 4; run++) {
      const start = (row * 7 + k * 13 + run * 120) % (SHAPE.x - 64);
      const length = 3 + ((k + run + row) % 40);
      volume.data.fill(1 + ((row + k + run) % 2), row * SHAPE.x + start, row * SHAPE.x + start + length);
    }
  }
  project.labels['cells.tif'] = encodeLabels(volume);
  return project;
}

/** The exact text written for generation `k`. */
export function generationText(k: number): string {
  return stringifyProject(projectGeneration(k));
}

/** Generation number recorded in a parsed project. */
export function generationOf(project: PixelClassifierProject): number {
  return Number(project.provenance.extensionVersion.slice(4));
}
