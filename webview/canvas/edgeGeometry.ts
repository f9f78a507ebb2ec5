/**
 * Where the labels' edge ring (see edgeRing.ts) is drawn on the view canvas, and which part of it a change redoes:
 * whole device pixels, from image pixels through the view's placement.
 */
import type { PixelBox } from '../../extension/protocol';

/** How far the ring reaches beyond the layer's pixels, in ring steps (one step: `unit` device pixels). */
export const RING_REACH = 2;

/** A rectangle of image pixels a layer tile covers. */
export interface ImageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the layer is drawn: device pixels of the target canvas = (offsetX, offsetY) + image pixels × (scale, scale · aspect). */
export interface EdgePlacement {
  scale: number;
  aspect: number;
  offsetX: number;
  offsetY: number;
  /** Size of the target canvas (device pixels). */
  width: number;
  height: number;
  /** Width of one ring step in device pixels (the rounded device-pixel ratio, at least 1). */
  unit: number;
}

/** A rectangle of the target canvas, in whole device pixels. */
export interface DeviceRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The part of the target canvas the ring of `tiles` can touch: the tiles' screen bounds grown by the ring's reach,
 * clipped to the canvas (empty: width or height 0).
 */
export function edgeRect(tiles: readonly ImageRect[], p: EdgePlacement): DeviceRect {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const sy = p.scale * p.aspect;
  for (const t of tiles) {
    x0 = Math.min(x0, p.offsetX + t.x * p.scale);
    y0 = Math.min(y0, p.offsetY + t.y * sy);
    x1 = Math.max(x1, p.offsetX + (t.x + t.width) * p.scale);
    y1 = Math.max(y1, p.offsetY + (t.y + t.height) * sy);
  }
  const reach = RING_REACH * p.unit;
  const left = Math.max(0, Math.floor(x0) - reach), top = Math.max(0, Math.floor(y0) - reach);
  const right = Math.min(p.width, Math.ceil(x1) + reach), bottom = Math.min(p.height, Math.ceil(y1) + reach);
  if (!(right > left && bottom > top)) return { x: 0, y: 0, width: 0, height: 0 };
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * The work-canvas pixels (see {@link EdgeRing}) whose ring a change of the image pixels in `box` can alter: the box on
 * screen, grown by one image pixel and one device pixel for the minified view's sampling and by the ring's reach,
 * clipped to the work canvases (`rect` padded by `pad`).
 */
export function changedArea(box: PixelBox, p: EdgePlacement, rect: DeviceRect, pad: number): DeviceRect {
  const sy = p.scale * p.aspect;
  const margin = pad + p.unit;
  const x0 = Math.floor(p.offsetX + (box.column - 1) * p.scale) - margin, x1 = Math.ceil(p.offsetX + (box.column + box.width + 1) * p.scale) + margin;
  const y0 = Math.floor(p.offsetY + (box.row - 1) * sy) - margin, y1 = Math.ceil(p.offsetY + (box.row + box.height + 1) * sy) + margin;
  const origin = { x: rect.x - pad, y: rect.y - pad };
  return intersect({ x: x0 - origin.x, y: y0 - origin.y, width: x1 - x0, height: y1 - y0 }, { x: 0, y: 0, width: rect.width + 2 * pad, height: rect.height + 2 * pad });
}

/** `r` grown by `by` pixels on every side. */
export function grow(r: DeviceRect, by: number): DeviceRect {
  return { x: r.x - by, y: r.y - by, width: r.width + 2 * by, height: r.height + 2 * by };
}

/** The common part of two rectangles (empty: width and height 0 at the origin). */
export function intersect(a: DeviceRect, b: DeviceRect): DeviceRect {
  const x0 = Math.max(a.x, b.x), y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width), y1 = Math.min(a.y + a.height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : { x: 0, y: 0, width: 0, height: 0 };
}
