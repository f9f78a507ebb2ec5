import { describe, expect, it } from 'vitest';
import { changedArea, edgeRect, type EdgePlacement } from '../../webview/canvas/edgeGeometry';

const box = (column: number, row: number, width: number, height: number) => ({ column, row, width, height });

const tile = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });
const place = (p: Partial<EdgePlacement>): EdgePlacement => ({ scale: 1, aspect: 1, offsetX: 0, offsetY: 0, width: 1000, height: 800, unit: 1, ...p });

describe('edge ring of the label layer', () => {
  it('covers the tiles on screen grown by the ring reach (2 device px per unit)', () => {
    expect(edgeRect([tile(256, 512, 256, 256)], place({ offsetX: 10, offsetY: -100 }))).toEqual({ x: 264, y: 410, width: 260, height: 260 });
    expect(edgeRect([tile(0, 0, 10, 10), tile(30, 20, 10, 10)], place({ offsetX: 100, offsetY: 100, unit: 2 }))).toEqual({ x: 96, y: 96, width: 48, height: 38 });
  });

  it('scales columns by scale and rows by scale · aspect, rounding outwards', () => {
    expect(edgeRect([tile(3, 4, 5, 6)], place({ scale: 2.5, aspect: 2, offsetX: 1, offsetY: 2 }))).toEqual({ x: 6, y: 20, width: 17, height: 34 });
    expect(edgeRect([tile(1, 1, 1, 1)], place({ scale: 0.3 }))).toEqual({ x: 0, y: 0, width: 3, height: 3 });
  });

  it('is clipped to the canvas, and empty when nothing of it is on screen', () => {
    expect(edgeRect([tile(0, 0, 2048, 2048)], place({ offsetX: -500, offsetY: -600 }))).toEqual({ x: 0, y: 0, width: 1000, height: 800 });
    expect(edgeRect([tile(0, 0, 100, 100)], place({ offsetX: 1003 }))).toEqual({ x: 0, y: 0, width: 0, height: 0 });
    expect(edgeRect([tile(0, 0, 100, 100)], place({ offsetX: 1001 }))).toEqual({ x: 999, y: 0, width: 1, height: 102 });
    expect(edgeRect([], place({}))).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });
});

describe('the part of the edge ring a change redoes', () => {
  const rect = { x: 100, y: 50, width: 400, height: 300 };
  it('is the changed box on screen, grown by one image pixel, one device pixel and the reach, in work-canvas pixels', () => {
    // Box columns 10..13 at scale 2, offset 0: screen 20..26, grown by 1 image px (2) → 18..28, by unit + reach (1 + 2) → 15..31.
    // Work canvas origin: rect.x − pad = 98 → −83..−67: outside the work canvas (the box is left of the ring's rectangle).
    expect(changedArea(box(10, 10, 3, 3), place({ scale: 2 }), rect, 2)).toEqual({ x: 0, y: 0, width: 0, height: 0 });
    expect(changedArea(box(60, 40, 3, 2), place({ scale: 2 }), rect, 2)).toEqual({ x: 120 - 2 - 3 - 98, y: 80 - 2 - 3 - 48, width: 6 + 4 + 6, height: 4 + 4 + 6 });
  });

  it('is clipped to the work canvases (the rectangle padded by the reach)', () => {
    expect(changedArea(box(0, 0, 1000, 1000), place({}), rect, 2)).toEqual({ x: 0, y: 0, width: 404, height: 304 });
  });
});
