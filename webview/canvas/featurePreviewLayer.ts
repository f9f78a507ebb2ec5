/**
 * The feature preview layer: one feature image (from `features/previewImage`) drawn in grey, its 1st–99th
 * percentiles stretched to black–white, into an image-resolution canvas at the box it was computed for. It
 * replaces the raw image while shown (see layerStack.ts).
 */
import type { PixelBox, FeaturePreviewMessage } from '../../extension/protocol';
import { toArrayBuffer } from '../rpc';
import { renderFeatureGrey } from './featureGrey';
import { canvas2d } from '../dom';

/** What the user asked to preview. */
export interface FeaturePreviewChoice {
  featureId: string;
  sigma: number;
  in2D: boolean;
  label: string;
}

export class FeaturePreviewLayer {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  /** The feature being previewed (undefined: no preview). */
  choice: FeaturePreviewChoice | undefined;
  /** Name of the feature image on the canvas (undefined until the first image arrives). */
  shownName: string | undefined;
  private requestId = 0;

  /** The region the canvas shows, in image pixels (boxed layers: the canvas is only as large as the region). */
  shownBox: PixelBox | undefined;

  /**
   * @param boxed keep the canvas the size of the previewed region, drawn over it (big images, issue #13: an
   *   image-size canvas would not fit); otherwise the canvas is image-sized
   */
  constructor(width: number, height: number, private readonly boxed = false) {
    ({ canvas: this.canvas, ctx: this.ctx } = canvas2d(boxed ? 1 : width, boxed ? 1 : height));
  }

  /** True while a preview is chosen (whether or not its image has arrived). */
  get active(): boolean {
    return this.choice !== undefined;
  }

  /** Starts (or changes) the preview; returns the id of the request to send. */
  start(choice: FeaturePreviewChoice): number {
    if (this.choice?.featureId !== choice.featureId || this.choice?.sigma !== choice.sigma) {
      this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
      this.shownName = undefined;
    }
    this.choice = choice;
    return ++this.requestId;
  }

  /** A new request for the same feature (the view moved); returns its id. */
  nextRequest(): number {
    return ++this.requestId;
  }

  /** Ends the preview. */
  stop(): void {
    this.choice = undefined;
    this.shownName = undefined;
    this.requestId++;
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Draws an answer; returns false when it is stale (an older request, or the preview ended). */
  onImage(m: FeaturePreviewMessage): boolean {
    if (!this.choice || m.requestId !== this.requestId) return false;
    const n = m.box.width * m.box.height;
    const data = new Float32Array(toArrayBuffer(m.data), 0, n);
    const img = new ImageData(m.box.width, m.box.height);
    renderFeatureGrey(data, m.min, m.max, img.data);
    if (this.boxed) {
      this.canvas.width = m.box.width;
      this.canvas.height = m.box.height;
      this.ctx.putImageData(img, 0, 0);
    } else {
      this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
      this.ctx.putImageData(img, m.box.column, m.box.row);
    }
    this.shownBox = { ...m.box };
    this.shownName = m.name;
    return true;
  }
}
