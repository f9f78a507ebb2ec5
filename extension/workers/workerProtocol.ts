/**
 * Messages between the host ({@link WorkerPool}) and a compute worker (computeWorker.ts).
 * Pixels travel as transferred ArrayBuffers or SharedArrayBuffers inside `payload`/`result`,
 * never as JSON number arrays.
 */
import type { TransferListItem } from 'node:worker_threads';

/** Something that can go in a postMessage transfer list (ArrayBuffer, MessagePort, …). */
export type TransferItem = TransferListItem;

/** Host → worker: run one job. */
export interface JobRequestMessage {
  kind: 'job';
  jobId: number;
  /** Job name, a key of WorkerJobs in workerJobs.ts (`noun/verb` style, e.g. `features/block`). */
  type: string;
  payload: unknown;
  /**
   * Int32Array over a SharedArrayBuffer of length 1; the host stores 1 when the job is cancelled.
   * Long handlers poll it through {@link JobContext.throwIfCancelled}.
   */
  cancelFlag: Int32Array;
}

/** Worker → host: the job finished. */
export interface JobResultMessage {
  kind: 'result';
  jobId: number;
  result: unknown;
}

/** Worker → host: the job failed. Errors travel as data, never as thrown structured clones. */
export interface JobErrorMessage {
  kind: 'error';
  jobId: number;
  error: SerializedError;
}

/** Worker → host: the worker has loaded and is ready for jobs. */
export interface WorkerReadyMessage {
  kind: 'ready';
}

/** Anything a worker posts. */
export type WorkerToHostMessage = JobResultMessage | JobErrorMessage | WorkerReadyMessage;

/** An Error as plain data. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** What a job handler returns: the result plus buffers to transfer (not copy) back to the host. */
export interface JobOutputOf<R> {
  result: R;
  transfer?: TransferItem[];
}

/** {@link JobOutputOf} of a job whose result type is not known here. */
export type JobOutput = JobOutputOf<unknown>;

/** Passed to every job handler. */
export interface JobContext {
  /** True once the host cancelled this job. */
  isCancelled(): boolean;
  /** Throws a {@link JobCancelledError} when the host cancelled this job; call between chunks of work. */
  throwIfCancelled(): void;
}

/** A job handler: runs inside a worker thread (or in-process in tests). */
export type JobHandler = (payload: any, context: JobContext) => JobOutput | Promise<JobOutput>;

/** Thrown inside a worker when a job notices its cancellation. */
export class JobCancelledError extends Error {
  constructor(message = 'job cancelled') {
    super(message);
    this.name = 'JobCancelledError';
  }
}

/** Converts anything thrown into {@link SerializedError}. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/** Builds a {@link JobContext} reading a shared cancel flag. */
export function jobContextFor(cancelFlag: Int32Array | undefined): JobContext {
  const isCancelled = (): boolean => cancelFlag !== undefined && Atomics.load(cancelFlag, 0) !== 0;
  return {
    isCancelled,
    throwIfCancelled: () => { if (isCancelled()) throw new JobCancelledError(); },
  };
}
