/** The feature tile cache: hits, shared computations, and a joined computation that another caller's cancellation ends. */
import { describe, expect, it } from 'vitest';
import { FeatureCache, PREDICTED_TILES_WORTH_CACHING } from '../../extension/editor/featureCache';

const abortError = () => Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });

describe('FeatureCache', () => {
  it('keeps predicted tiles\' features only when the budget holds eight of them', () => {
    const MiB = 2 ** 20;
    const tile49 = 4 * 49 * 256 * 256; // 12.25 MiB
    const tile13 = 4 * 13 * 256 * 256; // 3.25 MiB
    expect(PREDICTED_TILES_WORTH_CACHING).toBe(8);
    expect(new FeatureCache(1024 * MiB).keeps(tile49)).toBe(true); // desktop
    expect(new FeatureCache(32 * MiB).keeps(tile49)).toBe(false); // browser, all features: they stay in the workers
    expect(new FeatureCache(32 * MiB).keeps(tile13)).toBe(true); // browser, the default 13
    expect(new FeatureCache(8 * tile13).keeps(tile13)).toBe(true);
    expect(new FeatureCache(8 * tile13 - 1).keeps(tile13)).toBe(false);
  });

  it('computes once, then serves the cached tile; concurrent requests share one computation', async () => {
    const cache = new FeatureCache(1 << 20);
    let computed = 0;
    const compute = async () => { computed++; return new Float32Array([1, 2, 3]); };
    const [a, b] = await Promise.all([cache.get('k', compute), cache.get('k', compute)]);
    expect(Array.from(a)).toEqual([1, 2, 3]);
    expect(b).toBe(a);
    expect(await cache.get('k', compute)).toBe(a);
    expect(computed).toBe(1);
    expect(cache.hits).toBe(1);
  });

  it('computes the tile itself when the computation it joined is cancelled by its starter', async () => {
    const cache = new FeatureCache(1 << 20);
    let rejectFirst!: (e: Error) => void;
    const first = cache.get('k', () => new Promise<Float32Array>((_, reject) => { rejectFirst = reject; }), AbortSignal.abort());
    const mine = new AbortController();
    const second = cache.get('k', async () => new Float32Array([7]), mine.signal);
    rejectFirst(abortError());
    await expect(first).rejects.toThrow(/aborted/);
    expect(Array.from(await second)).toEqual([7]);
    expect(cache.computed).toBe(1);
  });

  it('passes the cancellation on when the joining caller was cancelled too, and real errors always', async () => {
    const cache = new FeatureCache(1 << 20);
    let rejectFirst!: (e: Error) => void;
    const first = cache.get('k', () => new Promise<Float32Array>((_, reject) => { rejectFirst = reject; }));
    const cancelled = cache.get('k', async () => new Float32Array([7]), AbortSignal.abort());
    const other = cache.get('k', async () => new Float32Array([7]), new AbortController().signal);
    rejectFirst(new Error('disk full'));
    await expect(first).rejects.toThrow('disk full');
    await expect(cancelled).rejects.toThrow('disk full');
    await expect(other).rejects.toThrow('disk full');

    let rejectAgain!: (e: Error) => void;
    const again = cache.get('j', () => new Promise<Float32Array>((_, reject) => { rejectAgain = reject; }));
    const joinedCancelled = cache.get('j', async () => new Float32Array([7]), AbortSignal.abort());
    rejectAgain(abortError());
    await expect(again).rejects.toThrow(/aborted/);
    await expect(joinedCancelled).rejects.toThrow(/aborted/);
    expect(cache.computed).toBe(0);
  });
});
