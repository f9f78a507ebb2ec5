import { describe, expect, it } from 'vitest';
import { createImageOpener } from '../../extension/editor/imageOpener';
import { MemoryLogger } from '../../extension/editor/logger';
import { ImageError } from '../../extension/core/image/imageModel';
import { fakeImage, fakeOpener } from './fakes';

describe('createImageOpener', () => {
  /** A pool whose `image/readPlane` job decodes from `image` (as the real worker decodes the file), optionally tampered with. */
  function decodingPool(image: ReturnType<typeof fakeImage>, tamper: (plane: Uint16Array) => { dtype: string; data: ArrayBuffer } = (p) => ({ dtype: 'uint16', data: p.buffer as ArrayBuffer })) {
    const jobs: unknown[] = [];
    return {
      jobs,
      async run(type: 'image/readPlane' | 'image/readBox', payload: any): Promise<any> {
        jobs.push({ type, payload });
        if (type === 'image/readBox') {
          const { readImageBox } = await import('../../extension/core/image/readImageBox');
          const box = (await readImageBox(image, payload.level, payload.t, payload.c, payload.box)) as Uint16Array;
          image.reads.splice(image.reads.length - payload.box.nz, payload.box.nz); // the worker's reads
          return { dtype: 'uint16', data: box.slice().buffer };
        }
        const plane = (await image.readPlane(payload.t, payload.z, payload.c)) as Uint16Array;
        image.reads.pop(); // the worker's read, not the host's
        return tamper(plane.slice());
      },
    };
  }

  it('decodes big planes through the pool and small ones in the host', async () => {
    const big = fakeImage({ t: 1, z: 2, c: 1, y: 4, x: 5 }, '/big.tif');
    const pool = decodingPool(big);
    const open = createImageOpener({ openInHost: fakeOpener({ '/big.tif': big }), getPool: () => pool, logger: new MemoryLogger(), offThreadBytes: 39 });
    const src = await open('/big.tif', { memoryLimitBytes: 1000 });
    const plane = await src.readPlane(0, 1, 0);
    expect(plane).toBeInstanceOf(Uint16Array);
    expect(Array.from(plane)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    expect(pool.jobs).toEqual([{ type: 'image/readPlane', payload: { path: '/big.tif', t: 0, z: 1, c: 0, memoryLimitBytes: 1000 } }]);
    expect(Array.from(await src.readPlaneFloat32(0, 0, 0))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(big.reads).toEqual([]);

    const small = createImageOpener({ openInHost: fakeOpener({ '/big.tif': big }), getPool: () => pool, logger: new MemoryLogger(), offThreadBytes: 40 });
    await (await small('/big.tif', {})).readPlane(0, 0, 0);
    expect(big.reads).toEqual(['0/0/0']);
  });

  it('decodes big boxes (tiles of big images) in the pool, small ones in the host', async () => {
    const img = fakeImage({ t: 1, z: 2, c: 1, y: 300, x: 300 }, '/tiles.tif');
    const pool = decodingPool(img);
    const src = await createImageOpener({ openInHost: fakeOpener({ '/tiles.tif': img }), getPool: () => pool, logger: new MemoryLogger(), offThreadBytes: 1000 })('/tiles.tif', {});
    const box = { z0: 1, nz: 1, y0: 10, ny: 200, x0: 20, nx: 200 };
    const viaPool = await src.readBox!(0, 0, 0, box);
    expect(pool.jobs).toEqual([{ type: 'image/readBox', payload: { path: '/tiles.tif', level: 0, t: 0, c: 0, box, memoryLimitBytes: undefined } }]);
    const { readImageBox } = await import('../../extension/core/image/readImageBox');
    expect(Array.from(viaPool)).toEqual(Array.from(await readImageBox(img, 0, 0, 0, box)));
    await src.readBox!(0, 0, 0, { z0: 0, nz: 1, y0: 0, ny: 10, x0: 0, nx: 10 });
    expect(pool.jobs).toHaveLength(1); // 200 bytes: decoded in the host
  });

  it('refuses a plane from the worker whose length or sample type differs from the header', async () => {
    const img = fakeImage({ t: 1, z: 1, c: 1, y: 4, x: 5 }, '/data/a.tif');
    const short = decodingPool(img, (p) => ({ dtype: 'uint16', data: p.slice(0, 19).buffer as ArrayBuffer }));
    const open = (pool: ReturnType<typeof decodingPool>) =>
      createImageOpener({ openInHost: fakeOpener({ '/data/a.tif': img }), getPool: () => pool, logger: new MemoryLogger(), offThreadBytes: 0 })('/data/a.tif', {});
    await expect((await open(short)).readPlane(0, 0, 0)).rejects.toThrow(
      new ImageError('a.tif', 'plane t=0 z=0 c=0 has 19 samples, expected 4 × 5 = 20 (did the file change on disk?)'));
    const long = decodingPool(img, () => ({ dtype: 'uint16', data: new Uint16Array(21).buffer }));
    await expect((await open(long)).readPlaneFloat32(0, 0, 0)).rejects.toThrow(/has 21 samples, expected 4 × 5 = 20/);
    const retyped = decodingPool(img, (p) => ({ dtype: 'uint8', data: new Uint8Array(p.buffer).buffer as ArrayBuffer }));
    await expect((await open(retyped)).readPlane(0, 0, 0)).rejects.toThrow(
      new ImageError('a.tif', 'plane t=0 z=0 c=0 decoded as uint8, but the header says uint16 (did the file change on disk?)'));
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
