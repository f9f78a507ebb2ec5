/**
 * How the worker pool starts workers in the browser (issue #20; the browser bundle uses this module in place of
 * extension/node/workerThreads.ts): Web Workers from a blob URL of the compute worker's source, which esbuild embeds
 * in the bundle as text — a web extension host cannot start a worker from an extension file. Shared memory is used
 * when the page is cross-origin isolated; otherwise jobs get copies (see sharedMemory.ts).
 */
import type { PoolWorker } from '../workers/workerPool';
import { hasRealSharedMemory } from './sharedMemory';
import { WebPoolWorker, type MemoryMode, type WebWorkerLike } from './webPoolWorker';
// Built first by esbuild.mjs (dist/web/computeWorker.js) and imported as a string by the text loader.
import workerSource from 'pixel-classifier:compute-worker-source';

let blobUrl: string | undefined;

/** The blob URL the compute workers start from (made once). */
export function computeWorkerUrl(): string {
  blobUrl ??= URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  return blobUrl;
}

/** Workers of a pool by default: the browser's logical processors (at least 1). */
export function defaultPoolSize(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, cores ?? 2);
}

/** Compute workers started so far, by how their jobs' buffers travel (shown by the Show Extension Host Info command). */
export const workersStarted: Record<MemoryMode, number> = { shared: 0, copy: 0 };

/** Starts a compute Web Worker (the `script` of the Node variant is meaningless here and ignored). */
export function createDefaultWorker(_script?: string): PoolWorker {
  const WorkerCtor = (globalThis as unknown as { Worker: new (url: string, options?: { name?: string }) => WebWorkerLike }).Worker;
  const memory: MemoryMode = hasRealSharedMemory() ? 'shared' : 'copy';
  workersStarted[memory]++;
  return new WebPoolWorker(new WorkerCtor(computeWorkerUrl(), { name: 'pixel-classifier-compute' }), memory);
}
