/** Feature jobs run by compute workers (filled in with the feature engine). */
import type { JobHandler } from '../workerProtocol';

/** Feature job handlers by type. */
export const FEATURE_JOBS: Record<string, JobHandler> = {};
