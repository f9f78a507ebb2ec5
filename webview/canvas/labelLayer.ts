/**
 * Labels of the image as the webview knows them: one uint8 plane per (t, z) (class ids, 0 = none) from
 * `labels/plane` and `labels/patch`, drawn into an image-resolution canvas for the current plane in class
 * colours. Strokes in progress are drawn straight into that canvas as a local preview; the host's patch
 * for the stroke then repaints the area from the authoritative labels.
 */
import type { LabelsPatchMessage, LabelsPlaneMessage, PixelBox } from '../../extension/protocol';
import { applyPatch, labelBounds, renderLabels } from './overlays';
import { clipBox, unionBox, type StrokeMask } from './stroke';
import { toArrayBuffer } from '../rpc';
import { canvas2d } from '../dom';
import { PixelChanges } from './pixelChanges';

const key = (t: number, z: number): string => `${t}/${z}`;

export class LabelLayer {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly planes = new Map<string, Uint8Array>();
  private readonly requested = new Set<string>();
  private palette: Uint8Array = new Uint8Array(256 * 4);
  private t = 0;
  private z = 0;
  /** Where the canvas's pixels changed (the viewer redoes the labels' edge only there). */
  readonly changes = new PixelChanges();
  /** Boxes of strokes sent but not yet answered by a patch (oldest first). */
  private pending: PixelBox[] = [];

  constructor(private readonly width: number, private readonly height: number) {
    ({ canvas: this.canvas, ctx: this.ctx } = canvas2d(width, height));
  }

  /** Switches to plane (t, z); returns true if its labels must be requested from the host. */
  setPlane(t: number, z: number): boolean {
    this.t = t; this.z = z;
    this.pending = [];
    this.redrawAll();
    const k = key(t, z);
    if (this.planes.has(k) || this.requested.has(k)) return false;
    this.requested.add(k);
    return true;
  }

  setPalette(palette: Uint8Array): void {
    this.palette = palette;
    this.redrawAll();
  }

  /** Whole plane from the host. */
  onPlane(msg: LabelsPlaneMessage): void {
    if (msg.width !== this.width || msg.height !== this.height) throw new Error(`label plane is ${msg.width}×${msg.height}, image is ${this.width}×${this.height}`);
    const data = new Uint8Array(toArrayBuffer(msg.data), 0, this.width * this.height);
    const k = key(msg.t, msg.z);
    this.requested.delete(k);
    this.planes.set(k, data);
    if (this.stale.delete(k)) { this.requested.add(k); this.onStale?.(msg.t, msg.z); }
    if (msg.t === this.t && msg.z === this.z) {
      // The whole plane is authoritative: every stroke preview on it is answered.
      this.pending = [];
      this.redrawAll();
    }
  }

  /** Planes that changed while their request was in flight: asked for again when the answer arrives. */
  private readonly stale = new Set<string>();
  /** Called for a plane that must be requested again (it changed while its request was in flight). */
  onStale: ((t: number, z: number) => void) | undefined;

  /**
   * Forgets plane (t, z) because it changed in a way only a new copy shows (an edit made in another view);
   * returns true when the caller must request it now (it is the current plane and no request is in flight).
   */
  invalidatePlane(t: number, z: number): boolean {
    const k = key(t, z);
    if (this.requested.has(k)) { this.stale.add(k); return false; }
    this.planes.delete(k);
    if (t !== this.t || z !== this.z) return false;
    this.requested.add(k);
    return true;
  }

  /** A changed part of a plane; replaces the oldest pending stroke preview of the current plane. */
  onPatch(msg: LabelsPatchMessage): void {
    const box = clipBox(msg.box, this.width, this.height);
    if (box.width !== msg.box.width || box.height !== msg.box.height) throw new Error('label patch outside the image');
    const k = key(msg.t, msg.z);
    const plane = this.planes.get(k);
    if (!plane) {
      // Not loaded: the whole plane is requested when it is shown. In flight: ask again once it arrives, since the
      // answer may predate this change.
      if (this.requested.has(k)) this.stale.add(k);
      return;
    }
    applyPatch(plane, this.width, box, new Uint8Array(toArrayBuffer(msg.data), 0, box.width * box.height));
    if (msg.t === this.t && msg.z === this.z) {
      const stroke = this.pending.shift();
      this.redraw(stroke ? unionBox(box, stroke) : box);
    }
  }

  /**
   * Draws a stroke preview (class colour, or transparent for the eraser) into the canvas, one rectangle
   * per horizontal run of the mask (no pixel read-back).
   */
  preview(stroke: StrokeMask, classId: number): void {
    const { box, mask } = stroke;
    if (box.width === 0 || box.height === 0) return;
    const ctx = this.ctx;
    this.blank = false;
    this.changes.changed(box);
    const p = classId * 4;
    const erase = classId === 0 || this.palette[p + 3] === 0;
    ctx.fillStyle = `rgb(${this.palette[p]},${this.palette[p + 1]},${this.palette[p + 2]})`;
    for (let r = 0; r < box.height; r++) {
      let c = 0;
      while (c < box.width) {
        while (c < box.width && !mask[r * box.width + c]) c++;
        const start = c;
        while (c < box.width && mask[r * box.width + c]) c++;
        if (c > start) {
          if (erase) ctx.clearRect(box.column + start, box.row + r, c - start, 1);
          else ctx.fillRect(box.column + start, box.row + r, c - start, 1);
        }
      }
    }
  }

  /** Remembers the box of a stroke sent to the host (its preview is replaced by the answering patch). */
  strokeSent(box: PixelBox): void {
    if (box.width > 0 && box.height > 0) this.pending.push(box);
  }

  /** Drops all previews (the host reported an error, so some strokes will never be answered). */
  dropPreviews(): void {
    const boxes = this.pending;
    this.pending = [];
    for (const b of boxes) this.redraw(b);
  }

  /** Class id at a pixel of the current plane (0 when unknown). */
  labelAt(column: number, row: number): number {
    const plane = this.planes.get(key(this.t, this.z));
    if (!plane || column < 0 || row < 0 || column >= this.width || row >= this.height) return 0;
    return plane[row * this.width + column];
  }

  /** True when nothing is drawn (no labels, no preview): the viewer can skip the layer. */
  get isBlank(): boolean {
    return this.blank;
  }

  private blank = true;

  /** Redraws the whole current plane: clears once, then renders only the labelled bounding box. */
  private redrawAll(): void {
    const plane = this.planes.get(key(this.t, this.z));
    const bounds = plane ? labelBounds(plane, this.width, this.height) : undefined;
    if (!this.blank) this.ctx.clearRect(0, 0, this.width, this.height);
    this.blank = true;
    this.changes.cleared();
    if (bounds) this.redraw(bounds);
  }

  private redraw(box: PixelBox): void {
    const b = clipBox(box, this.width, this.height);
    if (b.width === 0 || b.height === 0) return;
    this.changes.changed(b);
    const plane = this.planes.get(key(this.t, this.z));
    if (!plane) { if (!this.blank) this.ctx.clearRect(b.column, b.row, b.width, b.height); return; }
    const img = new ImageData(b.width, b.height);
    renderLabels(plane, this.width, b, this.palette, img.data);
    this.ctx.putImageData(img, b.column, b.row);
    this.blank = false;
  }
}
