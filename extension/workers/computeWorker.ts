/**
 * Entry point of a compute worker thread (built to dist/computeWorker.js). Receives
 * {@link JobRequestMessage}s, runs the registered handler and posts the result or the error back.
 * Jobs run one at a time per worker; the pool keeps every worker busy.
 */
import { parentPort } from 'node:worker_threads';
import { handleJobRequest } from './handleJobRequest';
import { JOB_HANDLERS } from './jobHandlers';
import { installNodePlatform } from '../node/nodePlatform';
import type { JobRequestMessage, WorkerToHostMessage } from './workerProtocol';

export { handleJobRequest };

if (parentPort) {
  installNodePlatform();
  const port = parentPort;
  // Jobs are processed strictly in arrival order so a worker never runs two kernels at once.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (request: JobRequestMessage) => {
    chain = chain.then(async () => {
      const { message, transfer } = await handleJobRequest(request, JOB_HANDLERS);
      port.postMessage(message, transfer);
    });
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerToHostMessage);
}
