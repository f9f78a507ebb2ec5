/**
 * Registry of every job a compute worker can run: type → handler. Each module under jobs/
 * exports a map; add one import and one spread line per module.
 */
import type { JobHandler } from './workerProtocol';
import { POOL_JOBS } from './jobs/poolJobs';
import { FEATURE_JOBS } from './jobs/featureJobs';
import { IMAGE_JOBS } from './jobs/imageJobs';
import { FOREST_JOBS } from './jobs/forestJobs';
import { BATCH_JOBS } from '../batch/predictTileJob';

/** All job handlers by type. */
export const JOB_HANDLERS: Record<string, JobHandler> = {
  ...POOL_JOBS,
  ...FEATURE_JOBS,
  ...IMAGE_JOBS,
  ...FOREST_JOBS,
  ...BATCH_JOBS,
};
