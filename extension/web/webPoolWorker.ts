/**
 * A browser Web Worker as a {@link PoolWorker} (issue #20), so the one {@link WorkerPool} runs the same typed jobs
 * (extension/workers/workerJobs.ts) on Node threads and in the browser. Messages are the Node pool's
 * (workerProtocol.ts); without real shared memory each job additionally carries private copies of its shared
 * buffers and the worker answers with the bytes the job changed (extension/web/sharedMemory.ts).
 */
import type { PoolWorker } from '../workers/workerPool';
import type { JobRequestMessage, TransferItem, WorkerToHostMessage } from '../workers/workerProtocol';
import { applyRanges, copyShared, markShared, type ChangedRange } from './sharedMemory';

/** Host → web worker: a job, plus the private copies of its shared buffers when memory is not shared. */
export interface WebJobRequest extends JobRequestMessage {
  copies?: ArrayBuffer[];
}

/** Web worker → host: the Node protocol's message, plus the job's writes into copied buffers and which result buffers are shared. */
export type WebWorkerReply = WorkerToHostMessage & { changes?: ChangedRange[]; sharedResults?: ArrayBuffer[] };

/** The part of the DOM `Worker` used here (a fake in unit tests). */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer?: unknown[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (event: { message?: string }) => void): void;
  terminate(): void;
}

/** How job buffers reach the worker: real shared memory, or copies with write-back. */
export type MemoryMode = 'shared' | 'copy';

type Listener = (value: never) => void;

/** A {@link PoolWorker} over a Web Worker. */
export class WebPoolWorker implements PoolWorker {
  private readonly listeners = { message: [] as Listener[], error: [] as Listener[], exit: [] as Listener[] };
  /** Host buffers of each running job whose copies went to the worker, by job id. */
  private readonly originals = new Map<number, ArrayBufferLike[]>();
  private exited = false;

  constructor(private readonly worker: WebWorkerLike, readonly memory: MemoryMode) {
    worker.addEventListener('message', (event) => this.onMessage(event.data as WebWorkerReply));
    // An uncaught error in a Web Worker does not end it, but its job will never answer: treat it as a crash so the
    // pool rejects the job and replaces the worker, as on Node.
    worker.addEventListener('error', (event) => this.crash(new Error(event.message || 'web worker error')));
    worker.addEventListener('messageerror', () => this.crash(new Error('a message from the web worker could not be read')));
  }

  postMessage(message: unknown, transfer: readonly TransferItem[] = []): void {
    const request = message as JobRequestMessage;
    if (this.memory === 'copy' && request?.kind === 'job') {
      const { value, originals, copies } = copyShared(request.payload);
      if (originals.length > 0) this.originals.set(request.jobId, originals);
      const envelope: WebJobRequest = { ...request, payload: value, copies };
      this.worker.postMessage(envelope, [...transfer, ...copies]);
      return;
    }
    this.worker.postMessage(message, [...transfer]);
  }

  on(event: 'message', listener: (message: WorkerToHostMessage) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  on(event: 'message' | 'error' | 'exit', listener: Listener): this {
    this.listeners[event].push(listener);
    return this;
  }

  async terminate(): Promise<number> {
    this.worker.terminate();
    this.originals.clear();
    return 0;
  }

  private onMessage(reply: WebWorkerReply): void {
    if (reply.kind !== 'ready') {
      const originals = this.originals.get(reply.jobId);
      this.originals.delete(reply.jobId);
      // The job's writes land in the host's buffers before anyone sees the result (as with shared memory).
      if (originals && reply.changes) applyRanges(originals, reply.changes);
    }
    for (const buffer of reply.sharedResults ?? []) markShared(buffer);
    const { changes: _changes, sharedResults: _shared, ...message } = reply as WebWorkerReply & Record<string, unknown>;
    this.emit('message', message as WorkerToHostMessage);
  }

  private crash(error: Error): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('error', error);
    this.emit('exit', 1);
  }

  private emit(event: 'message' | 'error' | 'exit', value: unknown): void {
    for (const listener of this.listeners[event]) (listener as (v: unknown) => void)(value);
  }
}
