/**
 * Registry of every job a compute worker can run: name → handler, checked against the typed protocol
 * {@link WorkerJobs}. Each module under jobs/ exports a map; add one import and one spread line per module.
 */
import type { JobHandlers, JobName } from './workerJobs';
import type { JobContext, JobOutput } from './workerProtocol';
import { POOL_JOBS } from './jobs/poolJobs';
import { FEATURE_JOBS } from './jobs/featureJobs';
import { IMAGE_JOBS } from './jobs/imageJobs';
import { FOREST_JOBS } from './jobs/forestJobs';
import { TILE_JOBS } from './jobs/tileJobs';

/** All job handlers by name. */
export const JOB_HANDLERS: JobHandlers = {
  ...POOL_JOBS,
  ...FEATURE_JOBS,
  ...IMAGE_JOBS,
  ...FOREST_JOBS,
  ...TILE_JOBS,
};

/** The handler of a job named at run time (a worker message), or undefined for an unknown name. */
export function jobHandler(name: string): ((payload: unknown, context: JobContext) => JobOutput | Promise<JobOutput>) | undefined {
  if (!Object.prototype.hasOwnProperty.call(JOB_HANDLERS, name)) return undefined;
  // The payload comes from the host's typed `run`, which checked it against the handler's type.
  return JOB_HANDLERS[name as JobName] as (payload: unknown, context: JobContext) => JobOutput | Promise<JobOutput>;
}
