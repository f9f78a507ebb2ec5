/**
 * The training hash: a digest of everything that determines the trained forest — classifier settings, feature
 * selection, number of classes, image contents (sha256) and labels. The model cache and batch-export records
 * carry it; when it changes, the cache is stale and exports are redone. Class names and colours, export
 * settings and provenance do not change the model and are not part of it.
 */
import { sha256Of } from './fileHash';
import type { PixelClassifierProject } from './projectSchema';
import { parsePlaneKey } from '../core/labels/labelRle';

/** Canonical JSON: object keys sorted recursively (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object).filter((k) => object[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Lowercase hex sha256 identifying the training inputs of `project`. */
export function trainingHash(project: PixelClassifierProject): string {
  const labels: Record<string, Record<string, string[]>> = {};
  for (const [image, planes] of Object.entries(project.labels)) {
    const kept: Record<string, string[]> = {};
    for (const [key, rows] of Object.entries(planes)) {
      // Empty planes and the terminator do not change training.
      const content = rows.filter((r) => r !== 'end');
      if (content.length > 0 && parsePlaneKey(key)) kept[key] = content;
    }
    if (Object.keys(kept).length > 0) labels[image] = kept;
  }
  const images = project.images
    .filter((image) => labels[image.path] !== undefined)
    // In physical units the pixel size set in the project decides the kernels (issue #15).
    .map((image) => ({ path: image.path, sha256: image.sha256, ...(project.features.scaleUnit === 'physical' && image.pixelSize ? { pixelSize: image.pixelSize } : {}) }));
  return sha256Of(canonicalJson({
    // v2 (issue #15): without "featureChannels" an alpha channel no longer feeds the features, so a model trained
    // on an RGBA image before is not this project's model any more (caches are retrained once).
    format: 'pixel-classifier-training/2',
    nClasses: project.classes.length,
    classifier: project.classifier,
    features: project.features,
    images,
    labels,
  }));
}
