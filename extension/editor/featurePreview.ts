/**
 * The feature preview (ilastik's feature viewer): one feature family at one σ, computed with the engine's
 * feature code for the region the user is looking at, from one input channel. The controller answers
 * `features/preview` with it; the compute back end is the live loop's (worker pool in the extension).
 */
import { selectionForImage, type FeatureImage } from '../core/features/selectionForImage';
import type { Box } from '../core/features/box';
import { requiredSourceBox } from '../core/features/computeFeatureBlock';
import { FEATURE_IDS, featureChannels, type FeatureId, type FeatureSelection } from '../core/features/featureSet';
import type { ImageSource } from '../core/image/imageModel';
import type { FeaturePreviewRequestMessage } from '../protocol';
import type { LiveCompute } from './liveCompute';

/** A computed preview: values of the box, row-major, and their display range. */
export interface FeaturePreview {
  name: string;
  data: Float32Array;
  /** 1st and 99th percentiles of `data`. */
  min: number;
  max: number;
}

/** A selection holding only `featureId` at `sigma`. */
export function singleFeatureSelection(featureId: FeatureId, sigma: number, in2D: boolean): FeatureSelection {
  const selected = {} as Record<FeatureId, boolean[]>;
  for (const id of FEATURE_IDS) selected[id] = [id === featureId];
  return { scales: [{ sigma, in2D }], selected };
}

/**
 * The `lo` and `hi` quantiles (0..1) of the finite values of `data`, from an even sample of at most
 * `maxSamples` values (a display range does not need an exact sort of millions of values).
 */
export function percentileRange(data: Float32Array, lo: number, hi: number, maxSamples = 1 << 16): { min: number; max: number } {
  const step = Math.max(1, Math.floor(data.length / maxSamples));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) if (Number.isFinite(data[i])) sample.push(data[i]);
  if (sample.length === 0) return { min: 0, max: 1 };
  sample.sort((a, b) => a - b);
  const at = (q: number): number => sample[Math.min(sample.length - 1, Math.max(0, Math.round(q * (sample.length - 1))))];
  const min = at(lo);
  let max = at(hi);
  if (!(max > min)) max = min + 1; // a flat region still shows (as mid grey), never divides by zero
  return { min, max };
}

/**
 * Computes the preview of `request` (a validated message) on `image`.
 * @param physical the project's scales are in physical units: σ is then resolved per axis for `featureImage`
 *   (its pixel size), exactly as training and prediction do
 */
export async function computeFeaturePreview(image: ImageSource, compute: LiveCompute, request: FeaturePreviewRequestMessage, signal?: AbortSignal,
  physical?: { featureImage: FeatureImage }): Promise<FeaturePreview> {
  const shape = image.info.shape;
  const featureId = request.featureId as FeatureId;
  const single = singleFeatureSelection(featureId, request.sigma, request.in2D);
  // One channel is read below, so the preview image is a one-channel image without alpha.
  const selection = physical
    ? selectionForImage({ ...single, scaleUnit: 'physical' }, { ...physical.featureImage, shape: { ...shape, c: 1 }, alphaChannel: undefined })
    : single;
  const volume = { z: shape.z, y: shape.y, x: shape.x };
  const { box } = request;
  const target: Box = { z0: request.z, nz: 1, y0: box.row, ny: box.height, x0: box.column, nx: box.width };
  const sourceBox = requiredSourceBox(target, volume, selection);
  // Only the chosen input channel: a one-channel source is all the feature code needs.
  const planeSize = sourceBox.ny * sourceBox.nx;
  const source = new Float32Array(sourceBox.nz * planeSize);
  const region = { y0: sourceBox.y0, y1: sourceBox.y0 + sourceBox.ny, x0: sourceBox.x0, x1: sourceBox.x0 + sourceBox.nx };
  for (let dz = 0; dz < sourceBox.nz; dz++) {
    signal?.throwIfAborted();
    await image.readRegionFloat32(request.t, sourceBox.z0 + dz, request.c, region, source.subarray(dz * planeSize, (dz + 1) * planeSize));
  }
  const features = await compute.tileFeatures({ selection, image: volume, nInputChannels: 1, source, sourceBox, target }, signal, 2);
  // Channel 0 is the scalar feature, or the largest eigenvalue of the eigenvalue families.
  const channels = featureChannels(selection, 1, shape.z > 1);
  const n = box.width * box.height;
  const data = features.slice(0, n);
  const base = channels[0].name.replace(/ \[0\]$/, '');
  const name = base + (shape.c > 1 ? ` of channel ${request.c}` : '') + (channels.length > 1 ? ' (largest eigenvalue)' : '');
  return { name, data, ...percentileRange(data, 0.01, 0.99) };
}
