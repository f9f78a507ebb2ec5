/**
 * The labelling tools beyond the brush (issue #16): fill, polygon, lasso, magic wand and the superpixel brush.
 * Each previews with the engine's own rasteriser (extension/core/labels/tools — the same code the host runs for
 * the edit, so what the user sees while drawing is what is saved) and sends one `labels/tool` message when done.
 *
 * Gestures: fill = click; polygon = click vertices, double-click or Enter closes, Escape cancels; lasso = drag a
 * freehand outline; wand = press on a pixel and drag: the drag distance sets the tolerance (QuPath's gesture), the
 * grown region previews live, release commits; superpixels = brush strokes that write whole superpixels.
 */
import type { PixelBox } from '../extension/protocol';
import type { RasterizedStroke } from '../extension/core/labels/rasterizeStroke';
import { rasterizeStroke } from '../extension/core/labels/rasterizeStroke';
import { rasterizePolygon } from '../extension/core/labels/tools/rasterizePolygon';
import { magicWand } from '../extension/core/labels/tools/magicWand';
import { slic, superpixelBrush, SUPERPIXEL_TILE, type Superpixels } from '../extension/core/labels/tools/superpixels';
import { clipBox, type StrokeMask } from './canvas/stroke';
import type { PreviewLayer, MessageSender } from './labelPainter';

/** What a tool use needs from the editor. */
export interface ToolContext {
  classId: number;
  t: number;
  z: number;
  preserveLabels: boolean;
  /** The displayed channel (the wand and superpixels work on its raw values). */
  c: number;
  brushSize: number;
}

/** What the tools read from the editor. */
export interface ToolHost {
  rpc: MessageSender;
  labels: PreviewLayer;
  width: number;
  height: number;
  redraw(): void;
  /** Shows (or clears) an outline on the cursor layer: image-pixel (x, y) pairs. */
  outline(points: number[] | undefined, closed: boolean): void;
  /**
   * Raw values of `box` of plane (t, z, c), row-major with the box's width; undefined while they are not here (a big
   * image shown as tiles holds only some tiles of level 0). `fetch`: then ask the host for the missing ones.
   */
  region(t: number, z: number, c: number, box: PixelBox, fetch: boolean): Float32Array | undefined;
  /** Display range of channel c (for the wand's tolerance scale). */
  range(c: number): { min: number; max: number };
  /** The visible part of the plane (the wand grows within it plus a margin). */
  visible(): PixelBox;
  /** Screen pixels per image pixel. */
  scale(): number;
}

/** Largest region the wand grows in (mirrors the host's limit). */
const WAND_MAX_PIXELS = 4096 * 4096;
/** Screen pixels of drag for the whole display range of tolerance. */
const WAND_FULL_DRAG = 200;

/** A rasterised set of plane indices as a mask of its box (for the label layer's preview). */
export function toMask(r: RasterizedStroke, width: number): StrokeMask {
  const { box } = r;
  const mask = new Uint8Array(box.width * box.height);
  for (let k = 0; k < r.indices.length; k++) {
    const i = r.indices[k];
    const row = Math.floor(i / width);
    mask[(row - box.row) * box.width + (i - row * width - box.column)] = 1;
  }
  return { box, mask };
}

export class LabelTools {
  private polygon: { points: number[]; ctx: ToolContext } | undefined;
  private lasso: { points: number[]; ctx: ToolContext } | undefined;
  private wand: { seed: [number, number]; ctx: ToolContext; region?: { values: ArrayLike<number>; column: number; row: number; width: number; height: number }; tolerance: number; box: PixelBox; shown: PixelBox } | undefined;
  private superpixel: { points: number[]; ctx: ToolContext; tiles: Map<string, Superpixels> } | undefined;
  /** Superpixel tiles computed here (preview and boundaries), by `t/z/c/column,row`; a small LRU. */
  private readonly tileCache = new Map<string, Superpixels>();
  private lastClick = { time: 0, x: 0, y: 0 };

