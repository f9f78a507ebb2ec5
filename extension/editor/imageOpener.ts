/**
 * Opens images for the editor without blocking the extension host: the header is parsed in the host
 * (cheap: only the IFDs are read), but planes larger than a threshold are decoded in a compute worker
 * (`image/readPlane` job) and arrive as transferred ArrayBuffers. Small planes are decoded in the host,
 * where a worker round trip would cost more than the decode.
 */
import * as path from 'node:path';
import type { DType, ImageInfo, ImageSource, PixelArray } from '../core/image/imageModel';
import { BYTES_PER_SAMPLE, ImageError } from '../core/image/imageModel';
import type { ImageOpener } from './labelDocument';
import type { Logger } from './logger';
import type { JobPayload, JobResult } from '../workers/workerJobs';
import { readImageBox } from '../core/image/readImageBox';

/** The part of the WorkerPool the opener uses. */
export interface PlanePool {
  run(type: 'image/readPlane', payload: JobPayload<'image/readPlane'>): Promise<JobResult<'image/readPlane'>>;
  run(type: 'image/readBox', payload: JobPayload<'image/readBox'>, transfer?: [], signal?: AbortSignal, priority?: number): Promise<JobResult<'image/readBox'>>;
}

/** Options of {@link createImageOpener}. */
export interface ImageOpenerOptions {
  /** Opens an image in this thread (extension/node/openImage). */
  openInHost: ImageOpener;
  /** The compute pool, or undefined when workers are unavailable (then everything decodes in the host). */
  getPool?: () => PlanePool;
  logger: Logger;
  /** Planes of more bytes than this decode in a worker. @default 4 MiB */
  offThreadBytes?: number;
}

const CONSTRUCTORS: Record<DType, new (buffer: ArrayBuffer) => PixelArray> = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
  uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
};

/** Wraps a typed array of `dtype` around a transferred buffer. */
export function typedPlane(dtype: DType, buffer: ArrayBuffer): PixelArray {
  return new CONSTRUCTORS[dtype](buffer);
}

/**
 * The plane a worker decoded, checked against the header the host parsed: a worker that decoded another
 * file version (changed on disk in between) or a bad job result must not show a shifted or truncated image.
 * @throws ImageError naming the file when the sample type or the number of samples differs
 */
export function checkedPlane(
  filePath: string, info: Pick<ImageInfo, 'dtype' | 'shape'>, result: JobResult<'image/readPlane'>, t: number, z: number, c: number,
): PixelArray {
  const name = path.basename(filePath);
  if (result.dtype !== info.dtype) {
    throw new ImageError(name, `plane t=${t} z=${z} c=${c} decoded as ${result.dtype}, but the header says ${info.dtype} (did the file change on disk?)`);
  }
  const expected = info.shape.x * info.shape.y;
  const bytes = BYTES_PER_SAMPLE[info.dtype];
  if (result.data.byteLength !== expected * bytes) {
    throw new ImageError(name, `plane t=${t} z=${z} c=${c} has ${result.data.byteLength / bytes} samples, expected ${info.shape.y} × ${info.shape.x} = ${expected} (did the file change on disk?)`);
  }
  return typedPlane(result.dtype, result.data);
}

/** Pool priority of box reads: above visible feature tiles (2). */
const BOX_PRIORITY = 3;

/** Boxes of at least this many bytes are decoded in a worker (smaller ones cost less than the round trip). */
const BOX_IN_WORKER_BYTES = 64 * 1024;

/** An {@link ImageOpener} whose big planes decode in worker threads. */
export function createImageOpener(options: ImageOpenerOptions): ImageOpener {
  const threshold = options.offThreadBytes ?? 4 * 1024 * 1024;
  return async (filePath, openOptions) => {
    const source = await options.openInHost(filePath, openOptions);
    const { shape, dtype } = source.info;
    const planeBytes = shape.x * shape.y * BYTES_PER_SAMPLE[dtype];
    if (!options.getPool || planeBytes <= threshold) return source;
    const viaWorker = async (t: number, z: number, c: number): Promise<PixelArray> => {
      try {
        const result = await options.getPool!().run('image/readPlane', {
          path: filePath, t, z, c, memoryLimitBytes: openOptions.memoryLimitBytes,
        });
        return checkedPlane(filePath, source.info, result, t, z, c);
      } catch (e) {
        // A missing job handler or a broken worker must not make the image unreadable.
        if (e instanceof Error && /unknown job|no handler/i.test(e.message)) {
          options.logger.warn(`Worker decoding unavailable (${e.message}); decoding ${filePath} in the extension host`);
          return source.readPlane(t, z, c);
        }
        throw e;
      }
    };
    const wrapped: ImageSource = {
      info: source.info,
      readPlane: viaWorker,
      async readPlaneFloat32(t, z, c, target) {
        const raw = await viaWorker(t, z, c);
        const out = target ?? new Float32Array(raw.length);
        for (let i = 0; i < raw.length; i++) out[i] = raw[i];
        return out;
      },
      // Regions are small (tiles of a view or a labelled box): decoding them in the host is cheap.
      readRegion: (t, z, c, box) => source.readRegion(t, z, c, box),
      readRegionFloat32: (t, z, c, box, target) => source.readRegionFloat32(t, z, c, box, target),
      // Boxes are the tiles of big images and the level-0 blocks their zoomed-out levels are computed from (issue
      // #13): decoded in the workers, two at a time on two cores, never blocking the host.
      readBox: async (level, t, c, box) => {
        const n = box.nz * box.ny * box.nx;
        if (n * BYTES_PER_SAMPLE[dtype] < BOX_IN_WORKER_BYTES) return readImageBox(source, level, t, c, box);
        // Before any other work (a view waits for it; the warm-up training and background predictions can wait).
        const result = await options.getPool!().run('image/readBox', { path: filePath, level, t, c, box, memoryLimitBytes: openOptions.memoryLimitBytes }, [], undefined, BOX_PRIORITY);
        if (result.dtype !== dtype || result.data.byteLength !== n * BYTES_PER_SAMPLE[dtype]) {
          throw new ImageError(path.basename(filePath), `a ${box.nz}×${box.ny}×${box.nx} box decoded as ${result.data.byteLength / BYTES_PER_SAMPLE[result.dtype]} ${result.dtype} samples (did the file change on disk?)`);
        }
        return typedPlane(dtype, result.data);
      },
      close: () => source.close(),
    };
    return wrapped;
  };
}
