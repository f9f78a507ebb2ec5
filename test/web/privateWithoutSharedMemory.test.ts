/**
 * Issue #20, the page's memory: without real shared memory (a browser page that is not cross-origin isolated) data
 * is not copied into "shared" buffers, which every job would copy again, and tile features come back from the
 * workers as private buffers (transferred, not cloned).
 */
import { describe, expect, it } from 'vitest';
import { hasRealSharedArrayBuffer } from '../../extension/core/memory/realSharedMemory';
import { toShared } from '../../extension/workers/parallelForest';
import { installSharedArrayBufferEmulation } from '../../extension/web/sharedMemory';

describe('without real shared memory', () => {
  it('toShared copies into shared memory on Node, and keeps the array as it is under the stand-in', () => {
    expect(hasRealSharedArrayBuffer()).toBe(true);
    const plain = new Float32Array([1, 2, 3]);
    const shared = toShared(plain);
    expect(shared).not.toBe(plain);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared)).toEqual([1, 2, 3]);

    installSharedArrayBufferEmulation(true);
    expect(hasRealSharedArrayBuffer()).toBe(false);
    expect(toShared(plain)).toBe(plain);
    // what is already (stand-in) shared stays as it is too
    const standIn = new Uint8Array(new SharedArrayBuffer(4));
    expect(toShared(standIn)).toBe(standIn);
  });
});
