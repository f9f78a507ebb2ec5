import { describe, expect, it } from 'vitest';
import { WebPoolWorker, type WebWorkerLike } from '../../extension/web/webPoolWorker';
import { WorkerCrashedError, WorkerPool } from '../../extension/workers/workerPool';
import { InProcessWebWorker } from './inProcessWebWorker';

/** A Web Worker whose script throws outside any job on its first message (an uncaught error in the worker). */
class ThrowingWorker implements WebWorkerLike {
  private readonly listeners = new Map<string, ((e: { data: unknown; message?: string }) => void)[]>();
  terminated = false;
  postMessage(): void {
    setTimeout(() => { for (const l of this.listeners.get('error') ?? []) l({ data: undefined, message: 'Uncaught RangeError: out of memory' }); }, 0);
  }
  addEventListener(type: string, listener: (e: { data: unknown; message?: string }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  terminate(): void { this.terminated = true; }
}

describe('WebPoolWorker: the one WorkerPool over Web Workers (issue #20)', () => {
  it('runs typed jobs in copy mode (in-place writes: sharedMemory.test.ts, webIdentical.copy.test.ts)', async () => {
    const pool = new WorkerPool({ size: 2, createWorker: () => new WebPoolWorker(new InProcessWebWorker(), 'copy') });
    try {
      expect(await pool.run('pool/sum', { data: Float32Array.of(1, 2, 3.5) })).toBe(6.5);
      expect(await pool.run('pool/echo', { value: 'hello' })).toEqual({ value: 'hello' });
    } finally {
      await pool.dispose();
    }
  });

  it('an uncaught error in a web worker rejects its job as a crash and the worker is replaced', async () => {
    const created: ThrowingWorker[] = [];
    const pool = new WorkerPool({ size: 1, createWorker: () => { const w = new ThrowingWorker(); created.push(w); return new WebPoolWorker(w, 'copy'); } });
    try {
      await expect(pool.run('pool/sum', { data: Float32Array.of(1) })).rejects.toBeInstanceOf(WorkerCrashedError);
      expect(pool.replacedWorkers).toBe(1);
      expect(created[0].terminated).toBe(true);
      expect(created.length).toBe(2);
    } finally {
      await pool.dispose();
    }
  });
});
