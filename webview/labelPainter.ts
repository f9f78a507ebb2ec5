/**
 * Brush and eraser strokes: a local preview in the label layer while the pointer moves, then one
 * `labels/paint` message with the densified stroke when it ends (the host rasterises it and answers with a patch).
 * The preview rasterises each new piece of the stroke with the engine's own rasteriser (the host's), over the same
 * densified points the host receives, so the preview is exactly the edit (issue #16: one rasterizer).
 */
import type { PixelBox } from '../extension/protocol';
import { clampStrokePoints, interpolateStroke, strokeSpacing, unionBox } from './canvas/stroke';
import { rasterizeStroke } from '../extension/core/labels/rasterizeStroke';
import { toMask } from './labelTools';
import type { StrokeMask } from './canvas/stroke';
import type { WebviewToHostMessage } from '../extension/protocol';

/** What previews need from the label layer (the label layer implements it). */
export interface PreviewLayer {
  preview(stroke: StrokeMask, classId: number): void;
  strokeSent(box: PixelBox): void;
  dropPreviews(): void;
  labelAt(column: number, row: number): number;
}

/** Sends intents to the host (the page's Rpc implements it). */
export interface MessageSender {
  send(body: WebviewToHostMessage, transfer?: ArrayBuffer[]): void;
}

const MAX_STROKE_POINTS = 100_000;

/** What a stroke needs from the editor at its start. */
export interface StrokeContext {
  classId: number;
  brushSize: number;
  t: number;
  z: number;
  /** Only write unlabelled pixels (the host filters; the preview shows the stroke as painted). */
  preserveLabels?: boolean;
}

export class LabelPainter {
  private stroke: { raw: number[]; last: [number, number]; box: PixelBox; ctx: StrokeContext } | undefined;

  constructor(private readonly rpc: MessageSender, private readonly labels: PreviewLayer, private readonly width: number, private readonly height: number,
    private readonly redraw: () => void) {}

  start(x: number, y: number, ctx: StrokeContext): void {
    this.stroke = { raw: [x, y], last: [x, y], box: { column: 0, row: 0, width: 0, height: 0 }, ctx };
    this.preview([x, y]);
  }

  move(x: number, y: number): void {
    const s = this.stroke;
    if (!s) return;
    const [lx, ly] = s.last;
    if (Math.abs(x - lx) < 1e-3 && Math.abs(y - ly) < 1e-3) return;
    s.raw.push(x, y);
    s.last = [x, y];
    this.preview(interpolateStroke([lx, ly, x, y], strokeSpacing(s.ctx.brushSize)));
  }

  end(): void {
    const s = this.stroke;
    this.stroke = undefined;
    if (!s) return;
    // Dense points make the stroke gap-free whatever the host's interpolation; the raw mouse positions
    // (which the host interpolates between) are the fallback for extremely long strokes.
    let points = interpolateStroke(s.raw, strokeSpacing(s.ctx.brushSize));
    if (points.length / 2 > MAX_STROKE_POINTS) points = Float32Array.from(s.raw.slice(0, MAX_STROKE_POINTS * 2));
    clampStrokePoints(points, this.width, this.height);
    this.labels.strokeSent(s.box);
    const { t, z, classId, brushSize, preserveLabels } = s.ctx;
    this.rpc.send({ type: 'labels/paint', t, z, classId, brushSize, points: points.buffer as ArrayBuffer, ...(preserveLabels ? { preserveLabels: true } : {}) }, [points.buffer as ArrayBuffer]);
  }

  private preview(points: ArrayLike<number>): void {
    const s = this.stroke;
    if (!s) return;
    const stroke = [];
    for (let i = 0; i + 1 < points.length; i += 2) stroke.push({ column: points[i], row: points[i + 1] });
    const mask = toMask(rasterizeStroke(stroke, s.ctx.brushSize / 2, this.width, this.height), this.width);
    this.labels.preview(mask, s.ctx.classId);
    s.box = unionBox(s.box, mask.box);
    this.redraw();
  }
}
