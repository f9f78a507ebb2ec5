/**
 * An {@link ImageSource} over one HDF5 dataset (issue #17: ilastik's `.h5` inputs and exports, images stored
 * inside `.ilp` projects). The dataset's axes come from its `axistags` attribute (any order, e.g. ilastik's
 * `txyzc`), else from the caller, else from its rank ({@link defaultAxes}). A region or box read touches only the
 * chunks that intersect it; data stored with x before y is transposed to row-major (y, x). Chunked datasets
 * report their chunk shape and are not limited to planes that fit in memory: the limit applies to each read.
 */
import type { Box } from '../features/box';
import type { Hdf5Dataset } from '../hdf5/hdf5Tree';
import { hdf5Text } from '../hdf5/hdf5Tree';
import { defaultAxes, parseAxisTags, type AxisTag } from './axistags';
import { DEFAULT_MEMORY_LIMIT_BYTES, ImageError, type DType, type ImageInfo, type ImageOpenOptions, type ImageSource, type PixelArray, type PlaneRegion } from './imageModel';
import { allocatePixels, toFloat32 } from './pixelArrays';

const NUMERIC: readonly string[] = ['uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32', 'float32', 'float64'];

/** The axes of a dataset in storage order: its axistags, else `fallback`, else guessed from the rank. */
export function datasetAxes(dataset: Hdf5Dataset, name: string, fallback?: readonly AxisTag['key'][]): AxisTag[] {
  const tags = hdf5Text(dataset.attribute('axistags'));
  if (tags) {
    try {
      const axes = parseAxisTags(tags);
      if (axes.length === dataset.shape.length) return axes;
    } catch (e) {
      throw new ImageError(name, `dataset ${dataset.path}: ${(e as Error).message}`);
    }
  }
  const keys = fallback && fallback.length === dataset.shape.length ? fallback : defaultAxes(dataset.shape);
  if (!keys) throw new ImageError(name, `dataset ${dataset.path} has ${dataset.shape.length} dimensions and no axistags; cannot tell its axes`);
  return keys.map((key) => ({ key }));
}

/**
 * Opens `dataset` as an image.
 * @param close releases the file when the image is closed
 * @throws ImageError naming the file: not numeric, no y/x axes, over the memory limit
 */
