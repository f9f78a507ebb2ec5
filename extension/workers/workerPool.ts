/**
 * A pool of compute worker threads (issue #3), shared by the extension host and the CLI.
 *
 * - size: `os.availableParallelism()` by default (the browser: `navigator.hardwareConcurrency`);
 * - workers: `worker_threads` on Node; Web Workers from a blob URL in the browser bundle, which swaps
 *   extension/node/workerThreads.ts for extension/web/workerThreads.ts (issue #20) — same jobs, same protocol;
 * - dispatch: one queue, a job goes to the least-busy live worker (fewest jobs in flight);
 * - cancellation: an AbortSignal removes a queued job, or flags a running one (handlers poll it)
 *   and, if the worker does not give up within `abortGraceMs`, the worker is terminated and replaced;
 * - crashes: a worker that exits or throws outside a job is replaced and its job rejected with a
 *   {@link WorkerCrashedError} naming the job;
 * - `dispose()` rejects pending jobs and terminates every worker.
 *
 * Pixels go in `payload` as SharedArrayBuffer-backed arrays (no copy) or as ArrayBuffers listed in
 * `transfer` (moved, not copied).
 */
import { createDefaultWorker, defaultPoolSize } from '../node/workerThreads';
import type { JobRequestMessage, TransferItem, WorkerToHostMessage } from './workerProtocol';
import type { JobName, JobPayload, JobResult } from './workerJobs';

/** The part of `worker_threads.Worker` the pool uses; injectable for tests. */
export interface PoolWorker {
  postMessage(message: unknown, transfer?: readonly TransferItem[]): void;
  on(event: 'message', listener: (message: WorkerToHostMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Number of workers. @default os.availableParallelism() */
  size?: number;
  /** Script each worker runs. @default path.join(__dirname, 'computeWorker.js') (dist/ next to the bundle) */
  workerScript?: string;
  /** Creates a worker; overrides `workerScript`. */
  createWorker?: () => PoolWorker;
  /** Milliseconds a cancelled running job may take to stop before its worker is terminated. @default 2000 */
  abortGraceMs?: number;
}

/** Per-call options of {@link WorkerPool.run}. */
export interface RunOptions {
  transfer?: TransferItem[];
  signal?: AbortSignal;
  /** Higher runs first among queued jobs (e.g. the visible tile). @default 0 */
  priority?: number;
}

/** The job's worker died (crash, out of memory, `process.exit`) before answering. */
export class WorkerCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashedError';
  }
}

/** A job failed inside its worker; `remoteStack` is the worker-side stack. */
export class WorkerJobError extends Error {
  constructor(message: string, readonly jobType: string, readonly remoteName: string, readonly remoteStack?: string) {
    super(message);
    this.name = remoteName === 'JobCancelledError' ? 'AbortError' : 'WorkerJobError';
  }
}

interface Job {
  id: number;
  type: string;
  payload: unknown;
  transfer: TransferItem[];
  priority: number;
  signal?: AbortSignal;
  onAbort?: () => void;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  settled: boolean;
  cancelFlag: Int32Array;
}

interface Slot {
  index: number;
  worker: PoolWorker;
  running: Map<number, Job>;
  /** Set once the slot's worker is being replaced; events of the old worker are ignored. */
  retired: boolean;
  lastError?: Error;
  graceTimer?: ReturnType<typeof setTimeout>;
}

/**
 * The flag a running job polls. Shared memory where the platform has it (Node; a cross-origin isolated browser);
 * elsewhere a private copy: a running job then cannot see its cancellation and is replaced after `abortGraceMs`
 * if it runs on (queued jobs are still removed at once).
 */
function newCancelFlag(): Int32Array {
  const Shared = (globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer }).SharedArrayBuffer;
  return new Int32Array(Shared && isRealShared(Shared) ? new Shared(4) : new ArrayBuffer(4));
}

/** False for the browser's stand-in of SharedArrayBuffer (extension/web/sharedMemory.ts), which is not shared. */
function isRealShared(Shared: typeof SharedArrayBuffer): boolean {
  return !(Shared as { emulated?: boolean }).emulated;
}

function abortReason(signal: AbortSignal): unknown {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'job cancelled');
  error.name = 'AbortError';
  return error;
}

/** A worker_threads pool running the jobs of the typed protocol {@link WorkerJobs}. */
export class WorkerPool {
  /** Number of workers. */
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly createWorker: () => PoolWorker;
  private readonly abortGraceMs: number;
  private nextJobId = 1;
  private disposed = false;
  /** Number of workers replaced after a crash or an unresponsive cancellation (for diagnostics). */
  replacedWorkers = 0;

