/**
 * The view transform of the image canvas: pure arithmetic, no DOM, so it can be unit-tested.
 *
 * Coordinates: "screen" means CSS pixels relative to the canvas padding box (what `MouseEvent.offsetX/Y`
 * report); "image" means continuous image pixel coordinates, where pixel (column c, row r) covers
 * [c, c+1) × [r, r+1). `scale` is CSS pixels per image pixel, `offsetX/offsetY` the screen position of the
 * image origin (top-left corner of pixel (0, 0)).
 */
import type { PixelBox } from '../../extension/protocol';

/** Zoom and pan of the viewer. */
export interface ViewTransform {
  /** CSS pixels per image pixel. */
  scale: number;
  /** Screen x (CSS px) of the image's left edge. */
  offsetX: number;
  /** Screen y (CSS px) of the image's top edge. */
  offsetY: number;
}

/** Smallest and largest zoom (CSS px per image px). */
export const MIN_SCALE = 1 / 64;
export const MAX_SCALE = 128;

/** Clamps a scale to [MIN_SCALE, MAX_SCALE]. */
export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** Screen (CSS px) → continuous image coordinates. */
export function screenToImage(view: ViewTransform, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.offsetX) / view.scale, y: (sy - view.offsetY) / view.scale };
}

/** Continuous image coordinates → screen (CSS px). */
export function imageToScreen(view: ViewTransform, x: number, y: number): { sx: number; sy: number } {
  return { sx: view.offsetX + x * view.scale, sy: view.offsetY + y * view.scale };
}

/**
 * The transform that shows the whole image centred in a viewport of `viewWidth × viewHeight` CSS px,
 * leaving `margin` CSS px on each side. Never magnifies beyond `maxScale` (default: MAX_SCALE).
 */
export function fitTransform(
  viewWidth: number, viewHeight: number, imageWidth: number, imageHeight: number, margin = 8, maxScale = MAX_SCALE,
): ViewTransform {
  const availW = Math.max(1, viewWidth - 2 * margin);
  const availH = Math.max(1, viewHeight - 2 * margin);
  const scale = clampScale(Math.min(availW / imageWidth, availH / imageHeight, maxScale));
  return centredTransform(viewWidth, viewHeight, imageWidth / 2, imageHeight / 2, scale);
}

/** The transform with the given scale that puts image point (cx, cy) at the centre of the viewport. */
export function centredTransform(viewWidth: number, viewHeight: number, cx: number, cy: number, scale: number): ViewTransform {
  return { scale, offsetX: viewWidth / 2 - cx * scale, offsetY: viewHeight / 2 - cy * scale };
}

/**
 * 1:1: one image pixel = one CSS pixel, keeping the image point at the viewport centre where it is.
 * The offset is rounded to whole CSS pixels so pixel edges fall on CSS pixel edges.
 */
export function oneToOneTransform(view: ViewTransform, viewWidth: number, viewHeight: number): ViewTransform {
  const c = screenToImage(view, viewWidth / 2, viewHeight / 2);
  const t = centredTransform(viewWidth, viewHeight, c.x, c.y, 1);
  return { scale: 1, offsetX: Math.round(t.offsetX), offsetY: Math.round(t.offsetY) };
}

/** Zooms by `factor` around screen point (sx, sy): the image point under it stays under it. */
export function zoomAt(view: ViewTransform, sx: number, sy: number, factor: number): ViewTransform {
  const scale = clampScale(view.scale * factor);
  const k = scale / view.scale;
  return { scale, offsetX: sx - (sx - view.offsetX) * k, offsetY: sy - (sy - view.offsetY) * k };
}

/** Moves the view by (dx, dy) CSS px. */
export function panBy(view: ViewTransform, dx: number, dy: number): ViewTransform {
  return { scale: view.scale, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy };
}

/**
 * The zoom factor of one wheel event: exponential in deltaY so trackpads (small deltas) and mice
 * (±100 per notch) both feel right. deltaMode 1 (lines) is scaled to pixels.
 */
export function wheelZoomFactor(deltaY: number, deltaMode = 0): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  const clamped = Math.max(-300, Math.min(300, pixels));
  return Math.pow(2, -clamped / 200);
}

/**
 * The part of the image visible in the viewport, as a half-open pixel box clipped to the image.
 * Partly visible pixels count as visible. Empty (width or height 0) when the image is off screen.
 */
export function visibleBox(view: ViewTransform, viewWidth: number, viewHeight: number, imageWidth: number, imageHeight: number): PixelBox {
  const a = screenToImage(view, 0, 0);
  const b = screenToImage(view, viewWidth, viewHeight);
  const c0 = Math.max(0, Math.min(imageWidth, Math.floor(a.x)));
  const r0 = Math.max(0, Math.min(imageHeight, Math.floor(a.y)));
  const c1 = Math.max(0, Math.min(imageWidth, Math.ceil(b.x)));
  const r1 = Math.max(0, Math.min(imageHeight, Math.ceil(b.y)));
  return { column: c0, row: r0, width: Math.max(0, c1 - c0), height: Math.max(0, r1 - r0) };
}

/**
 * The transform that shows `box` centred, filling about `fill` of the viewport, zoom capped at `maxScale`
 * (navigation to a region should not magnify a tiny box to absurd sizes).
 */
export function boxTransform(box: PixelBox, viewWidth: number, viewHeight: number, fill = 0.6, maxScale = 16): ViewTransform {
  const w = Math.max(1, box.width);
  const h = Math.max(1, box.height);
  const scale = clampScale(Math.min((viewWidth * fill) / w, (viewHeight * fill) / h, maxScale));
  return centredTransform(viewWidth, viewHeight, box.column + w / 2, box.row + h / 2, scale);
}

/**
 * Keeps at least `keep` CSS px of the image inside the viewport so it cannot be panned out of reach.
 */
export function constrainTransform(view: ViewTransform, viewWidth: number, viewHeight: number, imageWidth: number, imageHeight: number, keep = 32): ViewTransform {
  const w = imageWidth * view.scale;
  const h = imageHeight * view.scale;
  const kx = Math.min(keep, w, viewWidth);
  const ky = Math.min(keep, h, viewHeight);
  const offsetX = Math.min(viewWidth - kx, Math.max(kx - w, view.offsetX));
  const offsetY = Math.min(viewHeight - ky, Math.max(ky - h, view.offsetY));
  return { scale: view.scale, offsetX, offsetY };
}

/** Two boxes are equal. */
export function sameBox(a: PixelBox | undefined, b: PixelBox | undefined): boolean {
  return !!a && !!b && a.column === b.column && a.row === b.row && a.width === b.width && a.height === b.height;
}

/**
 * Screen (CSS px) → continuous plane coordinates of a view whose rows are drawn `aspect` times as tall as its columns
 * are wide (the xz/yz views of an anisotropic volume, issue #15): the transform works in display units (rows × aspect).
 */
export function screenToPlane(view: ViewTransform, aspect: number, sx: number, sy: number): { x: number; y: number } {
  const p = screenToImage(view, sx, sy);
  return { x: p.x, y: p.y / aspect };
}

/** Continuous plane coordinates → screen (CSS px); the inverse of {@link screenToPlane}. */
export function planeToScreen(view: ViewTransform, aspect: number, x: number, y: number): { sx: number; sy: number } {
  return imageToScreen(view, x, y * aspect);
}