export function hdf5ImageSource(
  dataset: Hdf5Dataset,
  name: string,
  options: ImageOpenOptions & { axes?: readonly AxisTag['key'][]; close?: () => void } = {},
): ImageSource {
  if (!NUMERIC.includes(dataset.dtype)) throw new ImageError(name, `dataset ${dataset.path} holds ${dataset.dtype} values, not pixels`);
  const dtype = dataset.dtype as DType;
  const axes = datasetAxes(dataset, name, options.axes);
  const keys = axes.map((a) => a.key);
  if (!keys.includes('y') || !keys.includes('x')) throw new ImageError(name, `dataset ${dataset.path} has no y and x axes (axes ${keys.join('')})`);
  const size = (key: AxisTag['key']) => { const i = keys.indexOf(key); return i < 0 ? 1 : dataset.shape[i]; };
  const shape = { t: size('t'), z: size('z'), c: size('c'), y: size('y'), x: size('x') };
  const limit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  const chunkSize = (key: AxisTag['key']) => { const i = keys.indexOf(key); return i < 0 || !dataset.chunks ? 1 : dataset.chunks[i]; };
  // A chunked dataset is read box by box (readBox): only a read larger than the limit is refused. A contiguous
  // one is still checked whole-plane at opening, as before.
  if (!dataset.chunks && shape.x * shape.y * 4 > limit) {
    throw new ImageError(name, `one ${shape.x}×${shape.y} plane needs ${((shape.x * shape.y * 4) / 2 ** 20).toFixed(0)} MiB as float32, over the memory limit of ${(limit / 2 ** 20).toFixed(0)} MiB`);
  }
  const checkReadSize = (samples: number) => {
    if (samples * 4 > limit) throw new ImageError(name, `a read of ${samples} samples needs ${((samples * 4) / 2 ** 20).toFixed(1)} MiB as float32, over the memory limit of ${(limit / 2 ** 20).toFixed(0)} MiB; read it in smaller boxes`);
  };
  const resolution: Record<string, number> = {};
  for (const a of axes) if (a.resolution) resolution[a.key] = a.resolution;
  const info: ImageInfo = {
    name,
    format: 'hdf5',
    shape,
    axes: ['t', 'z', 'c', 'y', 'x'].filter((k) => keys.includes(k as AxisTag['key'])).join('').toUpperCase(),
    dtype,
    pages: 1,
    compression: 'hdf5',
    metadata: { dataset: dataset.path, storageAxes: keys.join(''), ...(dataset.chunks ? { chunks: [...dataset.chunks] } : {}), ...(Object.keys(resolution).length ? { resolution } : {}) },
    ...(dataset.chunks ? { chunkShape: { z: chunkSize('z'), y: chunkSize('y'), x: chunkSize('x') } } : {}),
  };
  const xBeforeY = keys.indexOf('x') < keys.indexOf('y');
  /** A hyperslab read; anything the HDF5 library throws (a damaged chunk, a refused filter) names the file. */
  const readSlab = (ranges: [number, number][]): PixelArray => {
    try {
      return dataset.readBox(ranges);
    } catch (error) {
      if (error instanceof ImageError) throw error;
      const reason = (error as { reason?: unknown })?.reason;
      throw new ImageError(name, typeof reason === 'string' ? reason : `dataset ${dataset.path} cannot be read (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  const region = (t: number, z: number, c: number, box: PlaneRegion): PixelArray => {
    const { y0, y1, x0, x1 } = box;
    if (![t, z, c].every(Number.isInteger) || t < 0 || t >= shape.t || z < 0 || z >= shape.z || c < 0 || c >= shape.c) {
      throw new ImageError(name, `plane (t=${t}, z=${z}, c=${c}) is outside the image (${shape.t}×${shape.z}×${shape.c})`);
    }
    if (![y0, y1, x0, x1].every(Number.isInteger) || y0 < 0 || x0 < 0 || y1 > shape.y || x1 > shape.x || y1 <= y0 || x1 <= x0) {
      throw new ImageError(name, `region rows ${y0}..${y1}, columns ${x0}..${x1} is empty or outside the ${shape.x}×${shape.y} plane`);
    }
    checkReadSize((y1 - y0) * (x1 - x0));
    const at = { t, z, c } as Record<string, number>;
    const ranges = keys.map((k) => (k === 'y' ? [y0, y1] : k === 'x' ? [x0, x1] : [at[k], at[k] + 1]) as [number, number]);
    const data = readSlab(ranges);
    if (!xBeforeY) return data;
    const h = y1 - y0;
    const w = x1 - x0;
    const out = allocatePixels(dtype, w * h);
    for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) out[y * w + x] = data[x * h + y];
    return out;
  };
  /** A 3D box of one (t, c): one hyperslab read (only its chunks), reordered from storage order to [z][y][x]. */
  const box3d = (level: number, t: number, c: number, box: Box): PixelArray => {
    if (level !== 0) throw new ImageError(name, `resolution level ${level} does not exist (the image has 1)`);
    const { z0, y0, x0, nz, ny, nx } = box;
    if (![t, c].every(Number.isInteger) || t < 0 || t >= shape.t || c < 0 || c >= shape.c) {
      throw new ImageError(name, `(t=${t}, c=${c}) is outside the image (${shape.t} time points, ${shape.c} channels)`);
    }
    if (![z0, y0, x0, nz, ny, nx].every(Number.isInteger) || z0 < 0 || y0 < 0 || x0 < 0 || nz < 1 || ny < 1 || nx < 1
      || z0 + nz > shape.z || y0 + ny > shape.y || x0 + nx > shape.x) {
      throw new ImageError(name, `box z ${z0}+${nz}, rows ${y0}+${ny}, columns ${x0}+${nx} is empty or outside the image (${shape.z}×${shape.y}×${shape.x})`);
    }
    checkReadSize(nz * ny * nx);
    const start: Record<string, number> = { t, c, z: z0, y: y0, x: x0 };
    const extent: Record<string, number> = { t: 1, c: 1, z: nz, y: ny, x: nx };
    const data = readSlab(keys.map((k) => [start[k], start[k] + extent[k]] as [number, number]));
    // Row-major strides of the box in storage order, per axis.
    const stride: Record<string, number> = {};
    let s = 1;
    for (let i = keys.length - 1; i >= 0; i--) { stride[keys[i]] = s; s *= extent[keys[i]]; }
    const sz = stride.z ?? 0;
    const sy = stride.y;
    const sx = stride.x;
    if (sx === 1 && sy === nx && (nz === 1 || sz === nx * ny)) return data;
    const out = allocatePixels(dtype, nz * ny * nx);
    let o = 0;
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) out[o++] = data[z * sz + y * sy + x * sx];
    return out;
  };
  const whole = (): PlaneRegion => ({ y0: 0, y1: shape.y, x0: 0, x1: shape.x });
  return {
    info,
    readPlane: async (t, z, c) => region(t, z, c, whole()),
    readPlaneFloat32: async (t, z, c, target) => toFloat32(region(t, z, c, whole()), target),
    readRegion: async (t, z, c, box) => region(t, z, c, box),
    readRegionFloat32: async (t, z, c, box, target) => toFloat32(region(t, z, c, box), target),
    readBox: async (level, t, c, box) => box3d(level, t, c, box),
    close: async () => options.close?.(),
  };
}
