/**
 * The feature selection an image actually gets (issue #15): the project's, resolved for one image —
 * - physical units (`scaleUnit: "physical"`): every scale's σ (µm) becomes a σ per axis in pixels,
 *   σ / pixelSize_axis, from the image's pixel size (the project's override, else the file's);
 * - feature channels: the project's `featureChannels`, else every channel but alpha;
 * - z-stacks: scales too long along z fall back to 2D (ilastik's fallback), with a note each.
 * Training, live prediction, batch prediction, the CLI and the ONNX export all use it, so they agree on the
 * feature channels and the kernels.
 */
import { fallBackTo2D, featureChannelCount } from './computeFeatureBlock';
import { formatSigma, inputChannelsOf, type FeatureSelection, type FeatureVariant } from './featureSet';
import type { ImageShape } from '../image/imageModel';
import { pixelSigmasFor } from './scaleKernels';
import { inMicrons } from '../image/pixelSize';

/** What feature resolution needs to know about an image. */
export interface FeatureImage {
  /** Name used in errors (file name or project path). */
  name: string;
  shape: Pick<ImageShape, 'z' | 'y' | 'x' | 'c'>;
  /** Pixel size (project override, else the file's); needed in physical mode. */
  pixelSize?: { x: number; y: number; z?: number; unit: string };
  /** The alpha channel, not a feature channel by default. */
  alphaChannel?: number;
}

/** Smallest σ in pixels along an axis a physical scale may give: smaller kernels are a single tap (no smoothing, no derivative). */
export const MIN_AXIS_PIXEL_SIGMA = 0.1;

/** An image cannot get the project's features (no pixel size in physical mode, missing channels, tiny σ). */
export class FeatureImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeatureImageError';
  }
}

/** Pixel size of `image` in µm per axis (z = 1 for 2D images). @throws FeatureImageError */
function micronsPerPixel(image: FeatureImage): { z: number; y: number; x: number } {
  const size = image.pixelSize;
  const fix = ' — set the pixel size in the image panel (it is saved in the project), or compute the features in pixels';
  if (!size) throw new FeatureImageError(`${image.name}: the feature scales are in physical units, but the image has no pixel size${fix}`);
  const microns = inMicrons(size);
  if (microns.unit !== 'µm') throw new FeatureImageError(`${image.name}: the feature scales are in physical units (µm), but the pixel size is in "${size.unit}", which is not a length${fix}`);
  if (image.shape.z > 1 && !(microns.z! > 0)) throw new FeatureImageError(`${image.name}: the feature scales are in physical units, but the z-stack has no z step (slice spacing)${fix}`);
  return { z: image.shape.z > 1 ? microns.z! : 1, y: microns.y, x: microns.x };
}

/**
 * The selection used for `image`, and notes on what was adapted (2D fallbacks).
 * @throws FeatureImageError when physical units need a pixel size the image lacks, a σ is below
 *   {@link MIN_AXIS_PIXEL_SIGMA} pixels along an axis, or `featureChannels` names a channel the image lacks
 * @throws FeatureScaleError when a scale is too large along y or x
 * @example
 * selectionForImage({ ...sel, scaleUnit: 'physical' }, { name: 'a.tif', shape, pixelSize: { x: 0.5, y: 0.5, z: 2, unit: 'µm' } })
 * // scale σ=1 → pixelSigmas { z: 0.5, y: 2, x: 2 }
 */
export function selectionForImageWithNotes(selection: FeatureSelection, image: FeatureImage, variant: FeatureVariant = 'ilastik'): { selection: FeatureSelection; notes: string[] } {
  const resolved: FeatureSelection = { ...selection, scales: selection.scales.map((s) => ({ ...s })) };
  if (selection.scaleUnit === 'physical') {
    const size = micronsPerPixel(image);
    resolved.scales = resolved.scales.map((s) => {
      const pixelSigmas = pixelSigmasFor(s.sigma, size);
      const axes = image.shape.z > 1 && !s.in2D ? (['z', 'y', 'x'] as const) : (['y', 'x'] as const);
      for (const a of axes) {
        if (pixelSigmas[a] < MIN_AXIS_PIXEL_SIGMA) {
          throw new FeatureImageError(`${image.name}: scale σ=${formatSigma(s.sigma)} µm is ${Number(pixelSigmas[a].toPrecision(2))} pixels along ${a} `
            + `(pixel size ${Number(size[a].toPrecision(4))} µm), below the smallest ${MIN_AXIS_PIXEL_SIGMA} pixels: remove that scale`);
        }
      }
      return { ...s, pixelSigmas };
    });
  } else {
    for (const s of resolved.scales) delete s.pixelSigmas;
  }
  const c = image.shape.c;
  if (selection.featureChannels) {
    const missing = selection.featureChannels.filter((k) => k >= c);
    if (missing.length > 0) {
      throw new FeatureImageError(`${image.name}: the project's feature channels include channel ${missing.join(', ')} (0-based), but the image has ${c} channel${c === 1 ? '' : 's'}`);
    }
  } else if (image.alphaChannel !== undefined && image.alphaChannel < c && c > 1) {
    resolved.featureChannels = inputChannelsOf(selection, c).filter((k) => k !== image.alphaChannel);
  }
  // z-stacks: too-long-for-z scales fall back to 2D; every image: a scale too long along y or x is an error.
  return fallBackTo2D(resolved, { z: image.shape.z, y: image.shape.y, x: image.shape.x }, variant);
}

/** {@link selectionForImageWithNotes} without the notes. */
export function selectionForImage(selection: FeatureSelection, image: FeatureImage): FeatureSelection {
  return selectionForImageWithNotes(selection, image).selection;
}

/** Number of feature channels for `image`. */
export function featureCountForImage(selection: FeatureSelection, image: FeatureImage): number {
  return featureChannelCount(selectionForImage(selection, image), image.shape.c, image.shape.z > 1);
}
