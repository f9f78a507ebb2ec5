/**
 * When `train -o` may overwrite an existing project (issue #12): only when the existing file was produced
 * from the same inputs as this run — i.e. it holds exactly what this run would write, apart from provenance
 * (version, training time, OOB error, training hash): the same images (stored path, sha256 of the content,
 * shape, sample type), the same labels pixel for pixel, the same classes (names and colours), feature
 * selection, classifier options and export settings. Re-running a command is then harmless, while labels
 * painted, classes renamed or settings changed in the editor are never overwritten without `--force`.
 */
import { sameLabels } from '../core/labels/labelVolume';
import { canonicalJson } from '../project/trainingHash';
import { projectLabels } from '../project/projectFile';
import type { PixelClassifierProject } from '../project/projectSchema';

/**
 * The first difference between what a person authored in `existing` and the project `next` this run would
 * write, as a phrase for a message ("its labels of a.tif differ"), or undefined when there is none.
 */
export function authoredDifference(existing: PixelClassifierProject, next: PixelClassifierProject): string | undefined {
  const fields: [keyof PixelClassifierProject, string][] = [
    ['images', 'its images (paths or contents by sha256)'],
    ['classes', 'its classes'],
    ['features', 'its feature selection'],
    ['classifier', 'its classifier options'],
    ['export', 'its export settings'],
  ];
  for (const [field, phrase] of fields) {
    if (canonicalJson(existing[field]) !== canonicalJson(next[field])) return `${phrase} differ`;
  }
  const labelled = (p: PixelClassifierProject) => Object.keys(p.labels).filter((k) => Object.keys(p.labels[k]).length > 0).sort();
  if (canonicalJson(labelled(existing)) !== canonicalJson(labelled(next))) return 'its labelled images differ';
  for (const image of labelled(next)) {
    // Compared pixel for pixel, so an equivalent encoding of the same labels is the same labels.
    if (!sameLabels(projectLabels(existing, image), projectLabels(next, image))) return `its labels of ${image} differ`;
  }
  return undefined;
}
