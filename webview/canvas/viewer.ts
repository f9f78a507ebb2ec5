/**
 * The image canvas: owns `#image-canvas` (image + labels + overlays, composited each frame) and a
 * pointer-transparent cursor canvas above it for the brush outline (kept off `#image-canvas` so pixel
 * read-back in tests never sees the cursor). Handles wheel zoom around the cursor, drag to pan
 * (middle/right button, space+drag, or plain drag with the pan tool) and forwards brush strokes in image
 * coordinates. Mouse positions use `offsetX/offsetY` (relative to the canvas padding box).
 */
import {
  type ViewTransform, fitTransform, oneToOneTransform, zoomAt, panBy, wheelZoomFactor, screenToImage,
  constrainTransform, boxTransform, imageToScreen, visibleBox, screenToPlane, planeToScreen,
} from './viewTransform';
import type { PixelBox } from '../../extension/protocol';
import type { Tool } from '../viewState';
import { highlightAlpha } from './highlight';
import { EdgeRing } from './edgeRing';
import type { PixelChanges } from './pixelChanges';

/** A piece of a tiled layer: `source` drawn over the image rectangle (x, y, width, height), in image pixels. */
export interface TileDraw {
  source: CanvasImageSource;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One layer drawn through the view transform: an image-resolution canvas, or tiles (big images, issue #13). */
export interface Layer {
  /** The whole plane at image resolution (absent for a tiled layer). */
  source?: CanvasImageSource;
  /** Tiles, drawn in order (coarse placeholders first). */
  tiles?: TileDraw[];
  opacity: number;
  /** Draw a two-tone edge (dark, then light) around the layer's opaque pixels: labels stay visible over anything. */
  edge?: boolean;
  /** Where the layer's pixels changed: the viewer redoes only that part of the edge (none: the edge is redrawn each frame). */
  changes?: PixelChanges;
}


/** Callbacks of the viewer. */
export interface ViewerHandlers {
  layers(): Layer[];
  onViewChanged(): void;
  onHover(point: { x: number; y: number } | null): void;
  onStrokeStart(x: number, y: number): void;
  onStrokeMove(x: number, y: number): void;
  onStrokeEnd(): void;
  /** Shift+click/drag (or a click with the pan tool): move the crosshair of the three views to (x, y). */
  onCrosshair?(x: number, y: number): void;
  /** The viewer got the pointer or focus (the "focused view" of z/t keys). */
  onFocus?(): void;
}

/** One line of the crosshair: its position in image pixels (a pixel centre) and colour. */
export interface CrosshairLine {
  at: number;
  color: string;
}

export class Viewer {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private readonly cursorCanvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly cursorCtx: CanvasRenderingContext2D;
  view: ViewTransform = { scale: 1, offsetX: 0, offsetY: 0 };
  cssWidth = 0;
  cssHeight = 0;
  imageWidth = 1;
  imageHeight = 1;
  tool: Tool = 'brush';
  brushSize = 5;
  brushColor = '#ffffff';
  paintingEnabled = true;
  /**
   * Height of an image row relative to the width of a column (physical pixel size ratio, issue #15: an xz view of
   * a stack with 5× coarser z is drawn 5× taller per row). The view transform works in display units (rows × aspect).
   */
  private aspect = 1;
  /** Number of image rows (imageHeight is in display units). */
  private rows = 1;
  /** The crosshair of the three views: a vertical line at column `x.at`, a horizontal one at row `y.at`. */
  private crosshair: { x?: CrosshairLine; y?: CrosshairLine } = {};
  private hasView = false;
  private pendingView: ViewTransform | undefined;
  private frame = 0;
  private readonly edgeRing = new EdgeRing();
  private spaceDown = false;
  private drag: { kind: 'pan' | 'stroke' | 'cross'; pointerId: number; lastX: number; lastY: number; startX?: number; startY?: number } | undefined;
  private hover: { sx: number; sy: number } | undefined;

  /** @param canvasId id of the image canvas (`image-canvas` for the main xy view; tests read it back) */
  constructor(private readonly handlers: ViewerHandlers, canvasId = 'image-canvas') {
    this.canvas = document.createElement('canvas');
    this.canvas.id = canvasId;
    this.canvas.className = 'image-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('aria-label', 'Image');
    this.cursorCanvas = document.createElement('canvas');
    this.cursorCanvas.className = 'cursor-canvas';
    this.cursorCanvas.setAttribute('aria-hidden', 'true');
    this.element = document.createElement('div');
    this.element.className = 'viewer';
    this.element.append(this.canvas, this.cursorCanvas);
    const ctx = this.canvas.getContext('2d');
    const cursorCtx = this.cursorCanvas.getContext('2d');
    if (!ctx || !cursorCtx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;
    this.cursorCtx = cursorCtx;
    new ResizeObserver(() => this.resize()).observe(this.element);
    this.bindEvents();
    this.updateCursorClass();
  }

  /** Sets the image size; the first call with a size fits (or applies a restored view). */
  setImageSize(width: number, height: number, restored?: ViewTransform, aspect = this.aspect): void {
    this.imageWidth = width;
    this.rows = height;
    this.aspect = aspect > 0 && Number.isFinite(aspect) ? aspect : 1;
    this.imageHeight = height * this.aspect;
    if (restored) this.pendingView = restored;
    this.ensureView();
  }

  /** Changes the row aspect (pixel sizes changed) and fits the view again. */
  setAspect(aspect: number): void {
    const a = aspect > 0 && Number.isFinite(aspect) ? aspect : 1;
    if (a === this.aspect) return;
    this.aspect = a;
    this.imageHeight = this.rows * a;
    this.fit();
  }

  /** The crosshair lines to draw (none: no crosshair). */
  setCrosshair(crosshair: { x?: CrosshairLine; y?: CrosshairLine }): void {
    this.crosshair = crosshair;
    this.drawCursor();
  }

  /** Screen (CSS px) → continuous image coordinates (rows undo the aspect). */
  toImage(sx: number, sy: number): { x: number; y: number } {
    return screenToPlane(this.view, this.aspect, sx, sy);
  }

  /** Continuous image coordinates → screen (CSS px). */
  toScreen(x: number, y: number): { sx: number; sy: number } {
    return planeToScreen(this.view, this.aspect, x, y);
  }

  /** The part of the image on screen, in image pixels (clipped to the image). */
  visibleBox(): PixelBox {
    const b = visibleBox(this.view, this.cssWidth, this.cssHeight, this.imageWidth, this.imageHeight);
    const r0 = Math.max(0, Math.min(this.rows, Math.floor(b.row / this.aspect)));
    const r1 = Math.max(r0, Math.min(this.rows, Math.ceil((b.row + b.height) / this.aspect)));
    return { column: b.column, row: r0, width: b.width, height: r1 - r0 };
  }

  /** Zoom/pan to fit the whole image. */
  fit(): void {
    if (this.cssWidth === 0) { this.hasView = false; this.pendingView = undefined; return; }
    this.setView(fitTransform(this.cssWidth, this.cssHeight, this.imageWidth, this.imageHeight, 12));
  }

  /** One image pixel = one CSS pixel. */
  oneToOne(): void {
    this.setView(oneToOneTransform(this.view, this.cssWidth, this.cssHeight));
  }

  /** Zooms by a factor around the viewport centre. */
  zoomBy(factor: number): void {
    this.setView(zoomAt(this.view, this.cssWidth / 2, this.cssHeight / 2, factor));
  }

  /**
   * Centres and zooms on a box of the image (with context around it: the box fills about a third of
   * the view, zoom capped at 8×) and outlines it with an outline that fades, so the user sees what to label.
   */
  showBox(box: PixelBox): void {
    if (this.cssWidth === 0) return;
    this.setView(boxTransform({ ...box, row: box.row * this.aspect, height: box.height * this.aspect }, this.cssWidth, this.cssHeight, 0.35, 8));
    this.highlight = { box, start: performance.now() };
    this.element.dataset.highlight = 'on';
    this.animateHighlight();
  }

  private highlight: { box: PixelBox; start: number } | undefined;
  private highlightFrame = 0;

  /** Redraws the outline every frame until it has faded out. */
  private animateHighlight(): void {
    if (this.highlightFrame) return;
    const step = (): void => {
      this.highlightFrame = 0;
      if (!this.highlight) return;
      if (highlightAlpha(performance.now() - this.highlight.start) <= 0) {
        this.highlight = undefined;
        delete this.element.dataset.highlight;
      } else this.highlightFrame = requestAnimationFrame(step);
      this.drawCursor();
    };
    this.highlightFrame = requestAnimationFrame(step);
  }

  setView(view: ViewTransform): void {
    this.view = constrainTransform(view, this.cssWidth, this.cssHeight, this.imageWidth, this.imageHeight);
    this.hasView = true;
    // Readable by tests and tools: screen = offset + image · scale (rows also × aspect).
    this.element.dataset.view = `${this.view.scale},${this.view.offsetX},${this.view.offsetY},${this.aspect}`;
    this.invalidate();
    this.handlers.onViewChanged();
  }

  /** Schedules a redraw on the next animation frame. */
  invalidate(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }

  /** Redraws immediately (used before reporting "ready"). */
  drawNow(): void {
    if (this.frame) { cancelAnimationFrame(this.frame); this.frame = 0; }
    this.draw();
  }

  /** Marks the space key state (space+drag pans). */
  setSpaceDown(down: boolean): void {
    this.spaceDown = down;
    this.updateCursorClass();
  }

  setTool(tool: Tool): void {
    this.tool = tool;
    this.updateCursorClass();
    this.drawCursor();
  }

  private toolOutline: { points: number[]; closed: boolean } | undefined;

  /** An outline drawn over the image (polygon vertices, lasso path), in image pixels; undefined clears it. */
  setToolOutline(points: number[] | undefined, closed: boolean): void {
    this.toolOutline = points && points.length >= 2 ? { points, closed } : undefined;
    this.drawCursor();
  }

  setBrush(size: number, color: string): void {
    this.brushSize = size;
    this.brushColor = color;
    this.drawCursor();
  }

  private ensureView(): void {
    if (this.hasView || this.cssWidth === 0) return;
    if (this.pendingView) {
      const v = this.pendingView;
      this.pendingView = undefined;
      this.setView(v);
    } else {
      this.fit();
    }
  }

  private resize(): void {
    const rect = this.element.getBoundingClientRect();
    const w = Math.max(1, Math.floor(rect.width));
    const h = Math.max(1, Math.floor(rect.height));
    if (w === this.cssWidth && h === this.cssHeight) return;
    const had = this.cssWidth > 0;
    // Keep the image point at the centre where it was.
    const centre = had ? screenToImage(this.view, this.cssWidth / 2, this.cssHeight / 2) : undefined;
    this.cssWidth = w;
    this.cssHeight = h;
    if (had && centre && this.hasView) {
      const s = imageToScreen(this.view, centre.x, centre.y);
      this.setView(panBy(this.view, w / 2 - s.sx, h / 2 - s.sy));
    } else {
      this.ensureView();
      this.invalidate();
    }
  }

  private draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const bw = Math.max(1, Math.round(this.cssWidth * dpr));
    const bh = Math.max(1, Math.round(this.cssHeight * dpr));
    for (const c of [this.canvas, this.cursorCanvas]) {
      if (c.width !== bw || c.height !== bh) { c.width = bw; c.height = bh; }
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, bw, bh);
    const s = this.view.scale * dpr;
    // Round the origin to device pixels so magnified pixel edges are crisp.
    ctx.setTransform(s, 0, 0, s * this.aspect, Math.round(this.view.offsetX * dpr), Math.round(this.view.offsetY * dpr));
    // Nearest neighbour when magnified (pixels stay square); smoothing only when minified.
    ctx.imageSmoothingEnabled = s < 1 && s * this.aspect < 1;
    ctx.imageSmoothingQuality = 'high';
    for (const layer of this.handlers.layers()) {
      if (layer.opacity <= 0) continue;
      ctx.globalAlpha = Math.min(1, layer.opacity);
      // Whole-plane layers are one tile covering the image.
      const tiles = layer.tiles ?? (layer.source ? [{ source: layer.source, x: 0, y: 0, width: this.imageWidth, height: this.rows }] : []);
      // The edge first, then the pixels over it.
      if (layer.edge) {
        this.edgeRing.draw(ctx, tiles, {
          scale: s, aspect: this.aspect, offsetX: Math.round(this.view.offsetX * dpr), offsetY: Math.round(this.view.offsetY * dpr),
          width: bw, height: bh, unit: Math.max(1, Math.round(dpr)),
        }, layer.changes);
      }
      for (const tile of tiles) ctx.drawImage(tile.source, tile.x, tile.y, tile.width, tile.height);
    }
    ctx.globalAlpha = 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.drawCursor();
  }

  private drawCursor(): void {
    const dpr = window.devicePixelRatio || 1;
    const ctx = this.cursorCtx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.cursorCanvas.width, this.cursorCanvas.height);
    this.drawCrosshair(ctx, dpr);
    const alpha = this.highlight ? highlightAlpha(performance.now() - this.highlight.start) : 0;
    if (this.highlight && alpha > 0) {
      const b = this.highlight.box;
      ctx.globalAlpha = alpha;
      const a = this.toScreen(b.column, b.row);
      const e = this.toScreen(b.column + b.width, b.row + b.height);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.strokeStyle = 'rgba(0,0,0,0.7)';
      ctx.strokeRect(a.sx - 3, a.sy - 3, e.sx - a.sx + 6, e.sy - a.sy + 6);
      ctx.lineDashOffset = 5;
      ctx.strokeStyle = 'rgba(255,255,255,0.95)';
      ctx.strokeRect(a.sx - 3, a.sy - 3, e.sx - a.sx + 6, e.sy - a.sy + 6);
      ctx.setLineDash([]);
      ctx.lineDashOffset = 0;
      ctx.globalAlpha = 1;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
    }
    const outline = this.toolOutline;
    if (outline) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.beginPath();
      for (let i = 0; i + 1 < outline.points.length; i += 2) {
        const q = this.toScreen(outline.points[i], outline.points[i + 1]);
        if (i === 0) ctx.moveTo(q.sx, q.sy); else ctx.lineTo(q.sx, q.sy);
      }
      if (!outline.closed && this.hover) ctx.lineTo(this.hover.sx, this.hover.sy);
      if (outline.closed) ctx.closePath();
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(0,0,0,0.8)';
      ctx.stroke();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = this.brushColor;
      ctx.stroke();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
    }
    if (!this.hover || this.tool === 'pan' || this.spaceDown || !this.paintingEnabled || this.drag?.kind === 'pan') return;
    if (this.tool !== 'brush' && this.tool !== 'eraser' && this.tool !== 'superpixel') {
      // Point tools: a small crosshair at the pixel under the cursor.
      const p = this.toImage(this.hover.sx, this.hover.sy);
      const q = this.toScreen(Math.floor(p.x) + 0.5, Math.floor(p.y) + 0.5);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.beginPath();
      ctx.moveTo(q.sx - 7, q.sy); ctx.lineTo(q.sx + 7, q.sy); ctx.moveTo(q.sx, q.sy - 7); ctx.lineTo(q.sx, q.sy + 7);
      ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(0,0,0,0.8)'; ctx.stroke();
      ctx.lineWidth = 1; ctx.strokeStyle = this.brushColor; ctx.stroke();
      return;
    }
    const p = this.toImage(this.hover.sx, this.hover.sy);
    const d = this.brushSize;
    // Outline of the brush footprint, centred the way the rasteriser anchors it.
    const even = d % 2 === 0;
    const cx = even ? Math.round(p.x) : Math.floor(p.x) + 0.5;
    const cy = even ? Math.round(p.y) : Math.floor(p.y) + 0.5;
    const sc = this.toScreen(cx, cy);
    const r = Math.max(1.5, (d / 2) * this.view.scale);
    // Rows may be drawn taller than columns are wide (anisotropic xz/yz views): the brush is an ellipse there.
    const ry = Math.max(1.5, r * this.aspect);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.ellipse(sc.sx, sc.sy, r, ry, 0, 0, Math.PI * 2);
    ctx.strokeStyle = 'rgba(0,0,0,0.8)';
    ctx.stroke();
    ctx.beginPath();
    ctx.ellipse(sc.sx, sc.sy, r + 1, ry + 1, 0, 0, Math.PI * 2);
    ctx.strokeStyle = this.tool === 'eraser' ? 'rgba(255,255,255,0.95)' : this.brushColor;
    ctx.stroke();
    if (this.tool === 'eraser') {
      ctx.beginPath();
      ctx.moveTo(sc.sx - r * 0.5, sc.sy - ry * 0.5); ctx.lineTo(sc.sx + r * 0.5, sc.sy + ry * 0.5);
      ctx.stroke();
    }
  }

