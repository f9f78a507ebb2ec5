import { describe, expect, it } from 'vitest';
import { BandBuffers } from '../../extension/batch/bandBuffers';

describe('BandBuffers (band buffers reused from image to image of a batch run)', () => {
  it('gives back the buffers of the same dtype, channels and size; others are new and zeroed', () => {
    const pool = new BandBuffers();
    const a = pool.take('float32', 2, 100);
    expect(a.map((b) => [b.constructor.name, b.length])).toEqual([['Float32Array', 100], ['Float32Array', 100]]);
    a[0].fill(7);
    pool.give(a);
    expect(pool.take('uint8', 2, 100)[0]).toBeInstanceOf(Uint8Array);
    expect(pool.take('float32', 1, 100)).toHaveLength(1);
    const fresh = pool.take('float32', 2, 99);
    expect(Array.from(fresh[0]).every((v) => v === 0)).toBe(true);
    expect(pool.take('float32', 2, 100)).toBe(a);
    expect(pool.take('float32', 2, 100)).not.toBe(a);
  });

  it('keeps at most four sets per size and 32 MiB in all; clear forgets them', () => {
    const pool = new BandBuffers();
    const sets = Array.from({ length: 5 }, () => pool.take('uint8', 1, 1000));
    sets.forEach((s) => pool.give(s));
    const back = Array.from({ length: 5 }, () => pool.take('uint8', 1, 1000));
    expect(back.filter((s) => sets.includes(s))).toHaveLength(4);
    const big = pool.take('float32', 3, 4 * 2 ** 20); // 48 MiB: more than is kept
    pool.give(big);
    expect(pool.take('float32', 3, 4 * 2 ** 20) === big).toBe(false);
    const small = pool.take('uint8', 1, 10);
    pool.give(small);
    pool.clear();
    expect(pool.take('uint8', 1, 10)).not.toBe(small);
  });
});
