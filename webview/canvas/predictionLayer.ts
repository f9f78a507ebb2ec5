/**
 * Live prediction overlays: tiles from `prediction/tile` go into a {@link PredictionStore} (one plane per
 * (t, z), generations); the current plane's probabilities, segmentation and uncertainty are drawn into
 * image-resolution canvases (only the visible kinds are kept up to date).
 *
 * When live update is on, a clear keeps the old overlay visible until the new tiles replace it (no
 * flicker between strokes); otherwise a clear wipes it immediately.
 */
import type { PixelBox, PredictionTileMessage } from '../../extension/protocol';
import { type OverlayKind, type PredictionPlane, renderPredictionOverlay } from './overlays';
import { PredictionStore } from './predictionStore';
import { getLut } from './lut';
import { toArrayBuffer } from '../rpc';
import { canvas2d } from '../dom';

export const OVERLAY_KINDS: readonly OverlayKind[] = ['probabilities', 'segmentation', 'uncertainty'];

export class PredictionLayer {
  readonly canvases: Record<OverlayKind, HTMLCanvasElement>;
  private readonly contexts: Record<OverlayKind, CanvasRenderingContext2D>;
  private readonly store: PredictionStore;
  private readonly visible: Record<OverlayKind, boolean> = { probabilities: true, segmentation: false, uncertainty: false };
  /** Kinds whose canvas is out of date for the current plane. */
  private readonly dirty = new Set<OverlayKind>(OVERLAY_KINDS);
  private palette: Uint8Array = new Uint8Array(256 * 4);
  private t = 0;
  private z = 0;
  /** Tiles composited so far (exposed as `document.body.dataset.predictionTiles`). */
  get tilesDrawn(): number {
    return this.store.tilesDrawn;
  }

  constructor(private readonly width: number, private readonly height: number) {
    this.store = new PredictionStore(width, height);
    const canvases = {} as Record<OverlayKind, HTMLCanvasElement>;
    const contexts = {} as Record<OverlayKind, CanvasRenderingContext2D>;
    for (const kind of OVERLAY_KINDS) {
      ({ canvas: canvases[kind], ctx: contexts[kind] } = canvas2d(width, height));
    }
    this.canvases = canvases;
    this.contexts = contexts;
  }

  /** True when the current plane has any prediction. */
  get hasCurrent(): boolean {
    return this.store.get(this.t, this.z) !== undefined;
  }

  setPlane(t: number, z: number): void {
    if (t === this.t && z === this.z) return;
    this.t = t; this.z = z;
    this.markAllDirty();
  }

  setPalette(palette: Uint8Array): void {
    this.palette = palette;
    this.markAllDirty();
  }

  setVisible(kind: OverlayKind, visible: boolean): void {
    this.visible[kind] = visible;
    if (visible && this.dirty.has(kind)) this.redraw(kind);
  }

  /**
   * `prediction/clear`. With `keepVisible` the old overlay stays until new tiles replace it or the
   * classifier goes idle without delivering any (see {@link dropStale}).
   */
  clear(generation: number, keepVisible: boolean): void {
    if (this.store.clear(generation, keepVisible)) this.markAllDirty();
  }

  /**
   * Removes planes that received no tile since the last clear (the classifier went idle without
   * predicting them, e.g. after the last labels were undone). Returns true if anything was removed.
   */
  dropStale(): boolean {
    const removed = this.store.dropStale();
    if (removed.length) this.markAllDirty();
    return removed.length > 0;
  }

  /** `prediction/tile`; returns false when the tile is stale or malformed (ignored). */
  onTile(msg: PredictionTileMessage): boolean {
    const result = this.store.add({ ...msg, probabilities: new Uint8Array(toArrayBuffer(msg.probabilities)) });
    if (!result) return false;
    const { plane, box, newPlane } = result;
    if (msg.t === this.t && msg.z === this.z) {
      if (newPlane) this.markAllDirty();
      else if (box.width > 0 && box.height > 0) {
        for (const kind of OVERLAY_KINDS) {
          // Hidden kinds are only marked stale and redrawn in full when they are shown again.
          if (!this.visible[kind]) this.dirty.add(kind);
          else if (this.dirty.has(kind)) this.redraw(kind);
          else this.drawBox(kind, plane, box);
        }
      }
    }
    return true;
  }

  /** Probabilities under a pixel of the current plane. */
  probabilitiesAt(column: number, row: number): number[] | undefined {
    return this.store.probabilitiesAt(this.t, this.z, column, row);
  }

  private markAllDirty(): void {
    for (const kind of OVERLAY_KINDS) {
      this.dirty.add(kind);
      if (this.visible[kind]) this.redraw(kind);
    }
  }

  private redraw(kind: OverlayKind): void {
    // Clearing a large canvas is not free: skip it when nothing was drawn since the last clear.
    if (!this.blank.has(kind)) this.contexts[kind].clearRect(0, 0, this.width, this.height);
    this.blank.add(kind);
    this.dirty.delete(kind);
    const plane = this.store.get(this.t, this.z);
    if (plane) this.drawBox(kind, plane, { column: 0, row: 0, width: this.width, height: this.height });
  }

  /** Kinds whose canvas is fully transparent. */
  private readonly blank = new Set<OverlayKind>(OVERLAY_KINDS);

  private drawBox(kind: OverlayKind, plane: PredictionPlane, box: PixelBox): void {
    const img = new ImageData(box.width, box.height);
    renderPredictionOverlay(plane, box, kind, this.palette, getLut('magma'), img.data);
    this.contexts[kind].putImageData(img, box.column, box.row);
    this.blank.delete(kind);
  }
}
