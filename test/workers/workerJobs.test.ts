/**
 * The typed worker protocol (extension/workers/workerJobs.ts): every job name has a handler, and the types
 * reject a wrong job name, payload or result at compile time (`npm run typecheck` fails if an
 * `@ts-expect-error` below stops being an error).
 */
import { describe, expect, it } from 'vitest';
import { JOB_HANDLERS, jobHandler } from '../../extension/workers/jobHandlers';
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
    expect(jobHandler('toString')).toBeUndefined(); // not an inherited property
    expect(jobHandler('batch/predictTile')).toBeUndefined();
    expect(jobHandler('tile/predict')).toBe(JOB_HANDLERS['tile/predict']);
  });
});
