import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PureSha256 } from '../../extension/core/platform/sha256';

const node = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

describe('PureSha256 (the web build\'s hash, issue #20) equals node:crypto', () => {
  it('known vectors', () => {
    expect(new PureSha256().update('').digest()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new PureSha256().update('abc').digest()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('every length around the 64-byte block and padding boundaries, whole and in pieces', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(new PureSha256().update(bytes).digest(), `length ${n}`).toBe(node(bytes));
      const split = new PureSha256();
      for (let i = 0; i < n; i += 7) split.update(bytes.subarray(i, i + 7));
      expect(split.digest(), `length ${n} in 7-byte pieces`).toBe(node(bytes));
    }
  });

  it('long strings with surrogate pairs across the slicing boundary', () => {
    const text = 'ab'.repeat(16383) + 'x😀' + 'é'.repeat(40000) + '🧫'.repeat(20000);
    expect(new PureSha256().update(text).digest()).toBe(node(text));
  });

  it('1 MiB of bytes', () => {
    const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i ^ (i >> 8)) & 255);
    expect(new PureSha256().update(bytes).digest()).toBe(node(bytes));
  });
});

describe('sha256FileOffThread in the browser (issue #20)', () => {
  it('equals sha256File for a file of several slices', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { sha256FileOffThread } = await import('../../extension/web/sha256FileOffThread');
    const dir = mkdtempSync(path.join(tmpdir(), 'pc-webhash-'));
    const file = path.join(dir, 'big.bin');
    const bytes = Uint8Array.from({ length: (9 << 20) + 123 }, (_, i) => (i * 31) & 255);
    writeFileSync(file, bytes);
    expect(await sha256FileOffThread(file)).toBe(node(bytes));
  });
});
