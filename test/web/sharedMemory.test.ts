import { describe, expect, it } from 'vitest';
import { applyRanges, changedRanges, copyShared, isSharedBuffer } from '../../extension/web/sharedMemory';

describe('shared memory stand-in (issue #20)', () => {
  it('changedRanges finds exactly the changed bytes; applyRanges writes them', () => {
    const before = new Uint8Array(1000);
    const after = before.slice();
    after[3] = 1; after[4] = 2; after[500] = 9; after[999] = 7;
    const ranges = changedRanges(before, after, 0);
    const target = new Uint8Array(1000).fill(0);
    applyRanges([target.buffer], ranges);
    expect(Array.from(target)).toEqual(Array.from(after));
    expect(ranges.length).toBe(3); // 3..4 and 500 and 999 (> 64 bytes apart)
  });

  it('two jobs writing disjoint ranges of copies merge into the host buffer as shared memory would', () => {
    const host = new Float32Array(new SharedArrayBuffer(4 * 100));
    host.fill(-1);
    const a = copyShared({ out: host });
    const b = copyShared({ out: host });
    const outA = (a.value as { out: Float32Array }).out;
    const outB = (b.value as { out: Float32Array }).out;
    expect(outA.buffer).not.toBe(host.buffer);
    const beforeA = new Uint8Array(a.copies[0]).slice();
    const beforeB = new Uint8Array(b.copies[0]).slice();
    for (let i = 0; i < 50; i++) outA[i] = i;
    for (let i = 50; i < 100; i++) outB[i] = 1000 + i;
    applyRanges(b.originals, changedRanges(beforeB, new Uint8Array(b.copies[0]), 0));
    applyRanges(a.originals, changedRanges(beforeA, new Uint8Array(a.copies[0]), 0));
    expect(Array.from(host)).toEqual(Array.from({ length: 100 }, (_, i) => (i < 50 ? i : 1000 + i)));
  });

  it('copyShared copies each shared buffer once, keeps views\' offsets, leaves private buffers alone', () => {
    const shared = new SharedArrayBuffer(64);
    const priv = new Float32Array(4);
    const { value, originals, copies } = copyShared({ a: new Float32Array(shared, 8, 4), b: [new Uint8Array(shared, 1, 3)], priv, n: 3 });
    const v = value as { a: Float32Array; b: Uint8Array[]; priv: Float32Array; n: number };
    expect(originals).toEqual([shared]);
    expect(copies.length).toBe(1);
    expect(v.a.buffer).toBe(copies[0]);
    expect(v.b[0].buffer).toBe(copies[0]);
    expect([v.a.byteOffset, v.a.length, v.b[0].byteOffset, v.b[0].length]).toEqual([8, 4, 1, 3]);
    expect(v.priv).toBe(priv);
    expect(v.n).toBe(3);
    expect(isSharedBuffer(shared)).toBe(true);
    expect(isSharedBuffer(priv.buffer)).toBe(false);
  });
});
