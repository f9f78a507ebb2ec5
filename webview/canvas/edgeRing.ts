/**
 * The two-tone edge around an edged layer's opaque pixels (labels): one dark device pixel next to them (4-neighbours),
 * then light pixels outside it (up to 2 px, diagonals included), at any zoom, so thin strokes stay visible over a dark
 * or a light overlay alike.
 *
 * It is built from the layer's silhouette at screen resolution, shifted by whole device pixels and coloured by
 * compositing (`source-in`). Canvas shadows drew the same ring, but Chromium's software canvas (no GPU: remote
 * desktops, VMs, the browser's own fallback) rasterises every shadowed `drawImage` through a layer of its own: 12 per
 * label tile, about 120 ms of the page's main thread per frame with five label tiles in view, during which the
 * workbench relays no message between the webview and the extension host. This costs 12 plain blits of the labelled
 * region, and nothing while the labels and the view stay as they were (tiles of predictions arriving).
 */
import type { TileDraw } from './viewer';

/** Device-pixel offsets of the outer (light) ring and of the inner (dark) ring drawn over it. */
const LIGHT_OFFSETS: readonly (readonly [number, number])[] = [[2, 0], [-2, 0], [0, 2], [0, -2], [1, 1], [1, -1], [-1, 1], [-1, -1]];
const DARK_OFFSETS: readonly (readonly [number, number])[] = [[1, 0], [-1, 0], [0, 1], [0, -1]];
/** How far the ring reaches beyond the layer's pixels, in device pixels (per device-pixel unit). */
const RING_REACH = 2;

/** Colours of the ring (inner dark, outer light). */
export const EDGE_DARK = 'rgba(0,0,0,0.9)';
export const EDGE_LIGHT = 'rgba(255,255,255,0.85)';

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
export function edgeRect(tiles: readonly TileDraw[], p: EdgePlacement): DeviceRect {
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

/** Draws a layer's edge ring into a view canvas, reusing the last ring while its tiles, version and placement stay. */
export class EdgeRing {
  private readonly silhouette = document.createElement('canvas');
  private readonly ring = document.createElement('canvas');
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private key = '';
  private rect: DeviceRect = { x: 0, y: 0, width: 0, height: 0 };

  /**
   * Draws the ring of `tiles` into `target` (with its current globalAlpha), untransformed. `version` changes whenever
   * the tiles' pixels change; without one, the ring is rebuilt on every call.
   */
  draw(target: CanvasRenderingContext2D, tiles: readonly TileDraw[], p: EdgePlacement, version: number | undefined): void {
    if (tiles.length === 0) return;
    const key = version === undefined ? '' : this.keyOf(tiles, p, version);
    if (!key || key !== this.key) {
      this.rect = edgeRect(tiles, p);
      this.key = '';
      if (this.rect.width === 0) return;
      this.build(tiles, p);
      this.key = key;
    }
    const r = this.rect;
    if (r.width === 0) return;
    target.save();
    target.setTransform(1, 0, 0, 1, 0, 0);
    const pad = RING_REACH * p.unit;
    target.drawImage(this.ring, pad, pad, r.width, r.height, r.x, r.y, r.width, r.height);
    target.restore();
  }

  /**
   * Builds the ring of the rectangle into `ring`, both work canvases padded by the ring's reach on every side: a label
   * just outside the rectangle (off the view) still rings the pixels inside it.
   */
  private build(tiles: readonly TileDraw[], p: EdgePlacement): void {
    const pad = RING_REACH * p.unit;
    const x = this.rect.x - pad, y = this.rect.y - pad, w = this.rect.width + 2 * pad, h = this.rect.height + 2 * pad;
    for (const c of [this.silhouette, this.ring]) {
      // Grow only: reallocating a canvas every frame costs more than the blits.
      if (c.width < w || c.height < h) { c.width = Math.max(c.width, w); c.height = Math.max(c.height, h); }
    }
    const sil = this.silhouette.getContext('2d')!;
    const ring = this.ring.getContext('2d')!;
    // The silhouette: the layer exactly as the view draws it (same transform, same sampling), in the rectangle.
    sil.setTransform(1, 0, 0, 1, 0, 0);
    sil.globalCompositeOperation = 'source-over';
    sil.clearRect(0, 0, w, h);
    sil.setTransform(p.scale, 0, 0, p.scale * p.aspect, p.offsetX - x, p.offsetY - y);
    sil.imageSmoothingEnabled = p.scale < 1 && p.scale * p.aspect < 1;
    sil.imageSmoothingQuality = 'high';
    for (const t of tiles) sil.drawImage(t.source, t.x, t.y, t.width, t.height);
    sil.setTransform(1, 0, 0, 1, 0, 0);
    // Outer ring: the union of the shifted silhouettes, then every covered pixel light (alpha kept).
    ring.setTransform(1, 0, 0, 1, 0, 0);
    ring.globalCompositeOperation = 'source-over';
    ring.clearRect(0, 0, w, h);
    for (const [dx, dy] of LIGHT_OFFSETS) ring.drawImage(this.silhouette, 0, 0, w, h, dx * p.unit, dy * p.unit, w, h);
    ring.globalCompositeOperation = 'source-in';
    ring.fillStyle = EDGE_LIGHT;
    ring.fillRect(0, 0, w, h);
    // Inner ring: the silhouette turned dark, shifted over the light one.
    sil.globalCompositeOperation = 'source-in';
    sil.fillStyle = EDGE_DARK;
    sil.fillRect(0, 0, w, h);
    sil.globalCompositeOperation = 'source-over';
    ring.globalCompositeOperation = 'source-over';
    for (const [dx, dy] of DARK_OFFSETS) ring.drawImage(this.silhouette, 0, 0, w, h, dx * p.unit, dy * p.unit, w, h);
  }

  private keyOf(tiles: readonly TileDraw[], p: EdgePlacement, version: number): string {
    const parts = [version, p.scale, p.aspect, p.offsetX, p.offsetY, p.width, p.height, p.unit];
    for (const t of tiles) parts.push(this.idOf(t.source), t.x, t.y, t.width, t.height);
    return parts.join(',');
  }

  private idOf(source: CanvasImageSource): number {
    let id = this.ids.get(source);
    if (id === undefined) { id = this.nextId++; this.ids.set(source, id); }
    return id;
  }
}
