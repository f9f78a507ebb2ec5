/**
 * The typed protocol of the compute workers: every job name with its payload and result types, like the
 * host ⇄ webview protocol (extension/protocol.ts). {@link WorkerPool.run} takes a job name and checks the
 * payload and the result against this map; {@link JOB_HANDLERS} must provide a handler of the matching type
 * for every name, so adding a job is one line here plus its handler.
 */
import type { FeatureBlockJob, FeatureBlockJobResult, FeatureBlockToFileJob } from './jobs/featureJobs';
import type { ForestBinPayload, ForestPredictPayload, ForestPredictResult, ForestTrainPayload, ForestTrainResult } from './jobs/forestJobs';
import type { ReadBoxPayload, ReadPlanePayload, ReadPlaneResult } from './jobs/imageJobs';
import type { EchoPayload } from './jobs/poolJobs';
import type { PredictTilePayload, PredictTileResult } from '../core/tiles/predictTile';
import type { JobContext, JobOutputOf } from './workerProtocol';

/** Job name → payload and result. */
export interface WorkerJobs {
  'features/block': { payload: FeatureBlockJob; result: FeatureBlockJobResult };
  'features/blockToFile': { payload: FeatureBlockToFileJob; result: FeatureBlockJobResult };
  'features/releaseScratch': { payload: Record<string, never>; result: { released: number } };
  'forest/bin': { payload: ForestBinPayload; result: Record<string, never> };
  'forest/train': { payload: ForestTrainPayload; result: ForestTrainResult };
  'forest/predict': { payload: ForestPredictPayload; result: ForestPredictResult };
  'image/readPlane': { payload: ReadPlanePayload; result: ReadPlaneResult };
  'image/readBox': { payload: ReadBoxPayload; result: ReadPlaneResult };
  'tile/predict': { payload: PredictTilePayload; result: PredictTileResult };
  'pool/echo': { payload: EchoPayload; result: EchoPayload };
  'pool/sum': { payload: { data: Float32Array }; result: number };
  'pool/spin': { payload: { ms: number }; result: { threadId: number } };
  'pool/spinIgnoringCancel': { payload: { ms: number }; result: string };
  'pool/throw': { payload: { message: string }; result: never };
  'pool/crash': { payload: Record<string, never>; result: never };
}

/** A job name. */
export type JobName = keyof WorkerJobs;
/** The payload type of job `K`. */
export type JobPayload<K extends JobName> = WorkerJobs[K]['payload'];
/** The result type of job `K`. */
export type JobResult<K extends JobName> = WorkerJobs[K]['result'];

/** A handler for every job, typed by its name. */
export type JobHandlers = {
  [K in JobName]: (payload: JobPayload<K>, context: JobContext) => JobOutputOf<JobResult<K>> | Promise<JobOutputOf<JobResult<K>>>;
};
