/**
 * The typed worker protocol (extension/workers/workerJobs.ts): every job name has a handler, and the types
 * reject a wrong job name, payload or result at compile time (`npm run typecheck` fails if an
 * `@ts-expect-error` below stops being an error).
 */
import { describe, expect, it } from 'vitest';
import { JOB_HANDLERS } from '../../extension/workers/jobHandlers';
import { COMPUTE_JOB_HANDLERS } from '../../extension/workers/computeJobHandlers';
import { handleJobRequest, jobHandlerIn } from '../../extension/workers/handleJobRequest';
import type { WorkerJobs } from '../../extension/workers/workerJobs';
import type { WorkerPool } from '../../extension/workers/workerPool';

/** Never called: compile-time checks of WorkerPool.run against the protocol. */
export async function typeChecks(pool: WorkerPool): Promise<void> {
  const sum: number = await pool.run('pool/sum', { data: new Float32Array(1) });
  const plane = await pool.run('image/readPlane', { path: 'a.tif', t: 0, z: 0, c: 0 });
  const bytes: ArrayBuffer = plane.data;
  // @ts-expect-error unknown job name
  await pool.run('pool/nope', {});
  // @ts-expect-error payload of another job
  await pool.run('tile/predict', { data: new Float32Array(1) });
  // @ts-expect-error the result of pool/sum is a number
  const wrong: string = await pool.run('pool/sum', { data: new Float32Array(1) });
  void [sum, bytes, wrong];
}

describe('worker job protocol', () => {
  it('has a handler for every job name and nothing else', () => {
    const names: (keyof WorkerJobs)[] = [
      'features/block', 'features/blockToFile', 'features/releaseScratch', 'forest/bin', 'forest/train', 'forest/predict', 'image/readPlane', 'image/readBox',
      'tile/predict', 'pool/echo', 'pool/sum', 'pool/spin', 'pool/spinIgnoringCancel', 'pool/throw', 'pool/crash',
    ];
    expect(Object.keys(JOB_HANDLERS).sort()).toEqual([...names].sort());
    expect(jobHandlerIn(JOB_HANDLERS, 'toString')).toBeUndefined(); // not an inherited property
    expect(jobHandlerIn(JOB_HANDLERS, 'batch/predictTile')).toBeUndefined();
    expect(jobHandlerIn(JOB_HANDLERS, 'tile/predict')).toBe(JOB_HANDLERS['tile/predict']);
  });

  it('the browser workers\' registry has every job but those that read image files', async () => {
    expect(Object.keys(COMPUTE_JOB_HANDLERS).sort()).toEqual(Object.keys(JOB_HANDLERS).filter((name) => !name.startsWith('image/')).sort());
    for (const [name, handler] of Object.entries(COMPUTE_JOB_HANDLERS)) expect(handler).toBe(JOB_HANDLERS[name as keyof typeof JOB_HANDLERS]);
    const refused = await handleJobRequest({ kind: 'job', jobId: 7, type: 'image/readPlane', payload: {}, cancelFlag: new Int32Array(new SharedArrayBuffer(4)) }, COMPUTE_JOB_HANDLERS);
    expect(refused.message).toMatchObject({ kind: 'error', jobId: 7, error: { message: 'unknown job type "image/readPlane"' } });
    const summed = await handleJobRequest({ kind: 'job', jobId: 8, type: 'pool/sum', payload: { data: new Float32Array([1, 2]) }, cancelFlag: new Int32Array(new SharedArrayBuffer(4)) }, COMPUTE_JOB_HANDLERS);
    expect(summed.message).toMatchObject({ kind: 'result', jobId: 8, result: 3 });
  });
});
