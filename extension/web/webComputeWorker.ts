/**
 * Entry point of a compute Web Worker in the browser (issue #20), built to dist/web/computeWorker.js and embedded
 * as text in the browser bundle, which starts it from a blob URL (workers cannot be started from extension files
 * there). Jobs run one at a time, in arrival order, exactly as in the Node worker (extension/workers/computeWorker.ts).
 */
import { installSharedArrayBufferEmulation } from './sharedMemory';
import { runWebJob } from './webWorkerHost';
import type { WebJobRequest } from './webPoolWorker';

interface WorkerScope {
  postMessage(message: unknown, transfer?: unknown[]): void;
  addEventListener(type: 'message', listener: (event: { data: WebJobRequest }) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
installSharedArrayBufferEmulation();
let chain: Promise<void> = Promise.resolve();
scope.addEventListener('message', (event) => {
  const request = event.data;
  chain = chain.then(async () => {
    const { reply, transfer } = await runWebJob(request);
    scope.postMessage(reply, transfer);
  });
});
scope.postMessage({ kind: 'ready' });