  constructor(private readonly host: ToolHost) {}

  /** True while a polygon, lasso, wand or superpixel gesture is in progress. */
  get busy(): boolean {
    return !!(this.polygon || this.lasso || this.wand || this.superpixel);
  }

  // ------------------------------------------------------------------ fill

  fill(x: number, y: number, ctx: ToolContext): void {
    const { width, height } = this.host;
    const column = Math.floor(x), row = Math.floor(y);
    if (column < 0 || row < 0 || column >= width || row >= height) return;
    this.host.rpc.send({ type: 'labels/tool', tool: 'fill', t: ctx.t, z: ctx.z, classId: ctx.classId, preserveLabels: ctx.preserveLabels, column, row });
  }

  // ------------------------------------------------------------------ polygon

  /** A click of the polygon tool: adds a vertex; a double click (or a click on the first vertex) closes. */
  polygonClick(x: number, y: number, ctx: ToolContext): void {
    const now = performance.now();
    const double = now - this.lastClick.time < 400 && Math.hypot(x - this.lastClick.x, y - this.lastClick.y) * this.host.scale() < 6;
    this.lastClick = { time: now, x, y };
    if (!this.polygon) this.polygon = { points: [], ctx };
    const p = this.polygon.points;
    const nearFirst = p.length >= 6 && Math.hypot(x - p[0], y - p[1]) * this.host.scale() < 8;
    if (double || nearFirst) {
      this.closePolygon();
      return;
    }
    p.push(x, y);
    this.showOutline(p, false);
  }

  /** Enter: closes the polygon (needs three vertices). */
  closePolygon(): void {
    const poly = this.polygon;
    this.polygon = undefined;
    this.host.outline(undefined, false);
    if (!poly || poly.points.length < 6) return;
    this.commitOutline(poly.points, poly.ctx);
  }

  // ------------------------------------------------------------------ lasso

  lassoStart(x: number, y: number, ctx: ToolContext): void {
    this.lasso = { points: [x, y], ctx };
  }

  lassoMove(x: number, y: number): void {
    const l = this.lasso;
    if (!l) return;
    const n = l.points.length;
    if (Math.hypot(x - l.points[n - 2], y - l.points[n - 1]) * this.host.scale() < 2) return;
    l.points.push(x, y);
    this.showOutline(l.points, true);
  }

  lassoEnd(): void {
    const l = this.lasso;
    this.lasso = undefined;
    this.host.outline(undefined, false);
    if (l && l.points.length >= 6) this.commitOutline(l.points, l.ctx);
  }

  // ------------------------------------------------------------------ wand

  wandStart(x: number, y: number, ctx: ToolContext): void {
    const { width, height } = this.host;
    const column = Math.floor(x), row = Math.floor(y);
    if (column < 0 || row < 0 || column >= width || row >= height) return;
    // The visible region plus a margin of half its size, within the host's limit.
    const v = this.host.visible();
    const mx = Math.ceil(v.width / 2), my = Math.ceil(v.height / 2);
    let c0 = Math.max(0, v.column - mx), r0 = Math.max(0, v.row - my);
    let c1 = Math.min(width, v.column + v.width + mx), r1 = Math.min(height, v.row + v.height + my);
    while ((c1 - c0) * (r1 - r0) > WAND_MAX_PIXELS) {
      c0 = Math.max(c0, column - Math.floor((c1 - c0) / 4)); c1 = Math.min(c1, column + Math.ceil((c1 - c0) / 4));
      r0 = Math.max(r0, row - Math.floor((r1 - r0) / 4)); r1 = Math.min(r1, row + Math.ceil((r1 - r0) / 4));
    }
    let box: PixelBox = { column: c0, row: r0, width: c1 - c0, height: r1 - r0 };
    let values = this.host.region(ctx.t, ctx.z, ctx.c, box, false);
    if (!values) {
      // A big image shown as tiles has the visible tiles here, not the margin: the wand grows within the view (the host
      // is sent the same box, so its region is the one previewed).
      const seen = clipBox(v, width, height);
      const seenValues = seen.width > 0 && column >= seen.column && row >= seen.row && column < seen.column + seen.width && row < seen.row + seen.height
        ? this.host.region(ctx.t, ctx.z, ctx.c, seen, false) : undefined;
      if (seenValues) { box = seen; values = seenValues; }
    }
    // Without the values here the wand works without a preview: the host grows it.
    const region = values ? { values, ...box } : undefined;
    this.wand = { seed: [column, row], ctx, region, tolerance: 0, box, shown: { column: 0, row: 0, width: 0, height: 0 } };
    this.wandPreview(0);
  }

