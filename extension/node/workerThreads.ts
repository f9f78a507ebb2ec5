/**
 * How the worker pool starts workers on Node: `worker_threads` running dist/computeWorker.js, one per core. The
 * browser bundle swaps in extension/web/workerThreads.ts (Web Workers from a blob URL) — issue #20.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PoolWorker } from '../workers/workerPool';

/** Workers of a pool by default: one per core. */
export function defaultPoolSize(): number {
  return os.availableParallelism();
}

/** Starts a worker thread running `script` (default: computeWorker.js next to the running bundle). */
export function createDefaultWorker(script?: string): PoolWorker {
  return new Worker(script ?? path.join(__dirname, 'computeWorker.js')) as unknown as PoolWorker;
}
