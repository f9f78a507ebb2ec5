import { describe, expect, it } from 'vitest';
import { tilePlacement } from '../../extension/core/views/tileGeometry';

describe('tilePlacement (one tile geometry for host and webview, issue #13)', () => {
  it('integer scales: rect and box agree; edge tiles are clipped to the image', () => {
    const levels = [{ width: 1999, height: 1030, scale: 1 }, { width: 1000, height: 515, scale: 2 }];
    expect(tilePlacement(levels, 512, 1, 1, 1)).toEqual({
      width: 488, height: 3, scale: 2,
      rect: { x: 1024, y: 1024, width: 975, height: 6 },
      box: { x: 1024, y: 1024, width: 975, height: 6 },
    });
  });

  it('a fractional scale (a file pyramid 30000 → 7501): the box is the whole-pixel cover of the rect', () => {
    const levels = [{ width: 30000, height: 30000, scale: 1 }, { width: 7501, height: 7501, scale: 30000 / 7501 }];
    const p = tilePlacement(levels, 512, 1, 3, 0);
    expect(p.rect.x).toBeCloseTo(3 * 512 * 30000 / 7501, 9);
    expect(p.box.x).toBe(Math.floor(p.rect.x));
    expect(p.box.x + p.box.width).toBe(Math.ceil(p.rect.x + p.rect.width));
    expect(Number.isInteger(p.box.width) && Number.isInteger(p.box.height)).toBe(true);
  });
});