  wandMove(x: number, y: number): void {
    const w = this.wand;
    if (!w) return;
    const distance = Math.hypot(x - (w.seed[0] + 0.5), y - (w.seed[1] + 0.5)) * this.host.scale();
    const { min, max } = this.host.range(w.ctx.c);
    this.wandPreview((Math.max(0, distance) / WAND_FULL_DRAG) * Math.max(1e-9, max - min));
  }

  wandEnd(): void {
    const w = this.wand;
    this.wand = undefined;
    if (!w) return;
    this.host.labels.strokeSent(w.shown);
    const { ctx } = w;
    this.host.rpc.send({
      type: 'labels/tool', tool: 'wand', t: ctx.t, z: ctx.z, classId: ctx.classId, preserveLabels: ctx.preserveLabels,
      column: w.seed[0], row: w.seed[1], tolerance: w.tolerance, c: ctx.c, box: w.box,
    });
  }

  private wandPreview(tolerance: number): void {
    const w = this.wand!;
    w.tolerance = tolerance;
    if (!w.region) return;
    const region = magicWand(w.region, this.host.width, w.seed[0], w.seed[1], tolerance);
    // Undo the previous preview before drawing the new (smaller or larger) region.
    if (w.shown.width > 0) {
      this.host.labels.strokeSent(w.shown);
      this.host.labels.dropPreviews();
    }
    this.previewMask(region, w.ctx);
    w.shown = region.box;
  }

  // ------------------------------------------------------------------ superpixels

  superpixelStart(x: number, y: number, ctx: ToolContext): void {
    this.superpixel = { points: [x, y], ctx, tiles: new Map() };
    this.superpixelPreview();
  }

  superpixelMove(x: number, y: number): void {
    const s = this.superpixel;
    if (!s) return;
    s.points.push(x, y);
    this.superpixelPreview();
  }

  superpixelEnd(): void {
    const s = this.superpixel;
    this.superpixel = undefined;
    if (!s) return;
    const { ctx } = s;
    const points = Float32Array.from(s.points.slice(0, 200_000));
    this.host.rpc.send({
      type: 'labels/tool', tool: 'superpixel', t: ctx.t, z: ctx.z, classId: ctx.classId, preserveLabels: ctx.preserveLabels,
      c: ctx.c, brushSize: ctx.brushSize, points: points.buffer as ArrayBuffer,
    }, [points.buffer as ArrayBuffer]);
  }

  /** The superpixels of the tile at (column, row) of the current plane, computed here exactly as the host does. */
  private tile(ctx: ToolContext, tiles: Map<string, Superpixels>, column: number, row: number): Superpixels | undefined {
    const key = `${column},${row}`;
    const hit = tiles.get(key);
    if (hit) return hit;
    const tile = this.superpixelTile(ctx.t, ctx.z, ctx.c, column, row);
    if (tile) tiles.set(key, tile);
    return tile;
  }

