/**
 * The jobs a compute worker runs without file access: features, forest, tiles and the pool's own. The browser's
 * compute workers register only these (issue #20): they cannot reach `workspace.fs`, so images are decoded in the
 * extension host there, and leaving the image jobs out keeps their decoders (2 MB of the worker's 2.4 MB) out of
 * every worker's memory.
 */
import type { JobHandlers } from './workerJobs';
import { POOL_JOBS } from './jobs/poolJobs';
import { FEATURE_JOBS } from './jobs/featureJobs';
import { FOREST_JOBS } from './jobs/forestJobs';
import { TILE_JOBS } from './jobs/tileJobs';

/** Names of the jobs that read image files. */
export type ImageJobName = 'image/readPlane' | 'image/readBox';

/** Handlers of every job but the image jobs, by name. */
export const COMPUTE_JOB_HANDLERS: Omit<JobHandlers, ImageJobName> = {
  ...POOL_JOBS,
  ...FEATURE_JOBS,
  ...FOREST_JOBS,
  ...TILE_JOBS,
};
