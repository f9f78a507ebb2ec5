import { describe, expect, it } from 'vitest';
import { downsample2x } from '../../extension/core/zarrOutput/downsample2x';

describe('downsample2x', () => {
  it('mean of 2×2 blocks; edge blocks average the pixels they have', () => {
    const source = Float32Array.from([
      1, 3, 5,
      5, 7, 9,
      2, 4, 6,
    ]);
    expect(Array.from(downsample2x(source, 3, 3, 'mean'))).toEqual([4, 7, 3, 6]);
  });

  it('uint8 means round half up and stay in range', () => {
    expect(Array.from(downsample2x(Uint8Array.from([0, 1, 0, 0]), 2, 2, 'mean'))).toEqual([0]);
    expect(Array.from(downsample2x(Uint8Array.from([1, 1, 0, 0]), 2, 2, 'mean'))).toEqual([1]);
    expect(Array.from(downsample2x(Uint8Array.from([255, 255, 255, 254]), 2, 2, 'mean'))).toEqual([255]);
  });

  it('nearest keeps the top-left pixel: labels never get values between classes', () => {
    const labels = Uint8Array.from([
      1, 3, 2, 2,
      3, 3, 2, 2,
    ]);
    const out = downsample2x(labels, 2, 4, 'nearest');
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Array.from(out)).toEqual([1, 2]);
  });

  it('a probability map stays a probability map (channels still sum to 1)', () => {
    const a = Float32Array.from([0.1, 0.9, 0.4, 0.25]);
    const b = a.map((v) => 1 - v);
    const sum = downsample2x(a, 2, 2, 'mean')[0] + downsample2x(b, 2, 2, 'mean')[0];
    expect(sum).toBeCloseTo(1, 6);
  });
});
