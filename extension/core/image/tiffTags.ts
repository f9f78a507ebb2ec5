/**
 * TIFF tags and the per-page fields the reader needs (one IFD → {@link TiffPage}), read through geotiff's
 * IFD parser, with the sample types and compressions we support.
 */
import type { GeoTIFF } from 'geotiff';
import type { DType } from './imageModel';

/** TIFF compression ids we decode → names shown in ImageInfo.compression. */
export const TIFF_COMPRESSIONS: Record<number, string> = {
  1: 'none', 5: 'lzw', 7: 'jpeg', 8: 'deflate', 32946: 'deflate', 32773: 'packbits', 50000: 'zstd',
};

/** Known but unsupported compressions, for clearer errors. */
export const UNSUPPORTED_COMPRESSIONS: Record<number, string> = {
  2: 'CCITT RLE', 3: 'CCITT fax 3', 4: 'CCITT fax 4', 6: 'old-style JPEG', 34925: 'LZMA', 34887: 'LERC',
  50001: 'WebP', 33003: 'JPEG 2000', 33005: 'JPEG 2000', 34712: 'JPEG 2000', 34892: 'lossy JPEG', 50002: 'JPEG XL',
};

/** Parsed fields of one page (IFD) needed to decode it. */
export interface TiffPage {
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

/** Tag ids the reader uses. */
export const TAG = {
  NewSubfileType: 254, ImageWidth: 256, ImageLength: 257, BitsPerSample: 258, Compression: 259,
  Photometric: 262, FillOrder: 266, ImageDescription: 270, StripOffsets: 273, SamplesPerPixel: 277,
  RowsPerStrip: 278, StripByteCounts: 279, XResolution: 282, YResolution: 283, PlanarConfiguration: 284,
  ResolutionUnit: 296, Software: 305, Predictor: 317, TileWidth: 322, TileLength: 323, TileOffsets: 324,
  TileByteCounts: 325, SampleFormat: 339, JPEGTables: 347, IJMetadataByteCounts: 50838, IJMetadata: 50839,
} as const;

/** One parsed IFD of geotiff. */
export type Ifd = Awaited<ReturnType<GeoTIFF['requestIFD']>>;

/** Output dtype for the stored sample type; null when we cannot represent it. */
export function dtypeFor(bits: number, format: number): DType | null {
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

/** The first value of a numeric tag (or `fallback` when absent). @throws Error for non-integer or negative values */
export function first(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const arr = value as ArrayLike<number>;
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : arr.length > 0 ? Number(arr[0]) : fallback;
  // A size/layout tag stored as FLOAT/RATIONAL gives NaN or fractions that slip past "> 0" checks (found by fuzzing).
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`a numeric tag has the invalid value ${n}`);
  return n;
}

/** A RATIONAL tag's value, or undefined. */
export function rational(value: unknown): number | undefined {
  const arr = value as ArrayLike<number> | undefined;
  if (!arr || typeof arr !== 'object' || arr.length < 2 || !arr[1]) return undefined;
  return arr[0] / arr[1];
}

/** Reads the fields of page `index` from its IFD. Problems go to `fail` (which throws an ImageError). */
export async function loadTiffPage(ifd: Ifd, index: number, fail: (reason: string) => never): Promise<TiffPage> {
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
}
