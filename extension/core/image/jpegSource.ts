import { decode as decodeJpeg } from 'jpeg-js';
import { DEFAULT_MEMORY_LIMIT_BYTES, ImageError, type ImageOpenOptions, type ImageSource, type PixelArray } from './imageModel';
import { memoryImageSource } from './memoryImageSource';

/** Reads width, height and component count from the first SOF marker; null when there is none. */
function jpegFrame(bytes: Uint8Array): { width: number; height: number; components: number } | null {
  let p = 2;
  while (p + 9 < bytes.length) {
    if (bytes[p] !== 0xff) { p++; continue; }
    const marker = bytes[p + 1];
    if (marker === 0xff) { p++; continue; }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { p += 2; continue; }
    const length = (bytes[p + 2] << 8) | bytes[p + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[p + 5] << 8) | bytes[p + 6], width: (bytes[p + 7] << 8) | bytes[p + 8], components: bytes[p + 9] };
    }
    p += 2 + length;
  }
  return null;
}

/**
 * Decodes a baseline/progressive JPEG with jpeg-js into uint8 planes: 1 channel for greyscale
 * (also for colour JPEGs whose three channels are identical), else 3.
 */
export function openJpeg(bytes: Uint8Array, name: string, options: ImageOpenOptions = {}): ImageSource {
  const fail = (reason: string): never => { throw new ImageError(name, reason); };
  const frame = jpegFrame(bytes);
  if (!frame) return fail('corrupt or truncated JPEG (no frame header)');
  const { width, height } = frame;
  if (width === 0 || height === 0) fail(`image has zero size (${width}×${height})`);
  const limit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  if (width * height * 4 > limit) {
    fail(`a ${width}×${height} JPEG needs ${((width * height * 4) / 2 ** 20).toFixed(0)} MiB per plane as float32, over the memory limit of ${(limit / 2 ** 20).toFixed(0)} MiB`);
  }
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    // jpeg-js refuses images over 512 MB by default; allow what the image needs (+ working space).
    const needMB = Math.ceil((width * height * Math.max(3, frame.components) * 4) / 2 ** 20) + 64;
    decoded = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: needMB, maxResolutionInMP: Math.ceil(width * height / 1e6) + 1 }) as never;
  } catch (error) {
    return fail(`corrupt or truncated JPEG: ${error instanceof Error ? error.message : String(error)}`);
  }
  const n = decoded.width * decoded.height;
  const components = Math.round(decoded.data.length / n);
  let channels = components;
  if (components === 3) {
    const d = decoded.data;
    let grey = true;
    for (let i = 0; i < d.length && grey; i += 3) grey = d[i] === d[i + 1] && d[i] === d[i + 2];
    if (grey) channels = 1;
  }
  const planes: PixelArray[] = [];
  for (let c = 0; c < channels; c++) {
    const plane = new Uint8Array(n);
    for (let i = 0, j = c; i < n; i++, j += components) plane[i] = decoded.data[j];
    planes.push(plane);
  }
  return memoryImageSource({
    name, format: 'jpeg', shape: { t: 1, z: 1, c: channels, y: decoded.height, x: decoded.width },
    axes: channels > 1 ? 'CYX' : 'YX', dtype: 'uint8', pages: 1, compression: 'jpeg',
    metadata: { components: frame.components },
  }, planes);
}
