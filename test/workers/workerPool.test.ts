import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { WorkerPool, WorkerCrashedError, WorkerJobError } from '../../extension/workers/workerPool';
import { buildComputeWorker } from './buildWorker';

let workerScript = '';
let pool: WorkerPool | undefined;

beforeAll(async () => { workerScript = await buildComputeWorker(); });
afterEach(async () => { await pool?.dispose(); pool = undefined; });

describe('WorkerPool with the built compute worker', () => {
  it('defaults to os.availableParallelism() workers', () => {
    pool = new WorkerPool({ workerScript });
    expect(pool.size).toBe(availableParallelism());
  });

  it('round-trips a payload and transfers buffers both ways', async () => {
    pool = new WorkerPool({ workerScript, size: 1 });
    const buffer = new Float32Array([1, 2, 3]).buffer;
    const result = await pool.run('pool/echo', { buffers: [buffer], tag: 'x' }, [buffer]);
    expect(buffer.byteLength).toBe(0); // moved to the worker, not copied
    expect(result.tag).toBe('x');
    expect(Array.from(new Float32Array(result.buffers![0]))).toEqual([1, 2, 3]);
  });

  it('lets workers read a SharedArrayBuffer without copying', async () => {
    pool = new WorkerPool({ workerScript, size: 2 });
    const data = new Float32Array(new SharedArrayBuffer(4 * 1000));
    data.fill(0.5);
    expect(await pool.run('pool/sum', { data })).toBe(500);
  });

  it('spreads concurrent jobs over all workers (least busy first)', async () => {
    pool = new WorkerPool({ workerScript, size: 2 });
    const results = await Promise.all([0, 1].map(() => pool!.run('pool/spin', { ms: 150 })));
    expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
  });

  it('rejects with the handler error message and keeps working', async () => {
    pool = new WorkerPool({ workerScript, size: 1 });
    await expect(pool.run('pool/throw', { message: 'bad pixels' })).rejects.toThrow(/pool\/throw failed: bad pixels/);
    await expect(pool.run('pool/throw', { message: 'x' })).rejects.toBeInstanceOf(WorkerJobError);
    expect(await pool.run('pool/sum', { data: new Float32Array([2, 3]) })).toBe(5);
  });

  it('rejects unknown job types clearly', async () => {
    pool = new WorkerPool({ workerScript, size: 1 });
    await expect(pool.runUnchecked('nope/never', {})).rejects.toThrow(/unknown job type "nope\/never"/);
  });

  it('replaces a crashed worker and reports the job as failed', async () => {
    pool = new WorkerPool({ workerScript, size: 1 });
    const error = await pool.run('pool/crash', {}).catch((e: Error) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(String((error as Error).message)).toMatch(/crashed \(exit code 7\).*"pool\/crash".*replaced/);
    expect(pool.replacedWorkers).toBe(1);
    expect(await pool.run('pool/sum', { data: new Float32Array([4]) })).toBe(4);
  });

  it('cancels a queued job without running it', async () => {
    pool = new WorkerPool({ workerScript, size: 1 });
    const busy = pool.run('pool/spin', { ms: 200 });
    const controller = new AbortController();
    const queued = pool.run('pool/sum', { data: new Float32Array([1]) }, [], controller.signal);
    expect(pool.queuedCount).toBe(1);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(pool.queuedCount).toBe(0);
    await busy;
  });

  it('cancels a running job; the worker stops early and takes the next job', async () => {
    pool = new WorkerPool({ workerScript, size: 1 });
    const controller = new AbortController();
    const started = Date.now();
    const long = pool.run('pool/spin', { ms: 10_000 }, [], controller.signal);
    setTimeout(() => controller.abort(), 100);
    await expect(long).rejects.toMatchObject({ name: 'AbortError' });
    expect(await pool.run('pool/sum', { data: new Float32Array([6]) })).toBe(6);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(pool.replacedWorkers).toBe(0);
  });

  it('terminates and replaces a worker whose job ignores cancellation', async () => {
    pool = new WorkerPool({ workerScript, size: 1, abortGraceMs: 100 });
    const controller = new AbortController();
    const deaf = pool.run('pool/spinIgnoringCancel', { ms: 20_000 }, [], controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(deaf).rejects.toMatchObject({ name: 'AbortError' });
    expect(await pool.run('pool/sum', { data: new Float32Array([1, 1]) })).toBe(2);
    expect(pool.replacedWorkers).toBe(1);
  });

  it('rejects an already-aborted signal immediately', async () => {
    pool = new WorkerPool({ workerScript, size: 1 });
    const signal = AbortSignal.abort();
    const error = await pool.run('pool/sum', { data: new Float32Array(1) }, [], signal).catch((e: unknown) => e);
    // The signal's own reason, untouched, and no job queued or sent to a worker.
    expect(error).toBe(signal.reason);
    expect(error).toMatchObject({ name: 'AbortError', message: 'This operation was aborted' });
    expect(pool.queuedCount + pool.runningCount).toBe(0);
    const custom = new AbortController();
    custom.abort('user closed the editor');
    await expect(pool.run('pool/sum', { data: new Float32Array(1) }, [], custom.signal)).rejects.toThrow(
      expect.objectContaining({ name: 'AbortError', message: 'user closed the editor' }));
  });

  it('dispose rejects pending jobs and terminates every worker', async () => {
    const exits: number[] = [];
    const { Worker } = await import('node:worker_threads');
    pool = new WorkerPool({
      size: 2,
      createWorker: () => {
        const w = new Worker(workerScript);
        w.on('exit', (code) => exits.push(code));
        return w as any;
      },
    });
    const pending = [0, 1, 2].map(() => pool!.run('pool/spin', { ms: 5000 }).catch((e: Error) => e));
    await pool.dispose();
    for (const p of pending) expect(String(await p)).toMatch(/disposed/);
    await new Promise((r) => setTimeout(r, 50));
    expect(exits.length).toBe(2);
    await expect(pool.run('pool/sum', { data: new Float32Array(1) })).rejects.toThrow(/disposed/);
  });
});
