/**
 * Registry of every job a compute worker can run: name → handler, checked against the typed protocol
 * {@link WorkerJobs}. Each module under jobs/ exports a map; add one import and one spread line per module
 * (in computeJobHandlers.ts unless the job reads files).
 */
import type { JobHandlers } from './workerJobs';
import { COMPUTE_JOB_HANDLERS } from './computeJobHandlers';
import { IMAGE_JOBS } from './jobs/imageJobs';

/** All job handlers by name. */
export const JOB_HANDLERS: JobHandlers = {
  ...COMPUTE_JOB_HANDLERS,
  ...IMAGE_JOBS,
};
