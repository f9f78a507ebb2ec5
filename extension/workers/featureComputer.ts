/**
 * Host-side feature computation spread over the worker pool (issue #3); used by the extension host
 * and the CLI alike.
 *
 * A request names a box of one time point. The computer gathers the box plus its halo into one
 * SharedArrayBuffer (all input channels), allocates the result in another, splits the box into
 * blocks and runs one `features/block` job per block; every worker reads the shared source and
 * writes its block straight into the shared result (no copies, no transfers).
 */
import { setMaxListeners } from '../node/nodeRuntime';

/** Lets pending events run (`setImmediate` on Node; a 0 ms timer in a browser, which has no `setImmediate`). */
const yieldToEventLoop = (): Promise<void> => new Promise<void>((resolve) => {
  if (typeof setImmediate === 'function') setImmediate(resolve);
  else setTimeout(resolve, 0);
});
import { boxVolume, formatBox, splitBox, wholeBox, type Box, type Margins, type VolumeShape } from '../core/features/box';
import { featureChannelCount, FeatureScaleError, findScaleProblems, requiredSourceBox } from '../core/features/computeFeatureBlock';
import { assertValidSelection, featureChannels, type FeatureChannel, type FeatureSelection, type FeatureVariant } from '../core/features/featureSet';
import type { ImageSource } from '../core/image/imageModel';
import type { FeatureBlockJob, FeatureFileTarget } from './jobs/featureJobs';
import type { WorkerPool } from './workerPool';

/** What to compute. */
export interface FeatureRequest {
  selection: FeatureSelection;
  /** @default 'ilastik' */
  variant?: FeatureVariant;
  /** Region of the time point to compute. @default the whole image */
  box?: Box;
  signal?: AbortSignal;
  /** Target voxels per block (blocks are split further until every worker has one). @default 1 Mi (2D), 512 Ki (3D) */
  blockVoxels?: number;
  /** Called after each finished block. */
  onProgress?: (doneBlocks: number, totalBlocks: number) => void;
  /** Queue priority of the blocks (higher first). @default 0 */
  priority?: number;
  /**
   * Where to write (SharedArrayBuffer-backed, ≥ channels × box voxels), e.g. a buffer reused across
   * calls: fresh large allocations cost page faults. @default a new SharedArrayBuffer
   */
  result?: Float32Array;
  /**
   * Touch the pages of a freshly allocated result from this thread while the workers compute, in the
   * order they will write them (only when `result` is not given). On VMs where a first-touch page
   * fault costs tens of µs and faults do not run in parallel across threads, this takes the faults off
   * the workers; it costs this thread the same CPU time, in ~10 ms slices. Off by default: on the
   * loaded 2-core development VM it made no measurable difference (bench features --prefault).
   * @default false
   */
  prefault?: boolean;
}

/** Features of a box. */
export interface FeatureResult {
  /** Float32Array over a SharedArrayBuffer, layout [channel][z][y][x] of `box`. */
  data: Float32Array;
  box: Box;
  image: VolumeShape;
  /** Output channels in order (ilastik names). */
  channels: FeatureChannel[];
  /** Number of blocks the work was split into. */
  blocks: number;
}

/**
 * Block shape for a box: halves the longest axis until a block has at most `maxVoxels` voxels and
 * there are at least `minBlocks` blocks (while blocks stay ≥ 32 pixels along the split axis).
 */
export function chooseBlockSize(box: Box, maxVoxels: number, minBlocks: number): Margins {
  const size = { z: box.nz, y: box.ny, x: box.nx };
  const count = (): number => Math.ceil(box.nz / size.z) * Math.ceil(box.ny / size.y) * Math.ceil(box.nx / size.x);
  while (size.z * size.y * size.x > maxVoxels || count() < minBlocks) {
    const axis = (['x', 'y', 'z'] as const).reduce((a, b) => (size[b] > size[a] ? b : a));
    if (size[axis] < 64) break;
    size[axis] = Math.ceil(size[axis] / 2);
  }
  return size;
}

/**
 * Block shape of whole rows (x never split) for writing straight into a file: halves z or y (the longer)
 * until a block has at most `maxVoxels` voxels and there are at least `minBlocks` blocks, while blocks
 * stay ≥ 16 rows/slices along the split axis.
 */
export function chooseBandSize(box: Box, maxVoxels: number, minBlocks: number): Margins {
  const size = { z: box.nz, y: box.ny, x: box.nx };
  const count = (): number => Math.ceil(box.nz / size.z) * Math.ceil(box.ny / size.y);
  while (size.z * size.y * size.x > maxVoxels || count() < minBlocks) {
    const axis = size.z > size.y ? 'z' : 'y';
    if (size[axis] < 32) break;
    size[axis] = Math.ceil(size[axis] / 2);
  }
  return size;
}

