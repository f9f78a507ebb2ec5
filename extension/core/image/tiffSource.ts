/**
 * TIFF reading: geotiff 3.0.5 parses the IFDs (behind the workarounds of
 * shared/reference/image-io.md); strips and tiles are read and decoded here, so a plane or a
 * region reads only the blocks it touches and decodes them at memory speed.
 */
import { GeoTIFF, getDecoder } from 'geotiff';
import { CachedByteSource, type ByteSource } from './byteSource';
import {
  BYTES_PER_SAMPLE, DEFAULT_MEMORY_LIMIT_BYTES, ImageError,
  type DType, type ImageInfo, type ImageOpenOptions, type ImageSource, type PixelArray, type PlaneRegion,
} from './imageModel';
import { lzwDecode } from './lzwDecode';
import { packbitsDecode } from './packbitsDecode';
import { allocatePixels, pixelBytes, toFloat32, viewPixels } from './pixelArrays';
import { layoutTiffAxes, type TiffAxisLayout } from './tiffAxes';
import { walkTiffIfds, type TiffStructure } from './tiffIfdWalk';
import { swapBytes, undoFloatPredictor, undoHorizontalPredictor } from './tiffPredictor';

/** Codecs the host platform provides (core has no node:zlib). */
export interface ImageCodecs {
  /**
   * zlib/deflate decompression; `expectedLength` is the decoded size the TIFF declares.
   * Without it, geotiff's pure-JS (pako) decoder is used.
   */
  inflate?: (data: Uint8Array, expectedLength: number) => Uint8Array;
}

/** TIFF compression ids we decode → names shown in {@link ImageInfo.compression}. */
export const TIFF_COMPRESSIONS: Record<number, string> = {
  1: 'none', 5: 'lzw', 7: 'jpeg', 8: 'deflate', 32946: 'deflate', 32773: 'packbits', 50000: 'zstd',
};

/** Known but unsupported compressions, for clearer errors. */
const UNSUPPORTED_COMPRESSIONS: Record<number, string> = {
  2: 'CCITT RLE', 3: 'CCITT fax 3', 4: 'CCITT fax 4', 6: 'old-style JPEG', 34925: 'LZMA', 34887: 'LERC',
  50001: 'WebP', 33003: 'JPEG 2000', 33005: 'JPEG 2000', 34712: 'JPEG 2000', 34892: 'lossy JPEG', 50002: 'JPEG XL',
};

/** Parsed fields of one page (IFD) needed to decode it. */
interface TiffPage {
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsPerSample: number;
  sampleFormat: number;
  compression: number;
  predictor: number;
  planar: number;
  photometric: number;
  fillOrder: number;
  tiled: boolean;
  blockWidth: number;
  blockHeight: number;
  offsets: ArrayLike<number>;
  counts: ArrayLike<number>;
  jpegTables?: Uint8Array;
}

const TAG = {
  NewSubfileType: 254, ImageWidth: 256, ImageLength: 257, BitsPerSample: 258, Compression: 259,
  Photometric: 262, FillOrder: 266, ImageDescription: 270, StripOffsets: 273, SamplesPerPixel: 277,
  RowsPerStrip: 278, StripByteCounts: 279, XResolution: 282, YResolution: 283, PlanarConfiguration: 284,
  ResolutionUnit: 296, Software: 305, Predictor: 317, TileWidth: 322, TileLength: 323, TileOffsets: 324,
  TileByteCounts: 325, SampleFormat: 339, JPEGTables: 347, IJMetadataByteCounts: 50838, IJMetadata: 50839,
} as const;

type Ifd = Awaited<ReturnType<GeoTIFF['requestIFD']>>;

/** Output dtype for the stored sample type; null when we cannot represent it. */
function dtypeFor(bits: number, format: number): DType | null {
  if (format === 1 || format === 4) {
    if (bits <= 8) return bits === 8 || bits === 1 || bits === 2 || bits === 4 ? 'uint8' : null;
    if (bits === 16) return 'uint16';
    if (bits === 32) return 'uint32';
  } else if (format === 2) {
    if (bits === 8) return 'int8';
    if (bits === 16) return 'int16';
    if (bits === 32) return 'int32';
  } else if (format === 3) {
    if (bits === 16 || bits === 32) return 'float32';
    if (bits === 64) return 'float64';
  }
  return null;
}

