/**
 * The one image model of Pixel Classifier (issue #2).
 *
 * Every image, whatever its file format, is seen as a 5D array with named axes T, Z, C, Y, X
 * (time, depth, channel, row, column). Axes of size 1 are kept in `shape` so code can always index
 * all five; `axes` lists the axes the file really has (e.g. "ZCYX" for a 2-channel z-stack).
 * Pixels are read lazily, one YX plane at a time, in the file's own sample type, so a large file is
 * never converted to float32 all at once.
 */

import type { Box } from '../features/box';

/** Sample types we read. */
export type DType = 'uint8' | 'uint16' | 'uint32' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A typed array of one of the {@link DType}s. */
export type PixelArray =
  | Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** Sizes of the five axes; every field is ≥ 1. */
export interface ImageShape {
  /** time points */
  t: number;
  /** z-slices */
  z: number;
  /** channels (samples per pixel and/or separate channel planes) */
  c: number;
  /** rows (height) */
  y: number;
  /** columns (width) */
  x: number;
}

/** Everything known about an image without reading its pixels. */
export interface ImageInfo {
  /** File name or path the image came from; used in every error message. */
  name: string;
  format: 'tiff' | 'png' | 'jpeg' | 'hdf5' | 'zarr';
  shape: ImageShape;
  /** Axes present in the file, in TZCYX order, e.g. "YX", "CYX", "ZYX", "TZCYX". Always ends in "YX". */
  axes: string;
  dtype: DType;
  /** Number of TIFF pages (IFDs) or 1. */
  pages: number;
  /** Compression name, e.g. "none", "lzw", "deflate", "packbits", "jpeg", "png". */
  compression: string;
  /** Free-form metadata: ImageJ description keys, OME fields, byte order, BigTIFF, tiling, physical sizes. */
  metadata: Record<string, unknown>;
  /**
   * Resolution levels stored in the file (OME-TIFF SubIFDs or reduced-resolution pages, OME-Zarr multiscales),
   * level 0 = full resolution = {@link shape}. Absent when the file has one level. Use {@link imageLevels}.
   */
  levels?: ImageLevel[];
  /** The file's natural block (TIFF tile/strip, Zarr chunk, HDF5 chunk) at level 0, to align reads and caches. */
  chunkShape?: { z: number; y: number; x: number };
}

/** One resolution level of an image. */
export interface ImageLevel {
  /** Sizes at this level; `t` and `c` equal level 0's. */
  shape: ImageShape;
  /** How many level-0 pixels one pixel of this level spans along each axis (1 at level 0; e.g. 4 for 1/4). */
  scale: { z: number; y: number; x: number };
}

/** The levels of an image: the file's own pyramid, or level 0 alone. */
export function imageLevels(info: ImageInfo): ImageLevel[] {
  return info.levels && info.levels.length > 0 ? info.levels : [{ shape: info.shape, scale: { z: 1, y: 1, x: 1 } }];
}

/** Lazy, plane-wise access to an opened image. */
export interface ImageSource {
  readonly info: ImageInfo;
  /** Reads one YX plane (row-major, `y*x` samples) in the file's sample type. */
  readPlane(t: number, z: number, c: number): Promise<PixelArray>;
  /**
   * Reads one YX plane converted to float32 (raw values, no normalisation). Writes into `target`
   * when given (length ≥ y*x) so callers can reuse buffers.
   */
  readPlaneFloat32(t: number, z: number, c: number, target?: Float32Array): Promise<Float32Array>;
  /**
   * Reads the rows `box.y0 ≤ row < box.y1`, columns `box.x0 ≤ column < box.x1` of one plane
   * (row-major, `(y1-y0)*(x1-x0)` samples) in the file's sample type, touching only the
   * strips/tiles that intersect the box. Throws {@link ImageError} for a box outside the plane.
   */
  readRegion(t: number, z: number, c: number, box: PlaneRegion): Promise<PixelArray>;
  /** {@link readRegion} converted to float32, written into `target` when given (length ≥ box size). */
  readRegionFloat32(t: number, z: number, c: number, box: PlaneRegion, target?: Float32Array): Promise<Float32Array>;
  /**
   * Reads a 3D box of one (t, c) at resolution `level` (an index into {@link imageLevels}), layout [z][y][x]
   * row-major, in the file's sample type, touching only the chunks/tiles/strips the box intersects. Sources
   * without it are read through {@link readImageBox}'s plane-wise fallback (level 0 only).
   */
  readBox?(level: number, t: number, c: number, box: Box): Promise<PixelArray>;
  /** Releases file handles. */
  close(): Promise<void>;
}

/** A rectangle of one plane: rows y0 ≤ row < y1, columns x0 ≤ column < x1 (end-exclusive). */
export interface PlaneRegion {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

/** Options for opening an image. */
export interface ImageOpenOptions {
  /**
   * Largest single allocation a read may make: one whole plane converted to float32
   * (`y*x*4` bytes) must fit, else opening fails with an {@link ImageError}. The image as a whole
   * may be larger (planes are read lazily). @default {@link DEFAULT_MEMORY_LIMIT_BYTES} (4 GiB)
   */
  memoryLimitBytes?: number;
}

/** Default {@link ImageOpenOptions.memoryLimitBytes}: 4 GiB. */
export const DEFAULT_MEMORY_LIMIT_BYTES = 4 * 1024 ** 3;

/** Thrown for every unreadable image: names the file and the reason in one sentence. */
export class ImageError extends Error {
  constructor(readonly fileName: string, readonly reason: string) {
    super(`${fileName}: ${reason}`);
    this.name = 'ImageError';
  }
}

/** Bytes per sample of each dtype. */
export const BYTES_PER_SAMPLE: Record<DType, number> = {
  uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, float64: 8,
};

/** Number of pixels in one YX plane. */
export function planeSize(shape: ImageShape): number {
  return shape.y * shape.x;
}
