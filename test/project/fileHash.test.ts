/** sha256Of hashes long strings in slices with exactly the digest of the whole string's UTF-8. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Of } from '../../extension/project/fileHash';

const whole = (s: string) => createHash('sha256').update(Buffer.from(s, 'utf8')).digest('hex');

describe('sha256Of', () => {
  it('matches the digest of the whole UTF-8 for short and long strings and for bytes', () => {
    expect(sha256Of('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Of('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const long = 'y1=0x12,3=2;'.repeat(40000);
    expect(sha256Of(long)).toBe(whole(long));
    expect(sha256Of(new TextEncoder().encode(long))).toBe(whole(long));
  });

  it('never splits a surrogate pair across slices (emoji and non-BMP text at every slice boundary)', () => {
    for (const offset of [32766, 32767, 32768, 32769, 65535]) {
      const s = 'a'.repeat(offset) + '🧫𝔸é' + 'b'.repeat(70000) + '😀';
      expect(sha256Of(s)).toBe(whole(s));
    }
  });

  it('hashes a lone surrogate as the whole-string encoding does (replacement character)', () => {
    const s = 'x'.repeat(32767) + '\ud83e' + 'y'.repeat(40000);
    expect(sha256Of(s)).toBe(whole(s));
  });
});
