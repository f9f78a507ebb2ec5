/**
 * The channels of an image as the Features panel lists them (issue #15): a name per channel (from the file's
 * metadata — OME `Channel Name`, RGB(A) colour samples — else "Channel k", 0-based like the project's
 * `featureChannels`) and which channel is alpha.
 * RGB(A) samples are always channels (never z); alpha is not a feature channel by default.
 */
import type { ImageInfo } from './imageModel';

/** Names and the alpha channel of an image. */
export interface ImageChannels {
  /** One name per channel (`shape.c` entries). */
  names: string[];
  /** Index of the alpha (transparency) channel, if the file has one. */
  alpha?: number;
}

const TIFF_PHOTOMETRIC_RGB = 2;

/**
 * Channel names and alpha channel of an image.
 * @example imageChannels(pngRgbaInfo) // { names: ['Red', 'Green', 'Blue', 'Alpha'], alpha: 3 }
 */
export function imageChannels(info: Pick<ImageInfo, 'format' | 'metadata' | 'shape'>): ImageChannels {
  const c = info.shape.c;
  const m = info.metadata ?? {};
  let alpha: number | undefined;
  let colours: string[] | undefined;
  if (info.format === 'png') {
    const type = m.colorType;
    if ((type === 'rgba' || type === 'palette') && c === 4) { colours = ['Red', 'Green', 'Blue', 'Alpha']; alpha = 3; }
    else if ((type === 'rgb' || type === 'palette') && c === 3) colours = ['Red', 'Green', 'Blue'];
    else if (type === 'gray+alpha' && c === 2) { colours = ['Gray', 'Alpha']; alpha = 1; }
  } else if (info.format === 'jpeg' && c === 3) {
    colours = ['Red', 'Green', 'Blue'];
  } else if (info.format === 'tiff' && m.photometric === TIFF_PHOTOMETRIC_RGB && typeof m.samplesPerPixel === 'number') {
    // Chunky RGB(A): the samples are the channels; a fourth sample of an RGB page is its alpha (ExtraSamples).
    if (m.samplesPerPixel === 4 && c === 4) { colours = ['Red', 'Green', 'Blue', 'Alpha']; alpha = 3; }
    else if (m.samplesPerPixel === 3 && c === 3) colours = ['Red', 'Green', 'Blue'];
  }
  const stored = Array.isArray(m.channelNames) && m.channelNames.length === c ? (m.channelNames as unknown[]) : undefined;
  const names = Array.from({ length: c }, (_, k) => {
    const name = stored?.[k];
    if (typeof name === 'string' && name.trim() !== '') return name.trim();
    return colours?.[k] ?? `Channel ${k}`;
  });
  return alpha === undefined ? { names } : { names, alpha };
}

/** The channels that feed the features when the project does not say: all but alpha (when there is more than alpha). */
export function defaultFeatureChannels(channels: ImageChannels): number[] {
  const all = channels.names.map((_, k) => k);
  const withoutAlpha = all.filter((k) => k !== channels.alpha);
  return withoutAlpha.length > 0 ? withoutAlpha : all;
}
