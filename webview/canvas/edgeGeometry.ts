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

const EMPTY: DeviceRect = { x: 0, y: 0, width: 0, height: 0 };

/**
 * The part of the target canvas the ring of `tiles` can touch: the tiles' screen bounds grown by the ring's reach,
 * clipped to the canvas (empty: width or height 0).
 */
export function edgeRect(tiles: readonly ImageRect[], p: EdgePlacement): DeviceRect {
  if (tiles.length === 0) return EMPTY;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const t of tiles) {
    x0 = Math.min(x0, t.x); y0 = Math.min(y0, t.y);
    x1 = Math.max(x1, t.x + t.width); y1 = Math.max(y1, t.y + t.height);
  }
  const onScreen = grow(toScreen({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, p), RING_REACH * p.unit);
  return intersect(onScreen, { x: 0, y: 0, width: p.width, height: p.height });
}

/**
 * The work-canvas pixels (see {@link EdgeRing}) whose ring a change of the image pixels in `box` can alter: the box
 * grown by one image pixel, on screen, grown by one device pixel for the minified view's sampling and by the ring's
 * reach, clipped to the work canvases (`rect` padded by `pad`).
 */
export function changedArea(box: PixelBox, p: EdgePlacement, rect: DeviceRect, pad: number): DeviceRect {
  const onScreen = grow(toScreen({ x: box.column - 1, y: box.row - 1, width: box.width + 2, height: box.height + 2 }, p), pad + p.unit);
  const work = { ...onScreen, x: onScreen.x - (rect.x - pad), y: onScreen.y - (rect.y - pad) };
  return intersect(work, { x: 0, y: 0, width: rect.width + 2 * pad, height: rect.height + 2 * pad });
}

/** Image pixels → the whole device pixels they cover on the target canvas (unclipped). */
function toScreen(r: ImageRect, p: EdgePlacement): DeviceRect {
  const sy = p.scale * p.aspect;
  const x0 = Math.floor(p.offsetX + r.x * p.scale), x1 = Math.ceil(p.offsetX + (r.x + r.width) * p.scale);
  const y0 = Math.floor(p.offsetY + r.y * sy), y1 = Math.ceil(p.offsetY + (r.y + r.height) * sy);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** `r` grown by `by` pixels on every side. */
export function grow(r: DeviceRect, by: number): DeviceRect {
  return { x: r.x - by, y: r.y - by, width: r.width + 2 * by, height: r.height + 2 * by };
}

/** The common part of two rectangles (empty: width and height 0 at the origin). */
export function intersect(a: DeviceRect, b: DeviceRect): DeviceRect {
  const x0 = Math.max(a.x, b.x), y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width), y1 = Math.min(a.y + a.height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : EMPTY;
}
