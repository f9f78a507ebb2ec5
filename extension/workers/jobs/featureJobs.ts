/**
 * Feature jobs run by compute workers (issue #3).
 *
 * `features/block`: computes the features of one target block with computeFeatureBlock(). Pixels
 * arrive as Float32Arrays over SharedArrayBuffers (the whole source volume, shared by every block,
 * and the whole result volume, each block writing its own disjoint pixels), so nothing is copied.
 * Non-shared arrays work too: the result is then transferred back.
 */
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

/** `features/releaseScratch`: frees the worker's cached buffers (e.g. after a large batch). */
function releaseScratch(): JobOutputOf<{ released: number }> {
  const bytes = scratch.bytes;
  scratch.clear();
  return { result: { released: bytes } };
}

/** Feature job handlers by type. */
export const FEATURE_JOBS = {
  'features/block': featureBlock,
  'features/releaseScratch': releaseScratch,
};
