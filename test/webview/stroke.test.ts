import { describe, expect, it } from 'vitest';
import { brushAnchor, clampStrokePoints, clipBox, discOffsets, interpolateStroke, rasterizeStroke, strokeSpacing, unionBox } from '../../webview/canvas/stroke';

function maskRows(m: { box: { width: number; height: number }; mask: Uint8Array }): string[] {
  const rows: string[] = [];
  for (let r = 0; r < m.box.height; r++) rows.push(Array.from(m.mask.subarray(r * m.box.width, (r + 1) * m.box.width)).join(''));
  return rows;
}

describe('interpolateStroke', () => {
  it('inserts evenly spaced points so gaps never exceed the spacing', () => {
    const p = interpolateStroke([0, 0, 10, 0], 2.5);
    expect(Array.from(p)).toEqual([0, 0, 2.5, 0, 5, 0, 7.5, 0, 10, 0]);
  });

  it('handles several segments and repeated points', () => {
    const p = interpolateStroke([0, 0, 0, 0, 3, 4], 5);
    expect(Array.from(p)).toEqual([0, 0, 3, 4]);
    const q = interpolateStroke([1, 1], 1);
    expect(Array.from(q)).toEqual([1, 1]);
    expect(interpolateStroke([], 1).length).toBe(0);
  });

  it('every gap is at most the spacing on a fast diagonal stroke', () => {
    const p = interpolateStroke([0, 0, 97, 41, 3, 200], strokeSpacing(1));
    for (let i = 2; i < p.length; i += 2) expect(Math.hypot(p[i] - p[i - 2], p[i + 1] - p[i - 1])).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('spacing grows with the brush', () => {
    expect(strokeSpacing(1)).toBe(1);
    expect(strokeSpacing(61)).toBe(61 / 4);
  });
});

describe('round brush', () => {
  it('sizes 1, 2, 3 are 1 pixel, a 2×2 and a 3×3 block', () => {
    expect(discOffsets(1).length / 2).toBe(1);
    expect(discOffsets(2).length / 2).toBe(4);
    expect(discOffsets(3).length / 2).toBe(9);
  });

  it('size 5 is a digital disc', () => {
    const m = rasterizeStroke([10.2, 10.7], 5, 100, 100);
    expect(m.box).toEqual({ column: 8, row: 8, width: 5, height: 5 });
    expect(maskRows(m)).toEqual(['01110', '11111', '11111', '11111', '01110']);
  });

  it('odd sizes anchor on the pixel under the point, even sizes on the nearest corner', () => {
    expect(brushAnchor(3.9, 4.1, 3)).toEqual({ column: 3, row: 4 });
    expect(brushAnchor(3.9, 4.1, 4)).toEqual({ column: 4, row: 4 });
    const m = rasterizeStroke([3.9, 4.1], 2, 10, 10);
    expect(m.box).toEqual({ column: 3, row: 3, width: 2, height: 2 });
  });

  it('area is close to the disc area for large brushes', () => {
    for (const d of [21, 40, 61]) {
      const n = discOffsets(d).length / 2;
      expect(Math.abs(n - Math.PI * d * d / 4) / n).toBeLessThan(0.05);
    }
  });

  it('a 1-px diagonal stroke is gap-free (8-connected)', () => {
    const pts = interpolateStroke([0.5, 0.5, 9.5, 5.5], strokeSpacing(1));
    const m = rasterizeStroke(pts, 1, 20, 20);
    // every row between the ends has a painted pixel and consecutive painted pixels touch
    const painted: [number, number][] = [];
    for (let i = 0; i < m.mask.length; i++) if (m.mask[i]) painted.push([i % m.box.width, Math.floor(i / m.box.width)]);
    for (let c = 0; c < m.box.width; c++) expect(painted.some(([pc]) => pc === c)).toBe(true);
    expect(m.box).toEqual({ column: 0, row: 0, width: 10, height: 6 });
  });

  it('clips to the image', () => {
    const m = rasterizeStroke([0.5, 0.5], 5, 3, 2);
    expect(m.box).toEqual({ column: 0, row: 0, width: 3, height: 2 });
    expect(maskRows(m)).toEqual(['111', '111']);
    const out = rasterizeStroke([-50, -50], 3, 10, 10);
    expect(out.box.width).toBe(0);
    expect(out.mask.length).toBe(0);
  });
});

describe('boxes', () => {
  it('union and clip', () => {
    expect(unionBox({ column: 1, row: 1, width: 2, height: 2 }, { column: 5, row: 0, width: 1, height: 1 })).toEqual({ column: 1, row: 0, width: 5, height: 3 });
    expect(unionBox({ column: 0, row: 0, width: 0, height: 0 }, { column: 5, row: 6, width: 1, height: 2 })).toEqual({ column: 5, row: 6, width: 1, height: 2 });
    expect(clipBox({ column: -2, row: 3, width: 5, height: 10 }, 10, 8)).toEqual({ column: 0, row: 3, width: 3, height: 5 });
  });
});

describe('clampStrokePoints', () => {
  it('keeps points within the margin and clamps the rest', () => {
    const p = clampStrokePoints(new Float32Array([5, 5, -100, 50, 50, 500, -10, -70]), 20, 30, 60);
    expect(Array.from(p)).toEqual([5, 5, -60, 50, 50, 90, -10, -60]);
  });
});