/**
 * Target voxels per band of {@link FeatureComputer.computeImageToFile}: 128 rows of a 2048-wide image. Smaller
 * bands cost no more CPU per pixel (measured 64–512 rows: the same within noise; the large-σ halo is only in the
 * presmoothing passes) but touch fewer fresh pages of working memory per worker (≈ 11 MB instead of 41 MB at 512
 * rows), and first-touch page faults are what a fresh process pays most for on small VMs.
 */
const FILE_BAND_VOXELS = 1 << 18;

/** Where {@link FeatureComputer.computeImageToFile} writes (an uncompressed TIFF, see TiffStreamWriter.inPlaceTarget). */
export interface FeatureFileLayout {
  fd: number;
  dataStart: number;
  pageBytes: number;
  rowBytes: number;
}

/** Source staging buffers kept for reuse (count, and total bytes). */
const SPARE_SOURCES = 2;
const SPARE_SOURCE_BYTES = 256 * 2 ** 20;

/** Computes features on a {@link WorkerPool}. */
export class FeatureComputer {
  /**
   * Shared staging buffers of finished calls: the next call copies its source box into one instead of
   * a fresh SharedArrayBuffer, so repeated calls (tiles, warm runs) take no first-touch page faults.
   */
  private spareSources: SharedArrayBuffer[] = [];

  constructor(private readonly pool: WorkerPool) {}

  /** A shared Float32Array of `length` values (contents garbage): a spare buffer if one fits. */
  private takeSource(length: number): Float32Array {
    let best = -1;
    for (let i = 0; i < this.spareSources.length; i++) {
      const bytes = this.spareSources[i].byteLength;
      if (bytes >= 4 * length && (best < 0 || bytes < this.spareSources[best].byteLength)) best = i;
    }
    const buffer = best >= 0 ? this.spareSources.splice(best, 1)[0] : new SharedArrayBuffer(4 * length);
    return new Float32Array(buffer, 0, length);
  }

  /** Keeps a staging buffer for the next call (the largest few, within a byte budget). */
  private giveSource(source: Float32Array): void {
    const buffer = source.buffer as SharedArrayBuffer;
    if (buffer.byteLength > SPARE_SOURCE_BYTES) return;
    this.spareSources.push(buffer);
    this.spareSources.sort((a, b) => b.byteLength - a.byteLength);
    let total = 0;
    this.spareSources = this.spareSources.filter((b, i) => i < SPARE_SOURCES && (total += b.byteLength) <= SPARE_SOURCE_BYTES);
  }

  /**
   * Features of `request.box` of an in-memory float32 volume, layout [c][z][y][x] of the whole
   * image (one time point). A SharedArrayBuffer-backed volume is used in place; otherwise the needed
   * part is copied into shared memory once.
   */
  async computeVolume(volume: Float32Array, image: VolumeShape, nInputChannels: number, request: FeatureRequest): Promise<FeatureResult> {
    const vol = image.z * image.y * image.x;
    if (volume.length < nInputChannels * vol) throw new RangeError(`volume has ${volume.length} values, expected ${nInputChannels}×${vol}`);
    const box = request.box ?? wholeBox(image);
    const { sourceBox } = this.prepare(image, box, request);
    if (volume.buffer instanceof SharedArrayBuffer) {
      return this.run(volume, wholeBox(image), image, nInputChannels, box, request);
    }
    const source = this.takeSource(nInputChannels * boxVolume(sourceBox));
    let o = 0;
    for (let c = 0; c < nInputChannels; c++) {
      for (let z = sourceBox.z0; z < sourceBox.z0 + sourceBox.nz; z++) {
        for (let y = sourceBox.y0; y < sourceBox.y0 + sourceBox.ny; y++) {
          const from = ((c * image.z + z) * image.y + y) * image.x + sourceBox.x0;
          source.set(volume.subarray(from, from + sourceBox.nx), o);
          o += sourceBox.nx;
        }
      }
    }
    const result = await this.run(source, sourceBox, image, nInputChannels, box, request);
    this.giveSource(source); // only after success: blocks of a failed or cancelled call may still be reading it
    return result;
  }