  /**
   * The superpixels of the tile with origin (column, row) of plane (t, z, c), computed here exactly as the host
   * does (same tiles, same pixels, same SLIC); undefined while its raw values have not arrived.
   */
  superpixelTile(t: number, z: number, c: number, column: number, row: number): Superpixels | undefined {
    const key = `${t}/${z}/${c}/${column},${row}`;
    const hit = this.tileCache.get(key);
    if (hit) return hit;
    const w = Math.min(SUPERPIXEL_TILE, this.host.width - column), h = Math.min(SUPERPIXEL_TILE, this.host.height - row);
    const values = this.host.region(t, z, c, { column, row, width: w, height: h }, true);
    if (!values) return undefined;
    const tile = slic(values, w, h);
    this.tileCache.set(key, tile);
    while (this.tileCache.size > 64) this.tileCache.delete(this.tileCache.keys().next().value as string);
    return tile;
  }

  private superpixelPreview(): void {
    const s = this.superpixel!;
    const { width, height } = this.host;
    const points = [];
    for (let i = 0; i + 1 < s.points.length; i += 2) points.push({ column: s.points[i], row: s.points[i + 1] });
    const touched = rasterizeStroke(points, s.ctx.brushSize / 2, width, height).indices;
    for (let k = 0; k < touched.length; k++) {
      const row = Math.floor(touched[k] / width), column = touched[k] - row * width;
      if (!this.tile(s.ctx, s.tiles, column - (column % SUPERPIXEL_TILE), row - (row % SUPERPIXEL_TILE))) return;
    }
    const indices = superpixelBrush(touched, width, height, (c, r) => s.tiles.get(`${c},${r}`)!);
    if (indices.length === 0) return;
    let c0 = Infinity, r0 = Infinity, c1 = -1, r1 = -1;
    for (let k = 0; k < indices.length; k++) {
      const row = Math.floor(indices[k] / width), column = indices[k] - row * width;
      c0 = Math.min(c0, column); c1 = Math.max(c1, column); r0 = Math.min(r0, row); r1 = Math.max(r1, row);
    }
    const box = { column: c0, row: r0, width: c1 - c0 + 1, height: r1 - r0 + 1 };
    this.previewMask({ indices, box }, s.ctx);
    this.host.labels.strokeSent(box);
  }

  // ------------------------------------------------------------------ shared

  /** Escape: abandons a polygon, lasso or wand in progress. Returns true when something was cancelled. */
  cancel(): boolean {
    const had = this.busy;
    if (this.wand?.shown.width) { this.host.labels.strokeSent(this.wand.shown); this.host.labels.dropPreviews(); }
    this.polygon = this.lasso = this.wand = this.superpixel = undefined;
    this.host.outline(undefined, false);
    this.host.redraw();
    return had;
  }

  private showOutline(points: number[], closed: boolean): void {
    this.host.outline([...points], closed);
  }

  private commitOutline(points: number[], ctx: ToolContext): void {
    const xy = Float32Array.from(points);
    const region = rasterizePolygon(Array.from({ length: xy.length / 2 }, (_, i) => ({ column: xy[2 * i], row: xy[2 * i + 1] })), this.host.width, this.host.height);
    this.previewMask(region, ctx);
    this.host.labels.strokeSent(region.box);
    this.host.rpc.send({
      type: 'labels/tool', tool: 'polygon', t: ctx.t, z: ctx.z, classId: ctx.classId, preserveLabels: ctx.preserveLabels, points: xy.buffer as ArrayBuffer,
    }, [xy.buffer as ArrayBuffer]);
  }

  private previewMask(region: RasterizedStroke, ctx: ToolContext): void {
    if (region.indices.length === 0) return;
    let indices = region.indices;
    if (ctx.preserveLabels) indices = indices.filter((i) => this.host.labels.labelAt(i % this.host.width, Math.floor(i / this.host.width)) === 0);
    this.host.labels.preview(toMask({ indices, box: region.box }, this.host.width), ctx.classId);
    this.host.redraw();
  }
}
