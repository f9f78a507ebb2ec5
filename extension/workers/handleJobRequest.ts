/**
 * Runs one job request inside a worker — the part of a compute worker that both platforms share: Node's
 * worker_threads entry (computeWorker.ts) and the browser's Web Worker entry (extension/web/webComputeWorker.ts).
 */
import { jobHandler } from './jobHandlers';
import { jobContextFor, serializeError, type JobRequestMessage, type TransferItem, type WorkerToHostMessage } from './workerProtocol';

/** Runs one request and returns the message to post plus its transfer list. */
export async function handleJobRequest(request: JobRequestMessage): Promise<{ message: WorkerToHostMessage; transfer: TransferItem[] }> {
  const handler = jobHandler(request.type);
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
