import { describe, expect, it } from 'vitest';
import {
  boxTransform, clampScale, constrainTransform, fitTransform, imageToScreen, MAX_SCALE, oneToOneTransform, panBy,
  sameBox, screenToImage, visibleBox, wheelZoomFactor, zoomAt,
} from '../../webview/canvas/viewTransform';

describe('viewTransform', () => {
  it('maps screen to image and back', () => {
    const v = { scale: 4, offsetX: 10, offsetY: -6 };
    expect(screenToImage(v, 10, -6)).toEqual({ x: 0, y: 0 });
    expect(screenToImage(v, 18, 6)).toEqual({ x: 2, y: 3 });
    expect(imageToScreen(v, 2, 3)).toEqual({ sx: 18, sy: 6 });
  });

  it('fits a wide image centred with margins', () => {
    const v = fitTransform(200, 100, 100, 20, 0);
    expect(v).toEqual({ scale: 2, offsetX: 0, offsetY: 30 });
    const m = fitTransform(120, 120, 100, 100, 10);
    expect(m.scale).toBe(1);
    expect(m.offsetX).toBe(10);
  });

  it('fit magnifies tiny images up to the maximum zoom', () => {
    expect(fitTransform(10000, 10000, 2, 2, 0).scale).toBe(MAX_SCALE);
  });

  it('1:1 keeps the centre point and lands on whole CSS pixels', () => {
    const v = { scale: 3, offsetX: 5, offsetY: 7 };
    const c = screenToImage(v, 50, 40);
    const o = oneToOneTransform(v, 100, 80);
    expect(o.scale).toBe(1);
    expect(Number.isInteger(o.offsetX) && Number.isInteger(o.offsetY)).toBe(true);
    const c2 = screenToImage(o, 50, 40);
    expect(Math.abs(c2.x - c.x)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c2.y - c.y)).toBeLessThanOrEqual(0.5);
  });

  it('zooms around the cursor: the image point under it stays', () => {
    const v = { scale: 2, offsetX: 13, offsetY: 21 };
    const before = screenToImage(v, 40, 30);
    const z = zoomAt(v, 40, 30, 2.5);
    expect(z.scale).toBe(5);
    const after = screenToImage(z, 40, 30);
    expect(after.x).toBeCloseTo(before.x, 10);
    expect(after.y).toBeCloseTo(before.y, 10);
  });

  it('clamps the zoom', () => {
    expect(clampScale(1e9)).toBe(MAX_SCALE);
    expect(zoomAt({ scale: MAX_SCALE, offsetX: 0, offsetY: 0 }, 5, 5, 2)).toEqual({ scale: MAX_SCALE, offsetX: 0, offsetY: 0 });
  });

  it('wheel up zooms in, down zooms out, symmetric', () => {
    expect(wheelZoomFactor(-100)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100)).toBeLessThan(1);
    expect(wheelZoomFactor(-100) * wheelZoomFactor(100)).toBeCloseTo(1, 12);
    expect(wheelZoomFactor(3, 1)).toBeCloseTo(wheelZoomFactor(99), 12);
  });

  it('pans', () => {
    expect(panBy({ scale: 2, offsetX: 1, offsetY: 2 }, 3, -4)).toEqual({ scale: 2, offsetX: 4, offsetY: -2 });
  });

  it('visible box is clipped to the image and includes partly visible pixels', () => {
    // scale 2, image origin at (-3, 5): screen x 0..20 → image x 1.5..11.5; y 0..10 → -2.5..2.5
    expect(visibleBox({ scale: 2, offsetX: -3, offsetY: 5 }, 20, 10, 10, 10)).toEqual({ column: 1, row: 0, width: 9, height: 3 });
    expect(visibleBox({ scale: 1, offsetX: 500, offsetY: 0 }, 20, 10, 10, 10).width).toBe(0);
  });

  it('box transform centres the box', () => {
    const v = boxTransform({ column: 10, row: 20, width: 10, height: 5 }, 100, 100, 0.5, 100);
    expect(v.scale).toBe(5);
    expect(screenToImage(v, 50, 50)).toEqual({ x: 15, y: 22.5 });
  });

  it('constrain keeps part of the image on screen', () => {
    const v = constrainTransform({ scale: 1, offsetX: 5000, offsetY: -5000 }, 100, 100, 50, 50, 10);
    expect(v.offsetX).toBe(90);
    expect(v.offsetY).toBe(-40);
    const inside = { scale: 1, offsetX: 20, offsetY: 20 };
    expect(constrainTransform(inside, 100, 100, 50, 50)).toEqual(inside);
  });

  it('compares boxes', () => {
    expect(sameBox({ column: 1, row: 2, width: 3, height: 4 }, { column: 1, row: 2, width: 3, height: 4 })).toBe(true);
    expect(sameBox({ column: 1, row: 2, width: 3, height: 4 }, { column: 1, row: 2, width: 3, height: 5 })).toBe(false);
    expect(sameBox(undefined, { column: 1, row: 2, width: 3, height: 4 })).toBe(false);
  });
});
