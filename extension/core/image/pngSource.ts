import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import { Unzlib } from 'fflate';
import { DEFAULT_MEMORY_LIMIT_BYTES, ImageError, type ImageOpenOptions, type ImageSource, type PixelArray } from './imageModel';
import { memoryImageSource } from './memoryImageSource';

const COLOR_TYPES: Record<number, string> = { 0: 'gray', 2: 'rgb', 3: 'palette', 4: 'gray+alpha', 6: 'rgba' };

/**
 * Decodes a PNG (1/2/4/8/16-bit gray, gray+alpha, RGB, RGBA; palette → RGB(A)) into planes, one
 * channel per sample. Sub-byte gray samples are unpacked to uint8 raw values (0/1 for 1-bit).
 * The IHDR size is checked against the memory limit before decoding.
 */
export function openPng(bytes: Uint8Array, name: string, options: ImageOpenOptions = {}): ImageSource {
  const fail = (reason: string): never => { throw new ImageError(name, reason); };
  if (bytes.length < 33) fail('truncated PNG (no complete IHDR chunk)');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const width = v.getUint32(16);
  const height = v.getUint32(20);
  const depth = bytes[24];
  const colorType = bytes[25];
  if (width === 0 || height === 0) fail(`image has zero size (${width}×${height})`);
  if (!COLOR_TYPES[colorType]) fail(`invalid PNG colour type ${colorType}`);
  const samples = { 0: 1, 2: 3, 3: 4, 4: 2, 6: 4 }[colorType] ?? 4;
  const limit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  const decodedBytes = width * height * samples * Math.max(1, depth / 8);
  if (width * height * 4 > limit || decodedBytes > limit) {
    fail(`a ${width}×${height} PNG needs ${((width * height * 4) / 2 ** 20).toFixed(0)} MiB per plane as float32, over the memory limit of ${(limit / 2 ** 20).toFixed(0)} MiB`);
  }
  // fast-png sizes its buffers from the *last* IHDR it meets: a second IHDR would bypass the limit check above (found by fuzzing).
  if (bytes[12] !== 0x49 || bytes[13] !== 0x48 || bytes[14] !== 0x44 || bytes[15] !== 0x52) fail('corrupt PNG: the first chunk is not IHDR');
  for (let p = 33; p + 8 <= bytes.length; p += 12 + v.getUint32(p)) {
    if (bytes[p + 4] === 0x49 && bytes[p + 5] === 0x48 && bytes[p + 6] === 0x44 && bytes[p + 7] === 0x52) fail('corrupt PNG: more than one IHDR chunk');
  }
  const inflated = inflatedSize(bytes, v, 2 * decodedBytes + height * 16 + 65536);
  if (inflated === undefined) fail(`corrupt PNG: the compressed image data inflates to more than the ${width}×${height} header allows (zlib bomb?)`);
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes);
  } catch (error) {
    return fail(`corrupt or truncated PNG: ${error instanceof Error ? error.message : String(error)}`);
  }
  let data: Uint8Array | Uint16Array | Uint8ClampedArray = png.data;
  let channels = png.channels;
  let bitDepth: number = png.depth;
  if (png.palette) {
    try {
      data = convertIndexedToRgb(png);
    } catch (error) {
      // e.g. a pixel indexes past the end of a short PLTE (found by fuzzing)
      return fail(`corrupt PNG palette: ${error instanceof Error ? error.message : String(error)}`);
    }
    channels = data.length / (width * height);
    bitDepth = 8;
  } else if (bitDepth < 8) {
    const rowSamples = width * channels;
    const rowBytes = Math.ceil(rowSamples * bitDepth / 8);
    const mask = (1 << bitDepth) - 1;
    const out = new Uint8Array(rowSamples * height);
    for (let r = 0; r < height; r++) {
      for (let s = 0; s < rowSamples; s++) {
        const bit = s * bitDepth;
        out[r * rowSamples + s] = (data[r * rowBytes + (bit >> 3)] >> (8 - bitDepth - (bit & 7))) & mask;
      }
    }
    data = out;
    bitDepth = 8;
  }
  const n = width * height;
  if (data.length < n * channels) fail(`truncated PNG: ${data.length} samples decoded, ${n * channels} expected`);
  const planes: PixelArray[] = [];
  for (let c = 0; c < channels; c++) {
    const plane = bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
    for (let i = 0, j = c; i < n; i++, j += channels) plane[i] = data[j];
    planes.push(plane);
  }
  return memoryImageSource({
    name, format: 'png', shape: { t: 1, z: 1, c: channels, y: height, x: width },
    axes: channels > 1 ? 'CYX' : 'YX', dtype: bitDepth === 16 ? 'uint16' : 'uint8', pages: 1, compression: 'png',
    metadata: { colorType: COLOR_TYPES[colorType], bitDepth: depth, palette: Boolean(png.palette) },
  }, planes);
}

/**
 * Inflates the IDAT stream only to measure it, in 1 KiB input slices (≤ ~1 MiB output each), and gives up
 * past `maxBytes`: fast-png inflates the whole stream whatever the header says, so a 300 KB file could
 * otherwise allocate gigabytes under a 16×16 header (zlib bomb, issue #7).
 * @returns the inflated size, or undefined when it exceeds `maxBytes`; corrupt streams are left to fast-png
 */
function inflatedSize(bytes: Uint8Array, v: DataView, maxBytes: number): number | undefined {
  let total = 0;
  const inflater = new Unzlib((chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw new RangeError('inflated size over the limit');
  });
  try {
    for (let p = 8; p + 8 <= bytes.length; p += 12 + v.getUint32(p)) {
      if (bytes[p + 4] !== 0x49 || bytes[p + 5] !== 0x44 || bytes[p + 6] !== 0x41 || bytes[p + 7] !== 0x54) continue; // IDAT
      const data = bytes.subarray(p + 8, Math.min(bytes.length, p + 8 + v.getUint32(p)));
      for (let i = 0; i < data.length; i += 1024) inflater.push(data.subarray(i, i + 1024), false);
    }
  } catch (error) {
    if (error instanceof RangeError && total > maxBytes) return undefined;
  }
  return total;
}