function first(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const arr = value as ArrayLike<number>;
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : arr.length > 0 ? Number(arr[0]) : fallback;
  // A size/layout tag stored as FLOAT/RATIONAL gives NaN or fractions that slip past "> 0" checks (found by fuzzing).
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`a numeric tag has the invalid value ${n}`);
  return n;
}

function rational(value: unknown): number | undefined {
  const arr = value as ArrayLike<number> | undefined;
  if (!arr || typeof arr !== 'object' || arr.length < 2 || !arr[1]) return undefined;
  return arr[0] / arr[1];
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

/** Decodes ImageJ's IJMetadata tag pair and returns the slice labels ("labl"), if any. */
export function parseImageJLabels(counts: ArrayLike<number> | undefined, data: Uint8Array | undefined, littleEndian: boolean): string[] | undefined {
  if (!counts || !data || counts.length < 2 || data.length < 4) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.length);
  if (v.getUint32(0, littleEndian) !== 0x494a494a) return undefined;
  const headerLength = counts[0];
  const types: { type: number; count: number }[] = [];
  for (let p = 4; p + 8 <= headerLength; p += 8) types.push({ type: v.getUint32(p, littleEndian), count: v.getUint32(p + 4, littleEndian) });
  let pos = headerLength;
  let index = 1;
  const decoder = new TextDecoder(littleEndian ? 'utf-16le' : 'utf-16be');
  for (const { type, count } of types) {
    if (type === 0x6c61626c) {
      const labels: string[] = [];
      for (let k = 0; k < count && index < counts.length; k++, index++) {
        labels.push(decoder.decode(data.subarray(pos, pos + counts[index])));
        pos += counts[index];
      }
      return labels;
    }
    for (let k = 0; k < count && index < counts.length; k++, index++) pos += counts[index];
  }
  return undefined;
}

/**
 * Plain reason for a raw geotiff / DataView error text that would otherwise reach users ("… exceeds
 * MAX_SAFE_INTEGER … Please report … github", "Offset is outside the bounds of the DataView"), or
 * undefined for messages that are already plain.
 */
export function plainTiffReason(message: string): string | undefined {
  if (/MAX_SAFE_INTEGER/i.test(message)) return "corrupt TIFF: a value exceeds the file's addressable range";
  if (/outside the bounds of the DataView|Offset is out of bounds|out of range access/i.test(message)) return 'corrupt TIFF: an offset points outside the file';
  return undefined;
}

/**
 * Opens a TIFF from a byte source: validates the structure, works out the axes and returns a lazy
 * {@link ImageSource}. Every failure is an {@link ImageError} naming `name`.
 */