  /**
   * Features of `request.box` of time point `t` of an opened image (all its channels, each filtered
   * independently). Reads only the box plus its halo.
   */
  async computeImage(source: ImageSource, t: number, request: FeatureRequest): Promise<FeatureResult> {
    const { shape, name } = source.info;
    if (!Number.isInteger(t) || t < 0 || t >= shape.t) throw new RangeError(`${name}: time point ${t} is outside 0..${shape.t - 1}`);
    const image: VolumeShape = { z: shape.z, y: shape.y, x: shape.x };
    const box = request.box ?? wholeBox(image);
    const { sourceBox } = this.prepare(image, box, request, name);
    const nc = shape.c;
    const data = this.takeSource(nc * boxVolume(sourceBox));
    const planeSize = sourceBox.ny * sourceBox.nx;
    const region = { y0: sourceBox.y0, y1: sourceBox.y0 + sourceBox.ny, x0: sourceBox.x0, x1: sourceBox.x0 + sourceBox.nx };
    for (let c = 0; c < nc; c++) {
      for (let z = 0; z < sourceBox.nz; z++) {
        request.signal?.throwIfAborted();
        const offset = (c * sourceBox.nz + z) * planeSize;
        await source.readRegionFloat32(t, sourceBox.z0 + z, c, region, data.subarray(offset, offset + planeSize));
      }
    }
    const result = await this.run(data, sourceBox, image, nc, box, request);
    this.giveSource(data); // only after success (see computeVolume)
    return result;
  }

  /**
   * Features of the whole time point `t` of an opened image, written by the workers straight into an
   * uncompressed TIFF whose pages are ordered (t, z, channel) with channel fastest (ImageJ hyperstack,
   * as `pixel-classifier features` writes): page `(t·Z + z)·channels + channel`. No output volume is
   * allocated: each block's channels go from the engine's working memory to the file (pwrite), so a
   * cold run takes no output page faults and the host thread copies nothing. Blocks are bands of whole rows.
   * `request.box` and `request.result` do not apply.
   * @returns the output channels and the number of blocks
   */
  async computeImageToFile(source: ImageSource, t: number, request: FeatureRequest, file: FeatureFileLayout): Promise<Omit<FeatureResult, 'data'>> {
    const { shape, name } = source.info;
    if (!Number.isInteger(t) || t < 0 || t >= shape.t) throw new RangeError(`${name}: time point ${t} is outside 0..${shape.t - 1}`);
    if (file.rowBytes !== 4 * shape.x || file.pageBytes !== file.rowBytes * shape.y) throw new RangeError(`${name}: the file layout does not match a ${shape.x}×${shape.y} float32 page`);
    const image: VolumeShape = { z: shape.z, y: shape.y, x: shape.x };
    const box = wholeBox(image);
    this.prepare(image, box, request, name);
    const nc = shape.c;
    const data = this.takeSource(nc * boxVolume(box));
    const planeSize = box.ny * box.nx;
    const region = { y0: 0, y1: box.ny, x0: 0, x1: box.nx };
    for (let c = 0; c < nc; c++) {
      for (let z = 0; z < box.nz; z++) {
        request.signal?.throwIfAborted();
        const offset = (c * box.nz + z) * planeSize;
        await source.readRegionFloat32(t, z, c, region, data.subarray(offset, offset + planeSize));
      }
    }
    const is3D = image.z > 1;
    const variant = request.variant ?? 'ilastik';
    const channels = featureChannels(request.selection, nc, is3D);
    const target: FeatureFileTarget = { ...file, firstPage: t * image.z * channels.length, channels: channels.length };
    const blocks = splitBox(box, chooseBandSize(box, request.blockVoxels ?? FILE_BAND_VOXELS, this.pool.size));
    await this.dispatch(blocks, request, (block, signal) => this.pool.run('features/blockToFile', {
      selection: request.selection, variant, image, nInputChannels: nc, source: data, sourceBox: box, target: block, file: target,
    }, [], signal, request.priority ?? 0));
    this.giveSource(data); // only after success (see computeVolume)
    return { box, image, channels, blocks: blocks.length };
  }

