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
 * region once, then only around what a stroke changed, and nothing while the labels and the view stay as they were
 * (tiles of predictions arriving).
 */
import type { TileDraw } from './viewer';
import type { PixelChanges } from './pixelChanges';
import { changedArea, edgeRect, grow, intersect, RING_REACH, type DeviceRect, type EdgePlacement } from './edgeGeometry';

/** Device-pixel offsets of the outer (light) ring and of the inner (dark) ring drawn over it. */
const LIGHT_OFFSETS: readonly (readonly [number, number])[] = [[2, 0], [-2, 0], [0, 2], [0, -2], [1, 1], [1, -1], [-1, 1], [-1, -1]];
const DARK_OFFSETS: readonly (readonly [number, number])[] = [[1, 0], [-1, 0], [0, 1], [0, -1]];

/** Colours of the ring (inner dark, outer light). */
export const EDGE_DARK = 'rgba(0,0,0,0.9)';
export const EDGE_LIGHT = 'rgba(255,255,255,0.85)';

/** Draws a layer's edge ring into a view canvas, redoing only what changed while its tiles and placement stay. */
export class EdgeRing {
  private readonly silhouette = document.createElement('canvas');
  private readonly ring = document.createElement('canvas');
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  /** Tiles and placement of the ring held ('' : none held). */
  private key = '';
  /** The layer version the held ring shows. */
  private version = 0;
  private rect: DeviceRect = { x: 0, y: 0, width: 0, height: 0 };

  /**
   * Draws the ring of `tiles` into `target` (with its current globalAlpha), untransformed. `changes` tells what changed
   * in the tiles' pixels; without it, the ring is rebuilt on every call.
   */
  draw(target: CanvasRenderingContext2D, tiles: readonly TileDraw[], p: EdgePlacement, changes: PixelChanges | undefined): void {
    if (tiles.length === 0) return;
    const key = changes ? this.keyOf(tiles, p) : '';
    const pad = RING_REACH * p.unit;
    const changed = key && key === this.key ? changes!.since(this.version) : undefined;
    if (!changed) {
      this.rect = edgeRect(tiles, p);
      this.key = '';
      if (this.rect.width === 0) return;
      this.allocate(pad);
      const whole = { x: 0, y: 0, width: this.rect.width + 2 * pad, height: this.rect.height + 2 * pad };
      // Only where the layer may have pixels: a few strokes on a whole-plane layer are a small part of the view.
      const extent = changes?.extent;
      const ring = this.ring.getContext('2d')!;
      ring.clearRect(0, 0, whole.width, whole.height);
      const area = extent ? changedArea(extent, p, this.rect, pad) : whole;
      if (area.width > 0) this.paint(tiles, p, area);
    } else if (changed.width > 0) {
      const area = changedArea(changed, p, this.rect, pad);
      if (area.width > 0) this.paint(tiles, p, area);
    }
    this.key = key;
    this.version = changes?.version ?? 0;
    const r = this.rect;
    target.save();
    target.setTransform(1, 0, 0, 1, 0, 0);
    target.drawImage(this.ring, pad, pad, r.width, r.height, r.x, r.y, r.width, r.height);
    target.restore();
  }

  /** Sizes the work canvases for the rectangle, padded by the ring's reach on every side. */
  private allocate(pad: number): void {
    const w = this.rect.width + 2 * pad, h = this.rect.height + 2 * pad;
    for (const c of [this.silhouette, this.ring]) {
      // Grow only: reallocating a canvas every frame costs more than the blits.
      if (c.width < w || c.height < h) { c.width = Math.max(c.width, w); c.height = Math.max(c.height, h); }
    }
  }

  /**
   * Repaints the ring inside `area` (work-canvas pixels; the work canvases are the rectangle padded by the ring's reach,
   * so a label just outside the view still rings the pixels inside it). The silhouette is redrawn in `area` grown by
   * the reach: every pixel whose shift lands in `area`.
   */
  private paint(tiles: readonly TileDraw[], p: EdgePlacement, area: DeviceRect): void {
    const pad = RING_REACH * p.unit;
    const x = this.rect.x - pad, y = this.rect.y - pad;
    const src = intersect(grow(area, pad), { x: 0, y: 0, width: this.rect.width + 2 * pad, height: this.rect.height + 2 * pad });
    const sil = this.silhouette.getContext('2d')!;
    const ring = this.ring.getContext('2d')!;
    // The silhouette: the layer exactly as the view draws it (same transform, same sampling).
    sil.save();
    sil.setTransform(1, 0, 0, 1, 0, 0);
    sil.globalCompositeOperation = 'source-over';
    sil.clearRect(src.x, src.y, src.width, src.height);
    sil.beginPath();
    sil.rect(src.x, src.y, src.width, src.height);
    sil.clip();
    sil.setTransform(p.scale, 0, 0, p.scale * p.aspect, p.offsetX - x, p.offsetY - y);
    sil.imageSmoothingEnabled = p.scale < 1 && p.scale * p.aspect < 1;
    sil.imageSmoothingQuality = 'high';
    for (const t of tiles) sil.drawImage(t.source, t.x, t.y, t.width, t.height);
    sil.restore();
    ring.save();
    ring.setTransform(1, 0, 0, 1, 0, 0);
    ring.beginPath();
    ring.rect(area.x, area.y, area.width, area.height);
    ring.clip();
    ring.globalCompositeOperation = 'source-over';
    ring.clearRect(area.x, area.y, area.width, area.height);
    const shifted = (dx: number, dy: number): void => {
      ring.drawImage(this.silhouette, src.x, src.y, src.width, src.height, src.x + dx * p.unit, src.y + dy * p.unit, src.width, src.height);
    };
    // Outer ring: the union of the shifted silhouettes, then every covered pixel light (alpha kept).
    for (const [dx, dy] of LIGHT_OFFSETS) shifted(dx, dy);
    ring.globalCompositeOperation = 'source-in';
    ring.fillStyle = EDGE_LIGHT;
    ring.fillRect(area.x, area.y, area.width, area.height);
    // Inner ring: the silhouette turned dark, shifted over the light one.
    sil.save();
    sil.globalCompositeOperation = 'source-in';
    sil.fillStyle = EDGE_DARK;
    sil.fillRect(src.x, src.y, src.width, src.height);
    sil.restore();
    ring.globalCompositeOperation = 'source-over';
    for (const [dx, dy] of DARK_OFFSETS) shifted(dx, dy);
    ring.restore();
  }

  private keyOf(tiles: readonly TileDraw[], p: EdgePlacement): string {
    const parts = [p.scale, p.aspect, p.offsetX, p.offsetY, p.width, p.height, p.unit];
    for (const t of tiles) parts.push(this.idOf(t.source), t.x, t.y, t.width, t.height);
    return parts.join(',');
  }

  private idOf(source: CanvasImageSource): number {
    let id = this.ids.get(source);
    if (id === undefined) { id = this.nextId++; this.ids.set(source, id); }
    return id;
  }
}