export async function openTiff(source: ByteSource, name: string, options: ImageOpenOptions = {}, codecs: ImageCodecs = {}): Promise<ImageSource> {
  const fail = (reason: string): never => { throw new ImageError(name, reason); };
  const wrap = (prefix: string) => (error: unknown): never => {
    if (error instanceof ImageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ImageError(name, plainTiffReason(message) ?? `${prefix}${message}`);
  };
  const cached = new CachedByteSource(source);
  const structure: TiffStructure = await walkTiffIfds(cached).catch(wrap('truncated or corrupt TIFF: '));
  const { littleEndian, bigTiff, ifds } = structure;

  // geotiff sees the file through our cached source; reads past the end come back short, and the
  // DataView errors that follow become ImageErrors.
  const geoSource = {
    fileSize: source.size,
    async fetch(slices: { offset: number; length: number }[]) {
      return Promise.all(slices.map(async ({ offset, length }) => {
        const bytes = await cached.read(offset, length);
        return bytes.slice().buffer;
      }));
    },
    async fetchSlice(slice: { offset: number; length: number }) {
      const [data] = await this.fetch([slice]);
      return { ...slice, data };
    },
    async close() { /* the caller closes `source` */ },
  };
  const tiff = await GeoTIFF.fromSource(geoSource as never).catch(wrap('corrupt TIFF: '));
  // Workaround 1 (image-io.md): deferred tag arrays are read little-endian; parse eagerly instead.
  if (!littleEndian) tiff.parser.eager = true;

  const parseIfd = (index: number): Promise<Ifd> => tiff.parser.parseFileDirectoryAt(ifds[index].offset);

  const loadPage = async (ifd: Ifd, index: number): Promise<TiffPage> => {
    const get = (tag: number) => ifd.loadValue(tag as never) as Promise<unknown>;
    const width = first(await get(TAG.ImageWidth), 0);
    const height = first(await get(TAG.ImageLength), 0);
    const spp = first(await get(TAG.SamplesPerPixel), 1);
    // Workaround 3: BitsPerSample defaults to 1 (geotiff throws when it is missing).
    const bitsValue = await get(TAG.BitsPerSample);
    const bitsArray = bitsValue === undefined ? [1] : typeof bitsValue === 'number' ? [bitsValue] : Array.from(bitsValue as ArrayLike<number>);
    if (bitsArray.some((b) => b !== bitsArray[0])) fail(`page ${index} has mixed bits per sample (${bitsArray.join(',')}), which is not supported`);
    const tiled = ifd.hasTag(TAG.TileWidth as never);
    const offsets = (await get(tiled ? TAG.TileOffsets : TAG.StripOffsets)) as ArrayLike<number> | undefined;
    const counts = (await get(tiled ? TAG.TileByteCounts : TAG.StripByteCounts)) as ArrayLike<number> | undefined;
    if (!offsets || !counts) fail(`page ${index} has no ${tiled ? 'tile' : 'strip'} offsets or byte counts`);
    const page: TiffPage = {
      width, height, samplesPerPixel: spp, bitsPerSample: bitsArray[0],
      sampleFormat: first(await get(TAG.SampleFormat), 1),
      compression: first(await get(TAG.Compression), 1),
      predictor: first(await get(TAG.Predictor), 1),
      planar: first(await get(TAG.PlanarConfiguration), 1),
      photometric: first(await get(TAG.Photometric), spp >= 3 ? 2 : 1),
      fillOrder: first(await get(TAG.FillOrder), 1),
      tiled,
      blockWidth: tiled ? first(await get(TAG.TileWidth), 0) : width,
      blockHeight: tiled ? first(await get(TAG.TileLength), 0) : Math.min(height, first(await get(TAG.RowsPerStrip), height) || height),
      offsets: typeof offsets === 'number' ? [offsets] : offsets as ArrayLike<number>,
      counts: typeof counts === 'number' ? [counts] : counts as ArrayLike<number>,
    };
    if (page.compression === 7) {
      const tables = await get(TAG.JPEGTables);
      if (tables) page.jpegTables = tables as Uint8Array;
    }
    return page;
  };

  // Page 0 tells the sample type, the size and the metadata.
  const ifd0 = await parseIfd(0).catch(wrap('corrupt TIFF: '));
  const page0 = await loadPage(ifd0, 0).catch(wrap('corrupt TIFF: '));
  const description = String(await ifd0.loadValue(TAG.ImageDescription as never).catch(() => '') ?? '').replace(/\0+$/, '');
  const software = String(await ifd0.loadValue(TAG.Software as never).catch(() => '') ?? '').replace(/\0+$/, '');
  let labels: string[] | undefined;
  try {
    labels = parseImageJLabels(
      await ifd0.loadValue(TAG.IJMetadataByteCounts as never) as ArrayLike<number> | undefined,
      await ifd0.loadValue(TAG.IJMetadata as never) as Uint8Array | undefined, littleEndian);
  } catch {
    labels = undefined; // labels are optional decoration; a damaged block must not stop reading pixels
  }

  const { width, height, samplesPerPixel: spp, bitsPerSample: bits, sampleFormat, compression } = page0;
  if (width <= 0 || height <= 0) fail(`image has zero size (${width}×${height})`);
  if (width > 2 ** 31 || height > 2 ** 31) fail(`absurd image size ${width}×${height}`);
  if (spp < 1 || spp > 256) fail(`absurd samples per pixel (${spp})`);
  const dtype = dtypeFor(bits, sampleFormat);
  if (!dtype) fail(`unsupported sample format: ${bits}-bit ${['', 'unsigned', 'signed', 'float', 'void', 'complex int', 'complex float'][sampleFormat] ?? `format ${sampleFormat}`} samples`);
  const dt = dtype as DType;
  if (!TIFF_COMPRESSIONS[compression]) {
    fail(`unsupported compression ${UNSUPPORTED_COMPRESSIONS[compression] ? `${UNSUPPORTED_COMPRESSIONS[compression]} (${compression})` : compression}`);
  }
  if (page0.photometric === 6 && compression !== 7) fail('unsupported YCbCr photometric interpretation without JPEG compression');
  if (compression === 7 && bits !== 8) fail(`unsupported ${bits}-bit JPEG`);
  if (page0.predictor === 3 && sampleFormat !== 3) fail('floating-point predictor on integer samples');
  if (page0.predictor === 2 && bits < 8) fail(`horizontal predictor with ${bits}-bit samples is not supported`);
  if (page0.predictor !== 1 && page0.predictor !== 2 && page0.predictor !== 3) fail(`unknown predictor ${page0.predictor}`);
  if (page0.tiled && (page0.blockWidth <= 0 || page0.blockHeight <= 0)) fail(`invalid tile size ${page0.blockWidth}×${page0.blockHeight}`);
  const memoryLimit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  const planeFloatBytes = width * height * 4;
  if (planeFloatBytes > memoryLimit) {
    fail(`one ${width}×${height} plane needs ${(planeFloatBytes / 2 ** 20).toFixed(0)} MiB as float32, over the memory limit of ${(memoryLimit / 2 ** 20).toFixed(0)} MiB`);
  }
  // Largest decoded block must fit too (a corrupt tile size could ask for gigabytes).
  const blockBytes = page0.blockWidth * page0.blockHeight * spp * Math.max(1, bits / 8);
  if (blockBytes > memoryLimit || blockBytes > 2 ** 31) fail(`absurd ${page0.tiled ? 'tile' : 'strip'} size ${page0.blockWidth}×${page0.blockHeight}`);

  // Reduced-resolution pages (thumbnails, pyramid levels in the main chain) are not planes,
  // except in OME files, whose TiffData counts every IFD.
  const isOme = /<(\w+:)?OME[\s>]/.test(description);
  const pageIfds: number[] = [];
  for (let i = 0; i < ifds.length; i++) {
    if (isOme || i === 0 || ((ifds[i].scalars.get(TAG.NewSubfileType) ?? 0) & 1) === 0) pageIfds.push(i);
  }
  const layout: TiffAxisLayout = layoutTiffAxes(pageIfds.length, spp, description, labels);

  // Truncated ImageJ files (images= beyond the IFD count) keep the planes contiguously after page 0.
  let virtualPlaneBytes = 0;
  if (layout.pagesNeeded > pageIfds.length) {
    const blocks = page0.offsets.length;
    let contiguous = page0.compression === 1;
    let total = 0;
    for (let i = 0; i < blocks && contiguous; i++) {
      if (i > 0 && page0.offsets[i] !== page0.offsets[i - 1] + page0.counts[i - 1]) contiguous = false;
      total += page0.counts[i];
    }
    const expected = Math.ceil(width * spp * bits / 8) * height;
    if (layout.kind !== 'imagej' || !contiguous || total !== expected) {
      fail(`the ${layout.kind === 'ome' ? 'OME-XML' : 'ImageJ description'} declares ${layout.pagesNeeded} planes but the file has only ${pageIfds.length} pages`);
    }
    virtualPlaneBytes = expected;
    const end = page0.offsets[0] + layout.pagesNeeded * expected;
    if (end > source.size) fail(`truncated: ${layout.pagesNeeded} contiguous planes need ${end} bytes but the file has ${source.size}`);
  }

  const checkBlocks = (page: TiffPage, index: number): void => {
    const perSample = Math.ceil(page.width / page.blockWidth) * Math.ceil(page.height / page.blockHeight);
    const needed = perSample * (page.planar === 2 ? page.samplesPerPixel : 1);
    if (page.offsets.length < needed || page.counts.length < needed) {
      fail(`page ${index} lists ${page.offsets.length} ${page.tiled ? 'tiles' : 'strips'} but needs ${needed}`);
    }
    for (let i = 0; i < needed; i++) {
      const end = Number(page.offsets[i]) + Number(page.counts[i]);
      if (end > source.size) fail(`truncated: page ${index} ${page.tiled ? 'tile' : 'strip'} ${i} ends at byte ${end} but the file has ${source.size} bytes`);
    }
  };
  checkBlocks(page0, 0);
  // A few bytes must not make us allocate gigabytes: the stored bytes of page 0 must be able to
  // hold its declared size (uncompressed), or plausibly expand to it (no codec exceeds ~1:1000;
  // 4096 leaves room, and small planes are not checked).
  {
    let stored = 0;
    for (let i = 0; i < page0.counts.length; i++) stored += Number(page0.counts[i]);
    const declared = Math.ceil(width * spp * bits / 8) * height;
    if (compression === 1 && page0.counts.length === Math.ceil(height / page0.blockHeight) * (page0.planar === 2 ? spp : 1) && !page0.tiled && stored < declared) {
      fail(`truncated or corrupt: page 0 declares ${declared} bytes of pixels but its strips hold only ${stored}`);
    }
    if (declared > 64 * 2 ** 20 && stored * 4096 < declared) {
      fail(`absurd size: page 0 declares ${width}×${height} (${(declared / 2 ** 20).toFixed(0)} MiB) but stores only ${stored} bytes`);
    }
  }

  const pageCache = new Map<number, Promise<TiffPage>>();
  pageCache.set(0, Promise.resolve(page0));
  const getPage = (pageIndex: number): Promise<TiffPage> => {
    let hit = pageCache.get(pageIndex);
    if (!hit) {
      if (pageCache.size > 1024) {
        for (const key of [...pageCache.keys()].slice(1, 513)) pageCache.delete(key);
      }
      hit = (async () => {
        if (pageIndex >= pageIfds.length) {
          // virtual page of a truncated ImageJ file
          const shift = pageIndex * virtualPlaneBytes;
          return { ...page0, offsets: Array.from(page0.offsets, (o) => Number(o) + shift) };
        }
        const ifdIndex = pageIfds[pageIndex];
        const page = await loadPage(await parseIfd(ifdIndex), ifdIndex);
        if (page.width !== width || page.height !== height || page.samplesPerPixel !== spp || page.bitsPerSample !== bits || page.sampleFormat !== sampleFormat) {
          fail(`page ${ifdIndex} is ${page.width}×${page.height}×${page.samplesPerPixel} ${page.bitsPerSample}-bit, unlike page 0 (${width}×${height}×${spp} ${bits}-bit)`);
        }
        if (!TIFF_COMPRESSIONS[page.compression]) fail(`page ${ifdIndex} uses unsupported compression ${page.compression}`);
        checkBlocks(page, ifdIndex);
        return page;
      })().catch(wrap('corrupt TIFF: '));
      pageCache.set(pageIndex, hit);
    }
    return hit;
  };

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

  const outBytesPerSample = BYTES_PER_SAMPLE[dt];
  // Chunky multi-sample pages (RGB…) hold every channel in each block: keep recently decoded
  // blocks so reading channel 1 and 2 after channel 0 does not decode the page three times.
  const chunkyCache = new BlockCache(Math.min(256 * 2 ** 20, memoryLimit / 4));
  const scratch = new Uint8Array(Math.max(16, page0.blockWidth * spp * 8));

  /**
   * Decodes one strip/tile to `rows` rows of `blockWidth × samplesInBlock` samples of the output
   * dtype, native byte order, predictor undone.
   */
  const decodeBlock = async (raw: Uint8Array, page: TiffPage, rows: number): Promise<Uint8Array> => {
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

  const readRegion = async (t: number, z: number, c: number, box: PlaneRegion): Promise<PixelArray> => {
    const { shape } = info;
    if (!(t >= 0 && t < shape.t && z >= 0 && z < shape.z && c >= 0 && c < shape.c) || ![t, z, c].every(Number.isInteger)) {
      fail(`plane (t=${t}, z=${z}, c=${c}) is outside the image (${shape.t}×${shape.z}×${shape.c})`);
    }
    const { y0, y1, x0, x1 } = box;
    if (![y0, y1, x0, x1].every(Number.isInteger) || y0 < 0 || x0 < 0 || y1 > height || x1 > width || y1 <= y0 || x1 <= x0) {
      fail(`region rows ${y0}..${y1}, columns ${x0}..${x1} is empty or outside the ${width}×${height} plane`);
    }
    const { page: pageIndex, sample } = layout.locate(t, z, c);
    if (pageIndex < 0) fail(`plane (t=${t}, z=${z}, c=${c}) is not stored in this file`);
    const page = await getPage(pageIndex);
    const outWidth = x1 - x0;
    const out = allocatePixels(dt, outWidth * (y1 - y0));
    const outBytes = pixelBytes(out);
    const samplesInBlock = page.planar === 2 ? 1 : page.samplesPerPixel;
    const sampleInBlock = page.planar === 2 ? 0 : sample;
    const across = Math.ceil(width / page.blockWidth);
    const down = Math.ceil(height / page.blockHeight);
    const base = page.planar === 2 ? sample * across * down : 0;
    const blocks: { index: number; row: number; col: number; offset: number; count: number }[] = [];
    for (let r = Math.floor(y0 / page.blockHeight); r <= Math.floor((y1 - 1) / page.blockHeight); r++) {
      for (let col = Math.floor(x0 / page.blockWidth); col <= Math.floor((x1 - 1) / page.blockWidth); col++) {
        const index = base + r * across + col;
        blocks.push({ index, row: r, col, offset: Number(page.offsets[index]), count: Number(page.counts[index]) });
      }
    }
    // Coalesce nearby blocks into few large reads.
    const sorted = blocks.filter((b) => b.count > 0).sort((a, b) => a.offset - b.offset);
    const batches: { start: number; end: number; blocks: typeof blocks }[] = [];
    for (const b of sorted) {
      const last = batches[batches.length - 1];
      if (last && b.offset >= last.start && b.offset - last.end <= 65536 && b.offset + b.count - last.start <= 32 * 2 ** 20) {
        last.end = Math.max(last.end, b.offset + b.count);
        last.blocks.push(b);
      } else {
        batches.push({ start: b.offset, end: b.offset + b.count, blocks: [b] });
      }
    }
    for (const batch of batches) {
      const cachedBatch = samplesInBlock > 1 && batch.blocks.every((b) => chunkyCache.has(`${pageIndex}:${b.index}`));
      const bytes = cachedBatch ? new Uint8Array(0) : await source.read(batch.start, batch.end - batch.start);
      if (!cachedBatch && bytes.length < batch.end - batch.start) fail(`truncated: data at bytes ${batch.start}..${batch.end} is missing (file has ${source.size} bytes)`);
      for (const b of batch.blocks) {
        const blockTop = b.row * page.blockHeight;
        const blockLeft = b.col * page.blockWidth;
        const rows = page.tiled ? page.blockHeight : Math.min(page.blockHeight, height - blockTop);
        let decoded: Uint8Array;
        try {
          const key = `${pageIndex}:${b.index}`;
          const hit = samplesInBlock > 1 ? chunkyCache.get(key) : undefined;
          if (hit) {
            decoded = hit;
          } else {
            // (a block evicted by a concurrent read since the batch check is read on its own)
            const raw = cachedBatch ? await source.read(b.offset, b.count) : bytes.subarray(b.offset - batch.start, b.offset - batch.start + b.count);
            decoded = await decodeBlock(raw, page, rows);
            if (samplesInBlock > 1) chunkyCache.set(key, decoded);
          }
        } catch (error) {
          if (error instanceof ImageError) throw error;
          const message = error instanceof Error ? error.message : String(error);
          fail(`cannot decode ${page.tiled ? 'tile' : 'strip'} ${b.index} of page ${pageIndex}: ${plainTiffReason(message) ?? message}`);
          throw error;
        }
        const rowStart = Math.max(y0, blockTop);
        const rowEnd = Math.min(y1, blockTop + rows);
        const colStart = Math.max(x0, blockLeft);
        const colEnd = Math.min(x1, blockLeft + page.blockWidth);
        const rowSamples = page.blockWidth * samplesInBlock;
        if (samplesInBlock === 1) {
          const n = (colEnd - colStart) * outBytesPerSample;
          for (let y = rowStart; y < rowEnd; y++) {
            const src = ((y - blockTop) * rowSamples + (colStart - blockLeft)) * outBytesPerSample;
            outBytes.set(decoded.subarray(src, src + n), ((y - y0) * outWidth + (colStart - x0)) * outBytesPerSample);
          }
        } else {
          const view = viewPixels(dt, decoded.byteOffset % outBytesPerSample === 0 ? decoded : decoded.slice());
          for (let y = rowStart; y < rowEnd; y++) {
            let src = (y - blockTop) * rowSamples + (colStart - blockLeft) * samplesInBlock + sampleInBlock;
            let dst = (y - y0) * outWidth + (colStart - x0);
            for (let x = colStart; x < colEnd; x++, src += samplesInBlock) out[dst++] = view[src];
          }
        }
      }
    }
    return out;
  };

  const metadata: Record<string, unknown> = {
    byteOrder: littleEndian ? 'little-endian' : 'big-endian',
    bigTiff,
    ifds: ifds.length,
    planar: page0.planar === 2 ? 'separate' : 'chunky',
    samplesPerPixel: spp,
    bitsPerSample: bits,
    sampleFormat: ['', 'uint', 'int', 'float'][sampleFormat] ?? sampleFormat,
    photometric: page0.photometric,
    predictor: page0.predictor,
    layout: page0.tiled ? `tiles ${page0.blockWidth}×${page0.blockHeight}` : `strips of ${page0.blockHeight} rows`,
    axesFrom: layout.kind,
    ...layout.metadata,
  };
  if (software) metadata.software = software;
  if (description && layout.kind === 'pages') metadata.description = description.length > 2000 ? `${description.slice(0, 2000)}…` : description;
  if (layout.channelNames) metadata.channelNames = layout.channelNames;
  if (virtualPlaneBytes > 0) metadata.truncatedImageJ = true;
  const xres = rational(await ifd0.loadValue(TAG.XResolution as never).catch(() => undefined));
  const yres = rational(await ifd0.loadValue(TAG.YResolution as never).catch(() => undefined));
  if (xres) metadata.xResolution = xres;
  if (yres) metadata.yResolution = yres;
  const resUnit = first(await ifd0.loadValue(TAG.ResolutionUnit as never).catch(() => undefined), 0);
  if (resUnit) metadata.resolutionUnit = ['', 'none', 'inch', 'centimeter'][resUnit] ?? resUnit;

  const shape = { t: layout.t, z: layout.z, c: layout.c, y: height, x: width };
  const axes = `${shape.t > 1 ? 'T' : ''}${shape.z > 1 ? 'Z' : ''}${shape.c > 1 ? 'C' : ''}YX`;
  const info: ImageInfo = {
    name, format: 'tiff', shape, axes, dtype: dt, pages: ifds.length,
    compression: TIFF_COMPRESSIONS[compression], metadata,
  };
  const full: PlaneRegion = { y0: 0, y1: height, x0: 0, x1: width };
  return {
    info,
    readPlane: (t, z, c) => readRegion(t, z, c, full),
    readPlaneFloat32: async (t, z, c, target) => toFloat32(await readRegion(t, z, c, full), target),
    readRegion,
    readRegionFloat32: async (t, z, c, box, target) => toFloat32(await readRegion(t, z, c, box), target),
    close: () => source.close(),
  };
}

/** LRU of decoded blocks, bounded by total bytes. */
class BlockCache {
  private readonly map = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  has(key: string): boolean {
    return this.map.has(key);
  }

  get(key: string): Uint8Array | undefined {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Uint8Array): void {
    if (value.length > this.maxBytes) return;
    this.map.set(key, value);
    this.bytes += value.length;
    while (this.bytes > this.maxBytes) {
      const [oldKey, old] = this.map.entries().next().value as [string, Uint8Array];
      this.map.delete(oldKey);
      this.bytes -= old.length;
    }
  }
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
