/**
 * Feature jobs run by compute workers (issue #3).
 *
 * `features/block`: computes the features of one target block with computeFeatureBlock(). Pixels
 * arrive as Float32Arrays over SharedArrayBuffers (the whole source volume, shared by every block,
 * and the whole result volume, each block writing its own disjoint pixels), so nothing is copied.
 * Non-shared arrays work too: the result is then transferred back.
 *
 * `features/blockToFile`: the same block, but every output channel goes straight from the engine's
 * working memory into its final place in an uncompressed TIFF (pwrite on a descriptor the host opened),
 * so no output volume exists in memory at all (`pixel-classifier features`).
 */
import { writeAtPosition } from '../../node/writeAtPosition';
import type { Box, VolumeShape } from '../../core/features/box';
import { computeFeatureBlock, FeatureScratch } from '../../core/features/computeFeatureBlock';
import type { FeatureSelection, FeatureVariant } from '../../core/features/featureSet';
import type { JobContext, JobOutputOf } from '../workerProtocol';

/** Payload of `features/block`. */
export interface FeatureBlockJob {
  selection: FeatureSelection;
  variant: FeatureVariant;
  image: VolumeShape;
  nInputChannels: number;
  /** [c][z][y][x] of sourceBox (shared or transferred). */
  source: Float32Array;
  sourceBox: Box;
  target: Box;
  /** [channel][z][y][x] of resultBox; omitted = allocate one for the target and transfer it back. */
  result?: Float32Array;
  resultBox?: Box;
}

/** Result of `features/block`. */
export interface FeatureBlockJobResult {
  /** Milliseconds spent computing. */
  ms: number;
  /** The result array when the job allocated it (transferred), else undefined (written in place). */
  result?: Float32Array;
}

/**
 * Where a block's channels go in an uncompressed TIFF: page `firstPage + z·channels + channel` (z = image
 * slice, channel = output channel), row `y` of a page at `dataStart + page·pageBytes + y·rowBytes`.
 * Blocks written this way must span whole rows (target.x0 = 0, target.nx = image width).
 */
export interface FeatureFileTarget {
  /** Open file descriptor of this process (the host keeps it open until every block is done). */
  fd: number;
  dataStart: number;
  pageBytes: number;
  rowBytes: number;
  /** Page of (slice 0, channel 0) of this time point. */
  firstPage: number;
  /** Output channels per slice. */
  channels: number;
}

/** Payload of `features/blockToFile`: a block (no result array) and where its channels go. */
export interface FeatureBlockToFileJob extends Omit<FeatureBlockJob, 'result' | 'resultBox'> {
  file: FeatureFileTarget;
}

// One scratch per worker thread: buffers survive between blocks so pages are touched once.
const scratch = new FeatureScratch();

function featureBlock(job: FeatureBlockJob, context: JobContext): JobOutputOf<FeatureBlockJobResult> {
  const started = performance.now();
  const result = computeFeatureBlock({
    selection: job.selection, variant: job.variant, image: job.image, nInputChannels: job.nInputChannels,
    source: job.source, sourceBox: job.sourceBox, target: job.target,
    result: job.result, resultBox: job.resultBox ?? job.target,
    scratch, checkCancelled: () => context.throwIfCancelled(),
  });
  const ms = performance.now() - started;
  if (job.result) return { result: { ms } };
  return { result: { ms, result }, transfer: [result.buffer as ArrayBuffer] };
}

function featureBlockToFile(job: FeatureBlockToFileJob, context: JobContext): JobOutputOf<FeatureBlockJobResult> {
  const started = performance.now();
  const { target, image, file } = job;
  if (target.x0 !== 0 || target.nx !== image.x) throw new RangeError('features/blockToFile: a block must span whole rows');
  const sliceValues = target.ny * target.nx;
  computeFeatureBlock({
    selection: job.selection, variant: job.variant, image, nInputChannels: job.nInputChannels,
    source: job.source, sourceBox: job.sourceBox, target, scratch, checkCancelled: () => context.throwIfCancelled(),
    sink: (channel, plane) => {
      for (let z = 0; z < target.nz; z++) {
        const page = file.firstPage + (target.z0 + z) * file.channels + channel;
        const bytes = new Uint8Array(plane.buffer, plane.byteOffset + 4 * z * sliceValues, 4 * sliceValues);
        writeAtPosition(file.fd, bytes, file.dataStart + page * file.pageBytes + target.y0 * file.rowBytes);
      }
    },
  });
  return { result: { ms: performance.now() - started } };
}

/** `features/releaseScratch`: frees the worker's cached buffers (e.g. after a large batch). */
function releaseScratch(): JobOutputOf<{ released: number }> {
  const bytes = scratch.bytes;
  scratch.clear();
  return { result: { released: bytes } };
}

/** Feature job handlers by type. */
export const FEATURE_JOBS = {
  'features/block': featureBlock,
  'features/blockToFile': featureBlockToFile,
  'features/releaseScratch': releaseScratch,
};
