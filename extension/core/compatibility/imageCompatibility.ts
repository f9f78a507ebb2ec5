/**
 * Can an image share a classifier trained on other images (issue 14)? A pure comparison of what is known about
 * the image with what is known about the training images:
 * - channel count and dimensionality (2D / 3D, and which scales fall back to 2D on a short z-stack) decide
 *   whether the classifier's features even exist for the image → a refusal with a plain reason, never
 *   "14 feature channels vs 13";
 * - sample type and intensity range (1st–99th percentiles, see core/image/sampleIntensities.ts) decide whether
 *   the classifier's answers mean anything → warnings (the user may know better, e.g. a rescaled export).
 * Batch prediction (Predict Workspace, `pixel-classifier predict`) and the editor's "add this image to the
 * project?" offer both use it.
 */
import { FeatureImageError, selectionForImage } from '../features/selectionForImage';
import { formatSigma, type FeatureSelection } from '../features/featureSet';
import type { ImageShape } from '../image/imageModel';
import type { IntensityRange } from '../image/sampleIntensities';
import { inMicrons } from '../image/pixelSize';

/** What is known about one image. */
export interface ImageProfile {
  /** Name used in the sentences (usually the file's base name). */
  name: string;
  shape: ImageShape;
  /** Sample type, e.g. "uint16"; unknown when absent. */
  dtype?: string;
  /** 1st–99th percentile per channel; unknown when absent (no intensity warning then). */
  intensity?: IntensityRange[];
  /** Pixel size (project override, else the file's); decides the kernels when the scales are in physical units. */
  pixelSize?: { x: number; y: number; z?: number; unit: string };
  /** The alpha channel, not a feature channel by default. */
  alphaChannel?: number;
}

/** Result of {@link imageCompatibility}. */
export interface ImageCompatibility {
  /** False when the classifier cannot be applied to the image at all. */
  compatible: boolean;
  /** Why not (one sentence starting with the image's name), when not compatible. */
  refusal?: string;
  /** Reasons to distrust the results (one sentence each, starting with the image's name). */
  warnings: string[];
}

/**
 * The input's range must overlap at least this fraction of the shorter of the two ranges, and the two spans
 * may differ by at most {@link MAX_SPAN_RATIO}: a dimmer or brighter image of the same kind passes, an 8-bit
 * image against 16-bit training data (or a rescaled one) does not.
 */
export const MIN_RANGE_OVERLAP = 0.5;
/** See {@link MIN_RANGE_OVERLAP}. */
export const MAX_SPAN_RATIO = 4;

const DTYPE_NAMES: Record<string, string> = {
  uint8: '8-bit', int8: 'signed 8-bit', uint16: '16-bit', int16: 'signed 16-bit', uint32: '32-bit', int32: 'signed 32-bit',
  float32: '32-bit float', float64: '64-bit float',
};

function dtypeName(dtype: string): string {
  return `${DTYPE_NAMES[dtype] ?? dtype} (${dtype})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listOf(values: string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** A number as people read it: integers as is, others with 3 significant digits. */
export function formatIntensity(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

function channelWord(c: number): string {
  if (c === 3) return '3 channels (RGB)';
  if (c === 4) return '4 channels (RGBA)';
  return plural(c, 'channel');
}

/** Which scales of `features` are computed slice by slice for a z-stack of this shape (fallback to 2D). */
function scalesIn2D(features: FeatureSelection, image: ImageProfile): boolean[] {
  return selectionForImage(features, image).scales.map((s) => s.in2D);
}

/** The refusal, if the classifier's features cannot be computed the same way for `image`. */
function structuralRefusal(image: ImageProfile, training: readonly ImageProfile[], features?: FeatureSelection): string | undefined {
  const { name, shape } = image;
  const channels = [...new Set(training.map((p) => p.shape.c))].sort((a, b) => a - b);
  if (!channels.includes(shape.c)) {
    return `${name} has ${channelWord(shape.c)}; the classifier was trained on images with ${listOf(channels.map((c) => channelWord(c)))}`;
  }
  const training3D = training.filter((p) => p.shape.z > 1);
  const is3D = shape.z > 1;
  if (is3D && training3D.length === 0) {
    return `${name} has ${plural(shape.z, 'z-slice')}; the classifier was trained on 2D images`;
  }
  if (!is3D && training3D.length === training.length) {
    const depths = [...new Set(training3D.map((p) => p.shape.z))].sort((a, b) => a - b);
    return `${name} is a 2D image; the classifier was trained on 3D z-stacks (${listOf(depths.map(String))} z-slices)`;
  }
  if (!features) return undefined;
  try {
    selectionForImage(features, image);
  } catch (error) {
    if (error instanceof FeatureImageError) return error.message;
    return `${name} is too small for the classifier's features: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!is3D) return undefined;
  // Short z-stacks compute large scales slice by slice (ilastik's fallback): a classifier trained with 3D
  // features at σ has no such feature on a stack that only allows 2D at σ, and the other way round.
  const mine = scalesIn2D(features, image);
  for (const reference of training3D) {
    let theirs: boolean[];
    try { theirs = scalesIn2D(features, reference); } catch { continue; }
    const differing = features.scales.map((s, i) => ({ s, i })).filter(({ i }) => mine[i] !== theirs[i]);
    if (differing.length === 0) return undefined;
    const sigmas = differing.map(({ s }) => `σ=${formatSigma(s.sigma)}${features.scaleUnit === 'physical' ? ' µm' : ''}`).join(', ');
    const few = differing.some(({ i }) => mine[i]);
    return few
      ? `${name} has ${plural(shape.z, 'z-slice')}, too few for the 3D features at ${sigmas} the classifier was trained with (its training images have ${reference.shape.z})`
      : `${name} has ${plural(shape.z, 'z-slice')}; the classifier was trained on z-stacks of ${reference.shape.z} slices, where ${sigmas} had to be computed in 2D`;
  }
  return undefined;
}