  constructor(options: WorkerPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
    const script = options.workerScript;
    this.createWorker = options.createWorker ?? (() => createDefaultWorker(script));
    this.abortGraceMs = options.abortGraceMs ?? 2000;
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn(i));
  }

  /** Jobs waiting for a worker. */
  get queuedCount(): number {
    return this.queue.length;
  }

  /** Jobs currently inside workers. */
  get runningCount(): number {
    return this.slots.reduce((n, s) => n + s.running.size, 0);
  }

  /**
   * Runs job `type` with `payload` on the least-busy worker and resolves with the handler's result.
   * Rejects with an AbortError when `signal` aborts, a {@link WorkerJobError} when the handler throws,
   * a {@link WorkerCrashedError} when the worker dies, or an Error after {@link dispose}.
   */
  run<K extends JobName>(type: K, payload: JobPayload<K>, transfer: TransferItem[] = [], signal?: AbortSignal, priority = 0): Promise<JobResult<K>> {
    return this.runWith(type, payload, { transfer, signal, priority });
  }

  /** {@link run} with an options object. */
  runWith<K extends JobName>(type: K, payload: JobPayload<K>, options: RunOptions = {}): Promise<JobResult<K>> {
    return this.runUnchecked<JobResult<K>>(type, payload, options);
  }

  /**
   * {@link run} for a job name not in the typed protocol (tests of unknown names, benchmark-only jobs): the
   * caller vouches for the payload and the result type.
   */
  runUnchecked<T>(type: string, payload: unknown, options: RunOptions = {}): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('worker pool is disposed'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        id: this.nextJobId++, type, payload, transfer: options.transfer ?? [], priority: options.priority ?? 0, signal,
        resolve: resolve as (v: unknown) => void, reject, settled: false,
        cancelFlag: newCancelFlag(),
      };
      if (signal) {
        job.onAbort = () => this.cancel(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      // Stable priority queue: insert after every job of equal or higher priority.
      let at = this.queue.length;
      while (at > 0 && this.queue[at - 1].priority < job.priority) at--;
      this.queue.splice(at, 0, job);
      this.pump();
    });
  }

  /** Rejects every pending job and terminates every worker. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const error = new Error('worker pool disposed');
    for (const job of this.queue.splice(0)) this.settle(job, error, true);
    const terminations: Promise<unknown>[] = [];
    for (const slot of this.slots) {
      slot.retired = true;
      if (slot.graceTimer) clearTimeout(slot.graceTimer);
      for (const job of slot.running.values()) this.settle(job, error, true);
      slot.running.clear();
      terminations.push(slot.worker.terminate().catch(() => undefined));
    }
    await Promise.all(terminations);
  }

  private spawn(index: number): Slot {
    const worker = this.createWorker();
    const slot: Slot = { index, worker, running: new Map(), retired: false };
    worker.on('message', (message) => this.onMessage(slot, message));
    worker.on('error', (error) => { slot.lastError = error; });
    worker.on('exit', (code) => this.onExit(slot, code));
    return slot;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const slot of this.slots) {
        if (slot.retired || slot.running.size > 0) continue;
        if (!best || slot.running.size < best.running.size) best = slot;
      }
      if (!best) return;
      const job = this.queue.shift()!;
      best.running.set(job.id, job);
      const request: JobRequestMessage = { kind: 'job', jobId: job.id, type: job.type, payload: job.payload, cancelFlag: job.cancelFlag };
      try {
        best.worker.postMessage(request, job.transfer);
      } catch (error) {
        best.running.delete(job.id);
        this.settle(job, error, true);
      }
    }
  }

  private onMessage(slot: Slot, message: WorkerToHostMessage): void {
    if (slot.retired || message.kind === 'ready') return;
    const job = slot.running.get(message.jobId);
    if (!job) return;
    slot.running.delete(message.jobId);
    if (slot.graceTimer && slot.running.size === 0) { clearTimeout(slot.graceTimer); slot.graceTimer = undefined; }
    if (message.kind === 'result') this.settle(job, message.result, false);
    else this.settle(job, new WorkerJobError(`${job.type} failed: ${message.error.message}`, job.type, message.error.name, message.error.stack), true);
    this.pump();
  }

  private onExit(slot: Slot, code: number): void {
    if (slot.retired) return;
    const detail = slot.lastError ? `: ${slot.lastError.message}` : '';
    for (const job of slot.running.values()) {
      this.settle(job, new WorkerCrashedError(
        `compute worker ${slot.index} crashed (exit code ${code}${detail}) while running job "${job.type}" #${job.id}; the worker was replaced`,
      ), true);
    }
    this.replace(slot);
  }

  /** Terminates a slot's worker (if still alive) and starts a fresh one in its place. */
  private replace(slot: Slot): void {
    slot.retired = true;
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.running.clear();
    slot.worker.terminate().catch(() => undefined);
    if (this.disposed) return;
    this.replacedWorkers++;
    this.slots[slot.index] = this.spawn(slot.index);
    this.pump();
  }

  private cancel(job: Job): void {
    if (job.settled) return;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, abortReason(job.signal!), true);
      return;
    }
    const slot = this.slots.find((s) => s.running.get(job.id) === job);
    Atomics.store(job.cancelFlag, 0, 1);
    this.settle(job, abortReason(job.signal!), true);
    // The worker stays busy until its handler notices the flag; if it never does, replace it.
    if (slot && !slot.graceTimer) {
      slot.graceTimer = setTimeout(() => {
        slot.graceTimer = undefined;
        if (!slot.retired && slot.running.has(job.id)) this.replace(slot);
      }, this.abortGraceMs);
    }
  }

  private settle(job: Job, value: unknown, failed: boolean): void {
    if (job.settled) return;
    job.settled = true;
    if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    if (failed) job.reject(value);
    else job.resolve(value);
  }
}
