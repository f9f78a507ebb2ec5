import { describe, expect, it } from 'vitest';
import { histogram, logHeights } from '../../webview/canvas/histogram';

describe('histogram', () => {
  it('counts equal-width bins, hi in the last bin, outliers and NaN ignored', () => {
    const h = histogram(new Float32Array([0, 0.49, 0.5, 1, 1.5, -1, NaN]), 0, 1, 2);
    expect(Array.from(h)).toEqual([2, 2]);
  });

  it('integer data', () => {
    expect(Array.from(histogram(new Uint16Array([10, 11, 12, 13, 14, 20]), 10, 20, 5))).toEqual([2, 2, 1, 0, 1]);
  });

  it('degenerate range', () => {
    expect(Array.from(histogram(new Uint8Array([3, 3, 4]), 3, 3, 4))).toEqual([2, 0, 0, 0]);
  });

  it('log heights', () => {
    const h = logHeights(new Uint32Array([0, 1, 3]));
    expect(h[0]).toBe(0);
    expect(h[2]).toBe(1);
    expect(h[1]).toBeCloseTo(Math.log(2) / Math.log(4), 6);
    expect(Array.from(logHeights(new Uint32Array(2)))).toEqual([0, 0]);
  });
});