  /**
   * Runs one job per block; the first failure (or the caller's abort) cancels the others.
   * Resolves when every block is done; `onStarted` runs once the jobs are queued.
   */
  private async dispatch(blocks: Box[], request: FeatureRequest, runBlock: (block: Box, signal: AbortSignal) => Promise<unknown>,
    onStarted?: (isOver: () => boolean) => Promise<void> | undefined): Promise<void> {
    // One internal controller so the first failure (or the caller's abort) stops every other block.
    const controller = new AbortController();
    setMaxListeners(0, controller.signal); // one listener per queued block is expected
    const onAbort = (): void => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    let done = 0;
    let finished = false;
    try {
      const side = onStarted?.(() => finished || controller.signal.aborted);
      await Promise.all(blocks.map(async (target) => {
        try {
          await runBlock(target, controller.signal);
        } catch (error) {
          controller.abort(error);
          throw error;
        }
        request.onProgress?.(++done, blocks.length);
      }));
      finished = true;
      await side;
    } finally {
      finished = true;
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  private prepare(image: VolumeShape, box: Box, request: FeatureRequest, name = 'image'): { sourceBox: Box } {
    assertValidSelection(request.selection);
    const inside = [box.z0, box.y0, box.x0, box.nz, box.ny, box.nx].every(Number.isInteger) && box.nz > 0 && box.ny > 0 && box.nx > 0
      && box.z0 >= 0 && box.y0 >= 0 && box.x0 >= 0 && box.z0 + box.nz <= image.z && box.y0 + box.ny <= image.y && box.x0 + box.nx <= image.x;
    if (!inside) throw new RangeError(`${name}: box ${formatBox(box)} is not inside the image (${image.z}×${image.y}×${image.x})`);
    const problems = findScaleProblems(request.selection, image, request.variant ?? 'ilastik');
    if (problems.length > 0) {
      const error = new FeatureScaleError(problems);
      error.message = `${name}: ${error.message}`;
      throw error;
    }
    return { sourceBox: requiredSourceBox(box, image, request.selection, request.variant ?? 'ilastik') };
  }

  private async run(source: Float32Array, sourceBox: Box, image: VolumeShape, nInputChannels: number, box: Box, request: FeatureRequest): Promise<FeatureResult> {
    const variant = request.variant ?? 'ilastik';
    const is3D = image.z > 1;
    const nChannels = featureChannelCount(request.selection, nInputChannels, is3D);
    const length = nChannels * boxVolume(box);
    if (request.result && !(request.result.buffer instanceof SharedArrayBuffer && request.result.length >= length)) {
      throw new RangeError(`result must be a SharedArrayBuffer-backed Float32Array of at least ${length} values`);
    }
    const data = request.result ? request.result.subarray(0, length) : new Float32Array(new SharedArrayBuffer(4 * length));
    const blockSize = chooseBlockSize(box, request.blockVoxels ?? (is3D ? 1 << 19 : 1 << 20), this.pool.size);
    const blocks = splitBox(box, blockSize);
    await this.dispatch(blocks, request, async (target, signal) => {
      const job: FeatureBlockJob = {
        selection: request.selection, variant, image, nInputChannels, source, sourceBox, target, result: data, resultBox: box,
      };
      await this.pool.run('features/block', job, [], signal, request.priority ?? 0);
    }, !request.result && request.prefault === true
      ? (isOver) => prefaultResult(data, box, blocks, this.pool.size, request.selection, nInputChannels, is3D, isOver)
      : undefined);
    return { data, box, image, channels: featureChannels(request.selection, nInputChannels, is3D), blocks: blocks.length };
  }
}

/** Elements per 4 KiB page. */
const PAGE_FLOATS = 1024;
/** Pages touched between two yields to the event loop (~10 ms of faults on a slow VM). */
const PAGES_PER_SLICE = 512;

/**
 * Touches every page of `data` (layout [channel][z][y][x] of `box`) in the order the workers write
 * it: blocks in dispatch rounds of `poolSize`, then scales by σ (the engine computes scale by scale),
 * then channels, then the rows of each block. Atomics.or(…, 0) writes without changing a value a
 * worker may already have written. Yields to the event loop every few pages so block dispatch is not
 * delayed; stops when `stop()` says the work is over.
 */
async function prefaultResult(data: Float32Array, box: Box, blocks: Box[], poolSize: number, selection: FeatureSelection,
  nInputChannels: number, is3D: boolean, stop: () => boolean): Promise<void> {
  const words = new Int32Array(data.buffer, data.byteOffset, data.length);
  const volume = boxVolume(box);
  const channels = featureChannels(selection, nInputChannels, is3D).map((c, index) => ({ index, sigma: c.sigma }));
  channels.sort((a, b) => a.sigma - b.sigma || a.index - b.index);
  let budget = PAGES_PER_SLICE;
  for (let round = 0; round < blocks.length; round += poolSize) {
    const group = blocks.slice(round, round + poolSize);
    for (const channel of channels) {
      for (const b of group) {
        for (let z = b.z0; z < b.z0 + b.nz; z++) {
          for (let y = b.y0; y < b.y0 + b.ny; y++) {
            const row = channel.index * volume + ((z - box.z0) * box.ny + (y - box.y0)) * box.nx + (b.x0 - box.x0);
            // One word in every page the row spans (page boundaries fall anywhere within rows).
            for (let i = row, end = row + b.nx; i < end; i = (i | (PAGE_FLOATS - 1)) + 1) {
              Atomics.or(words, i, 0);
              if (--budget === 0) {
                budget = PAGES_PER_SLICE;
                await yieldToEventLoop();
                if (stop()) return;
              }
            }
          }
        }
      }
    }
  }
}
