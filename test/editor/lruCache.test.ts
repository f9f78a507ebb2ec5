import { describe, expect, it } from 'vitest';
import { AsyncLruCache, LruCache } from '../../extension/editor/planeCache';

describe('LruCache', () => {
  it('evicts least recently used entries over the byte budget', () => {
    const evicted: string[] = [];
    const c = new LruCache<string, number>(10, (k) => evicted.push(k));
    c.set('a', 1, 4);
    c.set('b', 2, 4);
    expect(c.get('a')).toBe(1); // a is now most recent
    c.set('c', 3, 4); // 12 > 10 → evict b
    expect(evicted).toEqual(['b']);
    expect(c.keys()).toEqual(['a', 'c']);
    expect(c.bytes).toBe(8);
  });

  it('does not store an entry larger than the budget, and shrinks with the budget', () => {
    const c = new LruCache<string, number>(10);
    expect(c.set('huge', 1, 11)).toBe(false);
    expect(c.size).toBe(0);
    c.set('a', 1, 5);
    c.set('b', 2, 5);
    c.setBudget(5);
    expect(c.keys()).toEqual(['b']);
  });

  it('replacing a key updates the byte count', () => {
    const c = new LruCache<string, number>(100);
    c.set('a', 1, 40);
    c.set('a', 2, 10);
    expect(c.bytes).toBe(10);
    expect(c.get('a')).toBe(2);
    c.clear();
    expect(c.bytes).toBe(0);
  });
});

describe('AsyncLruCache', () => {
  it('shares one load between concurrent requests and does not cache failures', async () => {
    const c = new AsyncLruCache<Uint8Array>(1000, (v) => v.byteLength);
    let loads = 0;
    const load = async () => {
      loads++;
      return new Uint8Array(10);
    };
    const [a, b] = await Promise.all([c.get('k', load), c.get('k', load)]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    await expect(c.get('bad', async () => { throw new Error('x'); })).rejects.toThrow('x');
    expect(await c.get('bad', load)).toHaveLength(10);
  });
});
