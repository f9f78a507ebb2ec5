/** The {@link FeatureImage} of an opened image: its shape, pixel size (project override, else the file's) and alpha channel. */
import type { FeatureImage } from './selectionForImage';
import { imageChannels } from '../image/imageChannels';
import type { ImageInfo } from '../image/imageModel';
import { pixelSizeFromMetadata } from '../image/pixelSize';

/**
 * @param name used in errors
 * @param info the opened image's info
 * @param pixelSizeOverride the project's `images[i].pixelSize` for this image, when set
 */
export function featureImageOf(name: string, info: Pick<ImageInfo, 'shape' | 'metadata' | 'format'>,
  pixelSizeOverride?: { x: number; y: number; z?: number; unit: string }): FeatureImage {
  const pixelSize = pixelSizeOverride ?? pixelSizeFromMetadata(info);
  const { alpha } = imageChannels(info);
  return {
    name, shape: info.shape,
    ...(pixelSize ? { pixelSize: { x: pixelSize.x, y: pixelSize.y, ...(pixelSize.z !== undefined ? { z: pixelSize.z } : {}), unit: pixelSize.unit } } : {}),
    ...(alpha !== undefined ? { alphaChannel: alpha } : {}),
  };
}
