import { describe, expect, it } from 'vitest';
import { planeStats } from '../../extension/editor/planeStats';

describe('planeStats', () => {
  it('exact range and percentiles of a small uint8 plane', () => {
    expect(planeStats(new Uint8Array([0, 10, 20, 255]))).toEqual({ min: 0, max: 255, low: 0, high: 255 });
  });

  it('0.1/99.9 percentiles clip single outliers of 1000+ pixels (uint16)', () => {
    const a = new Uint16Array(2000);
    for (let i = 0; i < a.length; i++) a[i] = 100 + (i % 100);
    a[0] = 0; // dark outlier
    a[1] = 65535; // hot pixel
    a[2] = 65000;
    const s = planeStats(a);
    expect(s.min).toBe(0);
    expect(s.max).toBe(65535);
    // rank ceil(0.001*2000)=2 → second smallest is 100; rank 1998 → third largest is 199.
    expect(s.low).toBe(100);
    expect(s.high).toBe(199);
  });

  it('signed integer types keep their sign', () => {
    expect(planeStats(new Int16Array([-300, -2, 5, 7]))).toEqual({ min: -300, max: 7, low: -300, high: 7 });
    expect(planeStats(new Int8Array([-128, 127]))).toEqual({ min: -128, max: 127, low: -128, high: 127 });
  });

  it('float planes ignore NaN and Inf and handle constant planes', () => {
    expect(planeStats(new Float32Array([NaN, 2, Infinity, 2]))).toEqual({ min: 2, max: 2, low: 2, high: 2 });
    expect(planeStats(new Float32Array([NaN]))).toEqual({ min: 0, max: 0, low: 0, high: 0 });
    const s = planeStats(new Float64Array([0, 0.5, 1]));
    expect(s.min).toBe(0);
    expect(s.max).toBe(1);
    expect(s.low).toBe(0);
    expect(s.high).toBe(1);
  });

  it('float percentiles are within one bin of the true value', () => {
    const a = new Float32Array(10000);
    for (let i = 0; i < a.length; i++) a[i] = i / 10; // 0..999.9
    const s = planeStats(a);
    const bin = 999.9 / 65535;
    expect(Math.abs(s.low - 0.9)).toBeLessThanOrEqual(bin + 1e-6); // rank 10 → 0.9
    expect(Math.abs(s.high - 998.9)).toBeLessThanOrEqual(bin + 1e-3); // rank 9990 → 998.9
  });
});
