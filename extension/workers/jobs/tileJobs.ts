/**
 * `tile/predict`: features of one tile from its source block and, when a model is given, its class
 * probabilities (extension/core/tiles/predictTile.ts). Used by batch prediction and by the live editor
 * (features only, shared with the host's feature cache).
 */
import { predictTile, type PredictTilePayload, type PredictTileResult } from '../../core/tiles/predictTile';
import type { JobContext, JobOutputOf } from '../workerProtocol';

function predictTileJob(payload: PredictTilePayload, context: JobContext): JobOutputOf<PredictTileResult> {
  const result = predictTile(payload, () => context.throwIfCancelled());
  const transfer: ArrayBuffer[] = [];
  if (result.probabilities) transfer.push(result.probabilities.buffer as ArrayBuffer);
  // Shared features stay where they are; only private buffers are transferred.
  if (result.features && !(result.features.buffer instanceof SharedArrayBuffer)) transfer.push(result.features.buffer as ArrayBuffer);
  return { result, transfer };
}

/** Tile job handlers by type. */
export const TILE_JOBS = {
  'tile/predict': predictTileJob,
};
