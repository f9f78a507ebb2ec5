/**
 * Issue #7, "Faults": workers that throw or die mid-job, with the real built compute worker.
 * Every failed job must fail with a clear message naming the job, the pool must replace dead
 * workers and keep serving the queue, and after dispose() no worker thread may be left running.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerCrashedError, WorkerJobError, WorkerPool, type PoolWorker } from '../../extension/workers/workerPool';
import { buildComputeWorker } from '../workers/buildWorker';
import { Random } from './fuzz/random';

let script = '';
beforeAll(async () => { script = await buildComputeWorker(); }, 120_000);

/** A pool whose workers are tracked: every thread created, and every thread that has exited. */
function trackedPool(size: number) {
  const created: Worker[] = [];
  const exited = new Set<Worker>();
  const pool = new WorkerPool({
    size,
    createWorker: () => {
      const w = new Worker(script);
      created.push(w);
      w.on('exit', () => exited.add(w));
      return w as unknown as PoolWorker;
    },
  });
  return { pool, created, exited };
}

let current: WorkerPool | undefined;
afterEach(async () => { await current?.dispose(); current = undefined; });

describe('worker faults', () => {
  it('a storm of throwing, crashing and good jobs: each settles correctly, crashed workers are replaced, nothing leaks', async () => {
    const { pool, created, exited } = trackedPool(2);
    current = pool;
    const random = new Random(7);
    const kinds = Array.from({ length: 48 }, () => random.pick(['sum', 'sum', 'throw', 'crash'] as const));
    const outcomes = await Promise.all(kinds.map(async (kind, i) => {
      try {
        if (kind === 'sum') return { kind, value: await pool.run('pool/sum', { data: new Float32Array([i, 1]) }) };
        if (kind === 'throw') return { kind, value: await pool.run('pool/throw', { message: `bad input ${i}` }) };
        return { kind, value: await pool.run('pool/crash', {}) };
      } catch (error) {
        return { kind, error: error as Error };
      }
    }));
    outcomes.forEach((o, i) => {
      if (o.kind === 'sum') expect(o).toEqual({ kind: 'sum', value: i + 1 });
      else if (o.kind === 'throw') {
        expect(o.error).toBeInstanceOf(WorkerJobError);
        expect(o.error!.message).toBe(`pool/throw failed: bad input ${i}`);
      } else {
        expect(o.error).toBeInstanceOf(WorkerCrashedError);
        expect(o.error!.message).toMatch(/compute worker \d crashed \(exit code 7\) while running job "pool\/crash" #\d+; the worker was replaced/);
      }
    });
    const crashes = kinds.filter((k) => k === 'crash').length;
    expect(crashes).toBeGreaterThan(5);
    expect(pool.replacedWorkers).toBe(crashes);
    expect(created.length).toBe(2 + crashes);
    // Still fully usable: both (replacement) workers take work.
    expect(await Promise.all([pool.run('pool/sum', { data: new Float32Array([2]) }), pool.run('pool/sum', { data: new Float32Array([3]) })])).toEqual([2, 3]);
    await pool.dispose();
    await new Promise((r) => setTimeout(r, 100));
    expect(exited.size).toBe(created.length); // no zombie threads
  }, 120_000);

  it('a worker killed from outside mid-job fails that job clearly; queued jobs run on the replacement', async () => {
    const { pool, created, exited } = trackedPool(1);
    current = pool;
    const long = pool.run('pool/spin', { ms: 20_000 }).catch((e: Error) => e);
    const queued = [1, 2, 3].map((v) => pool.run('pool/sum', { data: new Float32Array([v]) }));
    await new Promise((r) => setTimeout(r, 300));
    expect(pool.runningCount).toBe(1);
    await created[0].terminate(); // as if the OS killed the thread (OOM killer, native crash)
    const error = await long;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as Error).message).toMatch(/crashed .*while running job "pool\/spin"/);
    expect(await Promise.all(queued)).toEqual([1, 2, 3]);
    expect(pool.replacedWorkers).toBe(1);
    await pool.dispose();
    await new Promise((r) => setTimeout(r, 100));
    expect(exited.size).toBe(created.length);
  }, 60_000);

  it('dispose while jobs run and wait: every job rejects, every thread exits, later runs are refused', async () => {
    const { pool, created, exited } = trackedPool(2);
    current = pool;
    const jobs = Array.from({ length: 6 }, () => pool.run('pool/spinIgnoringCancel', { ms: 10_000 }).catch((e: Error) => e));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await pool.dispose();
    for (const j of jobs) expect(String(await j)).toMatch(/disposed/);
    expect(Date.now() - started).toBeLessThan(5000); // terminate does not wait for the deaf handlers
    await new Promise((r) => setTimeout(r, 100));
    expect(exited.size).toBe(created.length);
    await expect(pool.run('pool/sum', { data: new Float32Array(1) })).rejects.toThrow(/disposed/);
  }, 60_000);
});
