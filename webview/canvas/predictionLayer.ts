/**
 * Live prediction overlays: tiles from `prediction/tile` are composited into one
 * {@link PredictionPlane} per (t, z); the current plane's probabilities, segmentation and uncertainty are
 * drawn into image-resolution canvases (only the visible kinds are kept up to date).
 *
 * Generations: after `prediction/clear` with generation g, tiles with generation < g are ignored. When
 * live update is on the old overlay stays visible until the new tiles replace it (no flicker between
 * strokes); otherwise a clear wipes it immediately.
 */
import type { PixelBox, PredictionTileMessage } from '../../extension/protocol';
import {
  type OverlayKind, type PredictionPlane, compositeTile, createPredictionPlane, probabilitiesAt, renderPredictionOverlay,
} from './overlays';
import { getLut } from './lut';
import { toArrayBuffer } from '../rpc';

const key = (t: number, z: number): string => `${t}/${z}`;
export const OVERLAY_KINDS: readonly OverlayKind[] = ['probabilities', 'segmentation', 'uncertainty'];

export class PredictionLayer {
  readonly canvases: Record<OverlayKind, HTMLCanvasElement>;
  private readonly contexts: Record<OverlayKind, CanvasRenderingContext2D>;
  private readonly planes = new Map<string, PredictionPlane>();
  private readonly visible: Record<OverlayKind, boolean> = { probabilities: true, segmentation: false, uncertainty: false };
  /** Kinds whose canvas is out of date for the current plane. */
  private readonly dirty = new Set<OverlayKind>(OVERLAY_KINDS);
  private palette: Uint8Array = new Uint8Array(256 * 4);
  private t = 0;
  private z = 0;
  /** Generation of the last `prediction/clear`. */
  generation = -1;
  /** Tiles composited so far (exposed as `document.body.dataset.predictionTiles`). */
  tilesDrawn = 0;

  constructor(private readonly width: number, private readonly height: number) {
    const canvases = {} as Record<OverlayKind, HTMLCanvasElement>;
    const contexts = {} as Record<OverlayKind, CanvasRenderingContext2D>;
    for (const kind of OVERLAY_KINDS) {
      const c = document.createElement('canvas');
      c.width = width; c.height = height;
      const ctx = c.getContext('2d');
      if (!ctx) throw new Error('Canvas 2D is not available');
      canvases[kind] = c; contexts[kind] = ctx;
    }
    this.canvases = canvases;
    this.contexts = contexts;
  }

  /** True when the current plane has any prediction. */
  get hasCurrent(): boolean {
    return this.planes.has(key(this.t, this.z));
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
    this.generation = Math.max(this.generation, generation);
    if (!keepVisible) {
      this.planes.clear();
      this.markAllDirty();
    }
  }

  /**
   * Removes planes that received no tile since the last clear (the classifier went idle without
   * predicting them, e.g. after the last labels were undone). Returns true if anything was removed.
   */
  dropStale(): boolean {
    let removed = false;
    for (const [k, plane] of this.planes) {
      if (plane.generation < this.generation) { this.planes.delete(k); removed = true; }
    }
    if (removed) this.markAllDirty();
    return removed;
  }

  /** `prediction/tile`; returns false when the tile is stale or malformed (ignored). */
  onTile(msg: PredictionTileMessage): boolean {
    if (msg.generation < this.generation) return false;
    if (msg.nClasses < 1 || msg.box.width <= 0 || msg.box.height <= 0) return false;
    const data = new Uint8Array(toArrayBuffer(msg.probabilities));
    if (data.length < msg.nClasses * msg.box.width * msg.box.height) return false;
    const k = key(msg.t, msg.z);
    let plane = this.planes.get(k);
    if (!plane || plane.nClasses !== msg.nClasses) {
      plane = createPredictionPlane(this.width, this.height, msg.nClasses);
      this.planes.set(k, plane);
      if (msg.t === this.t && msg.z === this.z) this.markAllDirty();
    }
    if (msg.generation > plane.generation) plane.generation = msg.generation;
    const box = compositeTile(plane, msg.box, data);
    this.tilesDrawn++;
    if (msg.t === this.t && msg.z === this.z && box.width > 0 && box.height > 0) {
      for (const kind of OVERLAY_KINDS) {
        // Hidden kinds are only marked stale and redrawn in full when they are shown again.
        if (!this.visible[kind]) this.dirty.add(kind);
        else if (this.dirty.has(kind)) this.redraw(kind);
        else this.drawBox(kind, plane, box);
      }
    }
    return true;
  }

  /** Probabilities under a pixel of the current plane. */
  probabilitiesAt(column: number, row: number): number[] | undefined {
    const plane = this.planes.get(key(this.t, this.z));
    return plane ? probabilitiesAt(plane, column, row) : undefined;
  }

  private markAllDirty(): void {
    for (const kind of OVERLAY_KINDS) {
      this.dirty.add(kind);
      if (this.visible[kind]) this.redraw(kind);
    }
  }

  private redraw(kind: OverlayKind): void {
    const ctx = this.contexts[kind];
    ctx.clearRect(0, 0, this.width, this.height);
    this.dirty.delete(kind);
    const plane = this.planes.get(key(this.t, this.z));
    if (plane) this.drawBox(kind, plane, { column: 0, row: 0, width: this.width, height: this.height });
  }

  private drawBox(kind: OverlayKind, plane: PredictionPlane, box: PixelBox): void {
    const img = new ImageData(box.width, box.height);
    renderPredictionOverlay(plane, box, kind, this.palette, getLut('magma'), img.data);
    this.contexts[kind].putImageData(img, box.column, box.row);
  }
}
