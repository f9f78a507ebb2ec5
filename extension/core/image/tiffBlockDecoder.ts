/**
 * Decoding of one TIFF strip or tile: decompression (our LZW/PackBits, the platform's inflate, geotiff's
 * JPEG/zstd/pako), fill order, byte order, predictors, sub-byte and half-float samples — to samples of the
 * output dtype in native byte order.
 */
import { getDecoder } from 'geotiff';
import { lzwDecode } from './lzwDecode';
import { packbitsDecode } from './packbitsDecode';
import { pixelBytes } from './pixelArrays';
import type { TiffPage } from './tiffTags';
import { swapBytes, undoFloatPredictor, undoHorizontalPredictor } from './tiffPredictor';

/** Codecs the host platform provides (core has no node:zlib). */
export interface ImageCodecs {
  /**
   * zlib/deflate decompression; `expectedLength` is the decoded size the TIFF declares.
   * Without it, geotiff's pure-JS (pako) decoder is used.
   */
  inflate?: (data: Uint8Array, expectedLength: number) => Uint8Array;
}

/** Decodes the stored bytes of one block of `page` that holds `rows` rows. */
export type BlockDecoder = (raw: Uint8Array, page: TiffPage, rows: number) => Promise<Uint8Array>;

/**
 * A block decoder for a file of the given byte order.
 * @param scratchBytes size of the float predictor's scratch row (block width × samples × 8 of page 0)
 */
export function createBlockDecoder(littleEndian: boolean, codecs: ImageCodecs, scratchBytes: number): BlockDecoder {
  const decoderCache = new Map<TiffPage, Promise<{ decodeBlock(buffer: ArrayBuffer): ArrayBuffer | Promise<ArrayBuffer> }>>();
  const geotiffDecoder = (page: TiffPage) => {
    let d = decoderCache.get(page);
    if (!d) {
      d = getDecoder(page.compression, {
        tileWidth: page.blockWidth, tileHeight: page.blockHeight, planarConfiguration: page.planar,
        bitsPerSample: [page.bitsPerSample], predictor: 1, JPEGTables: page.jpegTables,
      } as never) as never;
      if (decoderCache.size > 8) decoderCache.clear();
      decoderCache.set(page, d as never);
    }
    return d as Promise<{ decodeBlock(buffer: ArrayBuffer): ArrayBuffer | Promise<ArrayBuffer> }>;
  };

  const scratch = new Uint8Array(Math.max(16, scratchBytes));

  /**
   * Decodes one strip/tile to `rows` rows of `blockWidth × samplesInBlock` samples of the output
   * dtype, native byte order, predictor undone.
   */
  return async (raw: Uint8Array, page: TiffPage, rows: number): Promise<Uint8Array> => {
    const samplesInBlock = page.planar === 2 ? 1 : page.samplesPerPixel;
    const rowSamples = page.blockWidth * samplesInBlock;
    const storedRowBytes = Math.ceil(rowSamples * page.bitsPerSample / 8);
    const expected = storedRowBytes * rows;
    let data: Uint8Array;
    let owned = true;
    switch (page.compression) {
      case 1:
        data = raw;
        owned = false;
        break;
      case 5: {
        data = new Uint8Array(expected);
        lzwDecode(raw, data);
        break;
      }
      case 8:
      case 32946:
        if (codecs.inflate) {
          data = codecs.inflate(raw, expected);
        } else {
          data = new Uint8Array(await (await geotiffDecoder(page)).decodeBlock(raw.slice().buffer));
        }
        break;
      case 32773:
        data = new Uint8Array(expected);
        packbitsDecode(raw, data);
        break;
      case 7:
      case 50000: {
        data = new Uint8Array(await (await geotiffDecoder(page)).decodeBlock(raw.slice().buffer));
        if (page.compression === 7 && page.photometric === 6 && samplesInBlock >= 3) ycbcrToRgb(data, samplesInBlock);
        break;
      }
      default:
        throw new Error(`unsupported compression ${page.compression}`);
    }
    if (page.fillOrder === 2) {
      if (!owned) { data = data.slice(); owned = true; }
      for (let i = 0; i < data.length; i++) {
        let b = data[i];
        b = ((b & 0xf0) >> 4) | ((b & 0x0f) << 4);
        b = ((b & 0xcc) >> 2) | ((b & 0x33) << 2);
        data[i] = ((b & 0xaa) >> 1) | ((b & 0x55) << 1);
      }
    }
    if (data.length !== expected) {
      // Short (or over-long) output: pad with zeros so the copy below stays in bounds.
      const fixed = new Uint8Array(expected);
      fixed.set(data.subarray(0, expected));
      data = fixed;
      owned = true;
    }
    const bytesPerSample = page.bitsPerSample / 8;
    const mutate = (!littleEndian && page.bitsPerSample > 8 && page.predictor !== 3) || page.predictor > 1
      || page.bitsPerSample < 8 || (page.sampleFormat === 3 && page.bitsPerSample === 16);
    if ((mutate && !owned) || data.byteOffset % Math.max(1, Math.min(8, bytesPerSample)) !== 0) {
      data = data.slice();
    }
    // Workaround 2: swap to native order first, then accumulate the predictor ourselves.
    if (!littleEndian && page.bitsPerSample > 8 && page.predictor !== 3) swapBytes(data, bytesPerSample);
    if (page.predictor === 2) undoHorizontalPredictor(data, rowSamples, rows, samplesInBlock, bytesPerSample);
    else if (page.predictor === 3) undoFloatPredictor(data, rowSamples, rows, samplesInBlock, bytesPerSample, scratch);
    if (page.bitsPerSample < 8) {
      const out = new Uint8Array(rowSamples * rows);
      const bitsPer = page.bitsPerSample;
      const mask = (1 << bitsPer) - 1;
      for (let r = 0; r < rows; r++) {
        const rowStart = r * storedRowBytes;
        for (let s = 0; s < rowSamples; s++) {
          const bit = s * bitsPer;
          out[r * rowSamples + s] = (data[rowStart + (bit >> 3)] >> (8 - bitsPer - (bit & 7))) & mask;
        }
      }
      return out;
    }
    if (page.sampleFormat === 3 && page.bitsPerSample === 16) {
      const halves = new Uint16Array(data.buffer, data.byteOffset, data.length >> 1);
      const out = new Float32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i]);
      return pixelBytes(out);
    }
    return data;
  };
}

/** Converts IEEE half floats (as uint16) to float32. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** JPEG-in-TIFF with YCbCr photometric: convert decoded samples to RGB in place (ITU-R BT.601, full range). */
function ycbcrToRgb(data: Uint8Array, samples: number): void {
  for (let i = 0; i + 2 < data.length; i += samples) {
    const y = data[i];
    const cb = data[i + 1] - 128;
    const cr = data[i + 2] - 128;
    data[i] = Math.max(0, Math.min(255, Math.round(y + 1.402 * cr)));
    data[i + 1] = Math.max(0, Math.min(255, Math.round(y - 0.344136 * cb - 0.714136 * cr)));
    data[i + 2] = Math.max(0, Math.min(255, Math.round(y + 1.772 * cb)));
  }
}
