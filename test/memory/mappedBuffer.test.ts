/** Large working buffers mapped from the OS (WebAssembly memories) so that collecting them gives the memory back. */
import { describe, expect, it } from 'vitest';
import { MAPPED_MAX_BYTES, MAPPED_MIN_BYTES, mappedBuffer, mappedSharedBuffer } from '../../extension/core/memory/mappedBuffer';

const PAGE = 65536;

describe('mappedSharedBuffer', () => {
  it('maps requests from 1 MiB up as whole 64 KiB pages, zero-filled and shared', () => {
    const bytes = MAPPED_MIN_BYTES + 12345;
    const buffer = mappedSharedBuffer(bytes);
    expect(buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(buffer.byteLength).toBe(Math.ceil(bytes / PAGE) * PAGE);
    const view = new Uint8Array(buffer);
    expect(view.every((v) => v === 0)).toBe(true);
    view[bytes - 1] = 7;
    expect(view[bytes - 1]).toBe(7);
  });

  it('gives small requests an exact plain SharedArrayBuffer', () => {
    for (const bytes of [0, 1, 4096, MAPPED_MIN_BYTES - 1]) {
      const buffer = mappedSharedBuffer(bytes);
      expect(buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(buffer.byteLength).toBe(bytes);
    }
  });

  it('is shared between threads like any SharedArrayBuffer', async () => {
    const { Worker } = await import('node:worker_threads');
    const buffer = mappedSharedBuffer(2 * MAPPED_MIN_BYTES);
    const worker = new Worker(
      "const { parentPort } = require('node:worker_threads'); parentPort.once('message', (b) => { new Int32Array(b)[300000] = 42; parentPort.postMessage('done'); });",
      { eval: true },
    );
    const done = new Promise((resolve) => worker.once('message', resolve));
    worker.postMessage(buffer);
    await done;
    await worker.terminate();
    expect(new Int32Array(buffer)[300000]).toBe(42);
  });

  it('gives requests above the mapped range an exact plain buffer (a 32-bit WebAssembly memory holds at most 4 GiB)', () => {
    expect(MAPPED_MAX_BYTES).toBeLessThan(2 ** 32);
    const bytes = MAPPED_MAX_BYTES + 1; // reserved, never touched: costs no memory
    expect(mappedSharedBuffer(bytes).byteLength).toBe(bytes);
  });
});

describe('mappedBuffer', () => {
  it('maps large requests as whole pages and gives small ones an exact ArrayBuffer', () => {
    const large = mappedBuffer(3 * MAPPED_MIN_BYTES + 1);
    expect(large).toBeInstanceOf(ArrayBuffer);
    expect(large.byteLength).toBe(Math.ceil((3 * MAPPED_MIN_BYTES + 1) / PAGE) * PAGE);
    expect(new Float64Array(large).every((v) => v === 0)).toBe(true);
    const small = mappedBuffer(100);
    expect(small.byteLength).toBe(100);
  });

  it('allocates many mappings without running out (each training allocates several)', () => {
    const kept: ArrayBuffer[] = [];
    for (let i = 0; i < 200; i++) kept.push(mappedBuffer(MAPPED_MIN_BYTES));
    expect(kept.every((b) => b.byteLength === MAPPED_MIN_BYTES)).toBe(true);
  });
});
