/**
 * Runs one job request inside a worker — the part of a compute worker that both platforms share: Node's
 * worker_threads entry (computeWorker.ts) and the browser's Web Worker entry (extension/web/webComputeWorker.ts).
 * Each passes its registry of handlers (all jobs on Node, the compute jobs in the browser).
 */
import type { JobHandlers } from './workerJobs';
import { jobContextFor, serializeError, type JobContext, type JobOutput, type JobRequestMessage, type TransferItem, type WorkerToHostMessage } from './workerProtocol';

/** A registry of job handlers: all of {@link JobHandlers} or a part of it. */
export type JobRegistry = Partial<JobHandlers>;

/** The handler of `registry` for a job named at run time (a worker message), or undefined for an unknown name. */
export function jobHandlerIn(registry: JobRegistry, name: string): ((payload: unknown, context: JobContext) => JobOutput | Promise<JobOutput>) | undefined {
  if (!Object.prototype.hasOwnProperty.call(registry, name)) return undefined;
  // The payload comes from the host's typed `run`, which checked it against the handler's type.
  return registry[name as keyof JobHandlers] as ((payload: unknown, context: JobContext) => JobOutput | Promise<JobOutput>) | undefined;
}

/** Runs one request with a handler of `registry` and returns the message to post plus its transfer list. */
export async function handleJobRequest(request: JobRequestMessage, registry: JobRegistry): Promise<{ message: WorkerToHostMessage; transfer: TransferItem[] }> {
  const handler = jobHandlerIn(registry, request.type);
  if (!handler) {
    return {
      message: { kind: 'error', jobId: request.jobId, error: { name: 'Error', message: `unknown job type "${request.type}"` } },
      transfer: [],
    };
  }
  try {
    const output = await handler(request.payload, jobContextFor(request.cancelFlag));
    return { message: { kind: 'result', jobId: request.jobId, result: output.result }, transfer: output.transfer ?? [] };
  } catch (error) {
    return { message: { kind: 'error', jobId: request.jobId, error: serializeError(error) }, transfer: [] };
  }
}