/** Pixel sizes may differ by this factor before σ in pixels is worth a warning. */
export const MAX_PIXEL_SIZE_RATIO = 1.25;

/** Pixel width in µm, when known as a length. */
function micronsX(size: ImageProfile['pixelSize']): number | undefined {
  if (!size) return undefined;
  const m = inMicrons(size);
  return m.unit === 'µm' ? m.x : undefined;
}

/**
 * With σ in pixels (issue #15), an image whose pixels are much larger or smaller than the training images' sees its
 * structures at another scale: a warning that suggests physical units. Nothing in physical mode (σ follows the pixel
 * size there) or when a pixel size is unknown.
 */
function pixelScaleProblem(image: ImageProfile, training: readonly ImageProfile[], features?: FeatureSelection): string | undefined {
  if (features?.scaleUnit === 'physical') return undefined;
  const mine = micronsX(image.pixelSize);
  const theirs = training.map((p) => micronsX(p.pixelSize)).filter((v): v is number => v !== undefined);
  if (mine === undefined || theirs.length === 0) return undefined;
  const low = Math.min(...theirs), high = Math.max(...theirs);
  if (mine >= low / MAX_PIXEL_SIZE_RATIO && mine <= high * MAX_PIXEL_SIZE_RATIO) return undefined;
  const range = low === high ? formatIntensity(low) : `${formatIntensity(low)}–${formatIntensity(high)}`;
  return `has ${formatIntensity(mine)} µm pixels but the training images have ${range} µm, and the feature scales are in pixels `
    + '(σ in physical units in the Features panel adapts them to each pixel size)';
}

/** Union of the training images' ranges of channel `c` (those that know it). */
function trainingRange(training: readonly ImageProfile[], c: number): IntensityRange | undefined {
  let low = Infinity;
  let high = -Infinity;
  for (const p of training) {
    const r = p.intensity?.[c];
    if (!r || !Number.isFinite(r.low) || !Number.isFinite(r.high)) continue;
    low = Math.min(low, r.low);
    high = Math.max(high, r.high);
  }
  return low <= high ? { low, high } : undefined;
}

/** Whether `input` is a plausible range for a classifier trained on `reference` (see {@link MIN_RANGE_OVERLAP}). */
export function rangesMatch(input: IntensityRange, reference: IntensityRange): boolean {
  const scale = Math.max(1e-12, Math.abs(reference.low), Math.abs(reference.high), Math.abs(input.low), Math.abs(input.high));
  const epsilon = 1e-6 * scale;
  const spanIn = Math.max(epsilon, input.high - input.low);
  const spanRef = Math.max(epsilon, reference.high - reference.low);
  const overlap = Math.max(0, Math.min(input.high, reference.high) - Math.max(input.low, reference.low) + epsilon);
  if (overlap < MIN_RANGE_OVERLAP * Math.min(spanIn, spanRef)) return false;
  return spanIn <= MAX_SPAN_RATIO * spanRef && spanRef <= MAX_SPAN_RATIO * spanIn;
}

/**
 * Compares an image with the classifier's training images.
 * @param image what is known about the image (shape always; dtype and intensities when known)
 * @param training the labelled images the classifier was (or will be) trained on; none → always compatible
 * @param features the project's feature selection (checks the 2D fallback of short z-stacks and tiny images)
 * @example
 * imageCompatibility({ name: 'stack.tif', shape: { t: 1, z: 12, c: 1, y: 64, x: 64 } }, [trained2D])
 * // { compatible: false, refusal: 'stack.tif has 12 z-slices; the classifier was trained on 2D images', warnings: [] }
 */
export function imageCompatibility(image: ImageProfile, training: readonly ImageProfile[], features?: FeatureSelection): ImageCompatibility {
  if (training.length === 0) return { compatible: true, warnings: [] };
  const refusal = structuralRefusal(image, training, features);
  if (refusal) return { compatible: false, refusal, warnings: [] };

  const problems: string[] = [];
  const dtypes = [...new Set(training.map((p) => p.dtype).filter((d): d is string => !!d))].sort();
  const dtypeDiffers = image.dtype !== undefined && dtypes.length > 0 && !dtypes.includes(image.dtype);
  if (dtypeDiffers) problems.push(`is ${dtypeName(image.dtype!)} but the classifier was trained on ${listOf(dtypes.map(dtypeName))} images`);
  const scaleProblem = pixelScaleProblem(image, training, features);
  if (scaleProblem) problems.push(scaleProblem);
  const C = image.shape.c;
  for (let c = 0; c < C; c++) {
    const mine = image.intensity?.[c];
    const reference = trainingRange(training, c);
    if (!mine || !reference || !Number.isFinite(mine.low) || !Number.isFinite(mine.high)) continue;
    if (rangesMatch(mine, reference)) continue;
    const channel = C > 1 ? ` of channel ${c + 1}` : '';
    problems.push(`its intensities${channel} (1st–99th percentile ${formatIntensity(mine.low)}–${formatIntensity(mine.high)}) are unlike the training images' (${formatIntensity(reference.low)}–${formatIntensity(reference.high)})`);
  }
  if (problems.length === 0) return { compatible: true, warnings: [] };
  return { compatible: true, warnings: [`${image.name} ${problems.join('; ')}: the predictions may be wrong (convert it like the training images, or label it too)`] };
}
