import { describe, expect, it } from 'vitest';
import { renderFeatureGrey } from '../../webview/canvas/featureGrey';
import { highlightAlpha } from '../../webview/canvas/highlight';

describe('feature preview rendering', () => {
  it('stretches min..max to black..white, clamps outside, non-finite transparent', () => {
    const out = new Uint8ClampedArray(5 * 4);
    renderFeatureGrey(Float32Array.from([0, 5, 10, 20, NaN]), 0, 10, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0]);
  });

  it('a flat range gives black, never NaN', () => {
    const out = new Uint8ClampedArray(4);
    renderFeatureGrey(Float32Array.from([3]), 3, 3, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 255]);
  });
});

describe('"Uncertain" outline', () => {
  it('holds, then fades linearly to nothing', () => {
    expect(highlightAlpha(0)).toBe(1);
    expect(highlightAlpha(1200)).toBe(1);
    expect(highlightAlpha(1200 + 900)).toBeCloseTo(0.5, 10);
    expect(highlightAlpha(3000)).toBe(0);
    expect(highlightAlpha(10000)).toBe(0);
  });
});
