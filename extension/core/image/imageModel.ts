/**
 * The one image model of Pixel Classifier (issue #2).
 *
 * Every image, whatever its file format, is seen as a 5D array with named axes T, Z, C, Y, X
 * (time, depth, channel, row, column). Axes of size 1 are kept in `shape` so code can always index
 * all five; `axes` lists the axes the file really has (e.g. "ZCYX" for a 2-channel z-stack).
 * Pixels are read lazily, one YX plane at a time, in the file's own sample type, so a large file is
 * never converted to float32 all at once.
 */

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
  format: 'tiff' | 'png' | 'jpeg' | 'hdf5';
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
