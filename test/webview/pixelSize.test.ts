import { describe, expect, it } from 'vitest';
import { parsePixelSize, formatSize } from '../../webview/panels/pixelSizeText';
import { niceLength } from '../../webview/canvas/scaleLength';

describe('pixel size input and scale bar', () => {
  it('parses what users type', () => {
    expect(parsePixelSize('0.325 × 0.325 × 2 µm', true)).toEqual({ x: 0.325, y: 0.325, z: 2, unit: 'µm' });
    expect(parsePixelSize('0.5 um', false)).toEqual({ x: 0.5, y: 0.5, unit: 'µm' });
    expect(parsePixelSize('1 x 2 nm', false)).toEqual({ x: 1, y: 2, unit: 'nm' });
    expect(parsePixelSize('0.3 × 0.3 × 1 µm', false)).toEqual({ x: 0.3, y: 0.3, unit: 'µm' }); // no z for 2D images
    expect(parsePixelSize('-1 µm', false)).toBeUndefined();
    expect(parsePixelSize('0.3', false)).toBeUndefined();
    expect(formatSize({ x: 0.325, y: 0.325, z: 2, unit: 'µm' })).toBe('0.325 × 0.325 × 2 µm');
  });
  it('scale bars have round lengths', () => {
    expect([0.7, 1, 1.3, 3, 7, 12, 499].map(niceLength)).toEqual([1, 1, 2, 5, 10, 20, 500]);
  });
});
