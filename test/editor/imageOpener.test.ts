import { describe, expect, it } from 'vitest';
import { createImageOpener } from '../../extension/editor/imageOpener';
import { MemoryLogger } from '../../extension/editor/logger';
import { fakeImage, fakeOpener } from './fakes';

describe('createImageOpener', () => {
  it('decodes big planes through the pool and small ones in the host', async () => {
    const big = fakeImage({ t: 1, z: 1, c: 1, y: 4, x: 5 }, '/big.tif');
    const jobs: unknown[] = [];
    const pool = {
      async run<T>(type: string, payload: any): Promise<T> {
        jobs.push({ type, payload });
        const p = new Uint16Array([1, 2, 3]);
        return { dtype: 'uint16', data: p.buffer } as T;
      },
    };
    const open = createImageOpener({ openInHost: fakeOpener({ '/big.tif': big }), getPool: () => pool, logger: new MemoryLogger(), offThreadBytes: 39 });
    const src = await open('/big.tif', { memoryLimitBytes: 1000 });
    const plane = await src.readPlane(0, 0, 0);
    expect(plane).toBeInstanceOf(Uint16Array);
    expect(Array.from(plane)).toEqual([1, 2, 3]);
    expect(jobs).toEqual([{ type: 'image/readPlane', payload: { path: '/big.tif', t: 0, z: 0, c: 0, memoryLimitBytes: 1000 } }]);
    expect(Array.from(await src.readPlaneFloat32(0, 0, 0))).toEqual([1, 2, 3]);
    expect(big.reads).toEqual([]);

    const small = createImageOpener({ openInHost: fakeOpener({ '/big.tif': big }), getPool: () => pool, logger: new MemoryLogger(), offThreadBytes: 40 });
    await (await small('/big.tif', {})).readPlane(0, 0, 0);
    expect(big.reads).toEqual(['0/0/0']);
  });

  it('falls back to the host when the worker has no image job', async () => {
    const img = fakeImage({ t: 1, z: 1, c: 1, y: 4, x: 5 }, '/a.tif');
    const pool = { run: async () => { throw new Error('unknown job type "image/readPlane"'); } };
    const logger = new MemoryLogger();
    const open = createImageOpener({ openInHost: fakeOpener({ '/a.tif': img }), getPool: () => pool as any, logger, offThreadBytes: 0 });
    const plane = await (await open('/a.tif', {})).readPlane(0, 0, 0);
    expect(plane.length).toBe(20);
    expect(logger.lines[0]).toMatch(/Worker decoding unavailable/);
  });

  it('propagates decode errors from the worker', async () => {
    const img = fakeImage({ t: 1, z: 1, c: 1, y: 4, x: 5 }, '/a.tif');
    const pool = { run: async () => { throw new Error('a.tif: strip 3 is truncated'); } };
    const open = createImageOpener({ openInHost: fakeOpener({ '/a.tif': img }), getPool: () => pool as any, logger: new MemoryLogger(), offThreadBytes: 0 });
    await expect((await open('/a.tif', {})).readPlane(0, 0, 0)).rejects.toThrow(/truncated/);
  });
});
