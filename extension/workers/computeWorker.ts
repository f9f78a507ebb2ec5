/**
 * Entry point of a compute worker thread (built to dist/computeWorker.js). Receives
 * {@link JobRequestMessage}s, runs the registered handler and posts the result or the error back.
 * Jobs run one at a time per worker; the pool keeps every worker busy.
 */
import { parentPort } from 'node:worker_threads';
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

if (parentPort) {
  const port = parentPort;
  // Jobs are processed strictly in arrival order so a worker never runs two kernels at once.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (request: JobRequestMessage) => {
    chain = chain.then(async () => {
      const { message, transfer } = await handleJobRequest(request);
      port.postMessage(message, transfer);
    });
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerToHostMessage);
}