  /** The crosshair: thin lines through the centres of the crosshair's pixels, across the whole image. */
  private drawCrosshair(ctx: CanvasRenderingContext2D, dpr: number): void {
    const { x, y } = this.crosshair;
    if (!x && !y) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 3]);
    const top = this.toScreen(0, 0);
    const bottom = this.toScreen(this.imageWidth, this.rows);
    if (x) {
      const sx = Math.round(this.toScreen(x.at + 0.5, 0).sx) + 0.5;
      ctx.strokeStyle = x.color;
      ctx.beginPath(); ctx.moveTo(sx, top.sy); ctx.lineTo(sx, bottom.sy); ctx.stroke();
    }
    if (y) {
      const sy = Math.round(this.toScreen(0, y.at + 0.5).sy) + 0.5;
      ctx.strokeStyle = y.color;
      ctx.beginPath(); ctx.moveTo(top.sx, sy); ctx.lineTo(bottom.sx, sy); ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }

  private updateCursorClass(): void {
    const panning = this.drag?.kind === 'pan';
    this.element.classList.toggle('panning', panning);
    this.element.classList.toggle('can-pan', !panning && (this.tool === 'pan' || this.spaceDown || !this.paintingEnabled));
    this.element.classList.toggle('can-paint', !panning && this.tool !== 'pan' && !this.spaceDown && this.paintingEnabled);
  }

  private bindEvents(): void {
    const c = this.canvas;
    c.addEventListener('contextmenu', (e) => e.preventDefault());
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.setView(zoomAt(this.view, e.offsetX, e.offsetY, wheelZoomFactor(e.deltaY, e.deltaMode)));
      this.hover = { sx: e.offsetX, sy: e.offsetY };
      this.emitHover();
    }, { passive: false });
    c.addEventListener('focus', () => this.handlers.onFocus?.());
    c.addEventListener('pointerdown', (e) => {
      c.focus({ preventScroll: true });
      this.handlers.onFocus?.();
      if (this.drag) return;
      if (e.button === 0 && e.shiftKey && this.handlers.onCrosshair) {
        e.preventDefault();
        c.setPointerCapture(e.pointerId);
        this.drag = { kind: 'cross', pointerId: e.pointerId, lastX: e.offsetX, lastY: e.offsetY };
        const p = this.toImage(e.offsetX, e.offsetY);
        this.handlers.onCrosshair(p.x, p.y);
        return;
      }
      const panButton = e.button === 1 || e.button === 2;
      const pan = panButton || (e.button === 0 && (this.spaceDown || this.tool === 'pan' || !this.paintingEnabled));
      if (!pan && e.button !== 0) return;
      e.preventDefault();
      c.setPointerCapture(e.pointerId);
      this.drag = { kind: pan ? 'pan' : 'stroke', pointerId: e.pointerId, lastX: e.offsetX, lastY: e.offsetY, startX: e.offsetX, startY: e.offsetY };
      this.updateCursorClass();
      if (!pan) {
        const p = this.toImage(e.offsetX, e.offsetY);
        this.handlers.onStrokeStart(p.x, p.y);
      }
      this.drawCursor();
    });
    c.addEventListener('pointermove', (e) => {
      this.hover = { sx: e.offsetX, sy: e.offsetY };
      const drag = this.drag;
      if (drag && drag.pointerId === e.pointerId) {
        if (drag.kind === 'pan') {
          this.setView(panBy(this.view, e.offsetX - drag.lastX, e.offsetY - drag.lastY));
        } else if (drag.kind === 'cross') {
          const p = this.toImage(e.offsetX, e.offsetY);
          this.handlers.onCrosshair?.(p.x, p.y);
        } else {
          // Coalesced events give every intermediate position of fast strokes.
          const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
          for (const ev of events.length ? events : [e]) {
            const p = this.toImage(ev.offsetX, ev.offsetY);
            this.handlers.onStrokeMove(p.x, p.y);
          }
        }
        drag.lastX = e.offsetX;
        drag.lastY = e.offsetY;
      }
      this.emitHover();
      this.drawCursor();
    });
    const end = (e: PointerEvent): void => {
      const drag = this.drag;
      if (!drag || drag.pointerId !== e.pointerId) return;
      this.drag = undefined;
      if (c.hasPointerCapture(e.pointerId)) c.releasePointerCapture(e.pointerId);
      if (drag.kind === 'stroke') this.handlers.onStrokeEnd();
      // A click (no drag) with the pan tool moves the crosshair, as in ilastik's navigation mode.
      if (drag.kind === 'pan' && e.button === 0 && this.tool === 'pan' && drag.startX !== undefined && drag.startY !== undefined
        && Math.hypot(e.offsetX - drag.startX, e.offsetY - drag.startY) < 3 && this.handlers.onCrosshair) {
        const p = this.toImage(e.offsetX, e.offsetY);
        this.handlers.onCrosshair(p.x, p.y);
      }
      this.updateCursorClass();
      this.drawCursor();
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('pointerleave', () => {
      if (this.drag) return;
      this.hover = undefined;
      this.handlers.onHover(null);
      this.drawCursor();
    });
  }

  private emitHover(): void {
    if (!this.hover) return;
    this.handlers.onHover(this.toImage(this.hover.sx, this.hover.sy));
  }

  /** Re-reports the hover position (after z/t or data changes). */
  refreshHover(): void {
    this.emitHover();
  }
}
