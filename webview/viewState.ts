/**
 * What the webview remembers across reloads (VS Code's getState/setState; no retainContextWhenHidden):
 * zoom/pan, tool, brush, label and result opacities, the result view, channel display, selected class, current
 * z/t, open panel sections.
 * The restored value is untrusted (it may come from an older version), so it is sanitised field by field.
 */
import { isLutName, type LutName } from './canvas/lut';
import type { ViewTransform } from './canvas/viewTransform';
import type { OverlayKind } from './canvas/overlays';

export type Tool = 'pan' | 'brush' | 'eraser' | 'fill' | 'polygon' | 'lasso' | 'wand' | 'superpixel';

/** Every tool (validation of restored state). */
export const TOOLS: readonly Tool[] = ['pan', 'brush', 'eraser', 'fill', 'polygon', 'lasso', 'wand', 'superpixel'];

/** The one result drawn over the raw image (never several stacked). */
export type ResultView = 'none' | OverlayKind;

/** Every result view, in the order of the panel's choice. */
export const RESULT_VIEWS: readonly ResultView[] = ['none', 'probabilities', 'segmentation', 'uncertainty'];

/** True for a known result view. */
export function isResultView(v: unknown): v is ResultView {
  return typeof v === 'string' && (RESULT_VIEWS as readonly string[]).includes(v);
}

/** Contrast of one channel. */
export interface ChannelContrast {
  min: number;
  max: number;
}

/** How channels are shown. */
export interface ChannelDisplay {
  mode: 'single' | 'composite';
  /** Channel shown in single mode. */
  channel: number;
  /** LUT of single mode. */
  lut: LutName;
  /** Up to 4 composite layers. */
  composite: { channel: number; lut: LutName; enabled: boolean }[];
  /** Per-channel contrast (index = channel); missing entries use auto contrast. */
  contrast: (ChannelContrast | null)[];
}

/** Visibility and opacity of one overlay. */
export interface OverlaySetting {
  visible: boolean;
  opacity: number;
}

export interface PersistedState {
  version: 1;
  /** Image this state belongs to (file name + shape): a different image starts fresh. */
  imageKey: string;
  view?: ViewTransform;
  tool: Tool;
  brushSize: number;
  /** The eraser's own size (issue #16: independent of the brush). */
  eraserSize?: number;
  /** Tools write only unlabelled pixels. */
  preserveLabels?: boolean;
  selectedClass: number;
  t: number;
  z: number;
  display?: ChannelDisplay;
  /**
   * Labels: visibility and opacity. Result kinds: only their opacity is used (what is shown is `resultView`);
   * `visible` is kept so an older state still parses.
   */
  overlays: Record<'labels' | OverlayKind, OverlaySetting>;
  /** The result drawn over the raw image, under the labels. */
  resultView: ResultView;
  collapsed: Record<string, boolean>;
  /** Side panel width in CSS px (unset: the stylesheet's default). */
  sideWidth?: number;
  /** Volumes (issue #15): the three views, or one of them maximised. Unset: three views. */
  layout?: ViewLayout;
  /** The crosshair's row and column: the slices the xz (`y`) and yz (`x`) views show. Unset: the image centre. */
  cursor?: { y: number; x: number };
}

/** Which views a volume shows: all three, or one maximised. */
export type ViewLayout = 'three' | 'xy' | 'xz' | 'yz';

/** Defaults for a fresh editor. */
export function defaultState(imageKey: string): PersistedState {
  return {
    version: 1, imageKey, tool: 'brush', brushSize: 5, selectedClass: 1, t: 0, z: 0,
    overlays: {
      // Labels are opaque by default: they are what the user authored and must stay visible over any result.
      labels: { visible: true, opacity: 1 },
      probabilities: { visible: true, opacity: 0.5 },
      segmentation: { visible: false, opacity: 0.5 },
      uncertainty: { visible: false, opacity: 0.6 },
    },
    resultView: 'probabilities',
    collapsed: {},
  };
}

const num = (v: unknown, lo: number, hi: number, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;

/** Sanitises a restored state; anything missing or malformed falls back to the defaults. */
export function sanitizeState(raw: unknown, imageKey: string): PersistedState {
  const d = defaultState(imageKey);
  if (!raw || typeof raw !== 'object') return d;
  const s = raw as Partial<PersistedState>;
  if (s.version !== 1 || s.imageKey !== imageKey) return d;
  const out: PersistedState = { ...d };
  if (s.view && typeof s.view === 'object') {
    const v = s.view;
    if ([v.scale, v.offsetX, v.offsetY].every((x) => typeof x === 'number' && Number.isFinite(x)) && v.scale > 0) {
      out.view = { scale: v.scale, offsetX: v.offsetX, offsetY: v.offsetY };
    }
  }
  if (typeof s.tool === 'string' && (TOOLS as readonly string[]).includes(s.tool)) out.tool = s.tool as Tool;
  if (typeof s.eraserSize === 'number' && Number.isInteger(s.eraserSize) && s.eraserSize >= 1 && s.eraserSize <= 61) out.eraserSize = s.eraserSize;
  if (typeof s.preserveLabels === 'boolean') out.preserveLabels = s.preserveLabels;
  out.brushSize = Math.round(num(s.brushSize, 1, 61, d.brushSize));
  out.selectedClass = Math.round(num(s.selectedClass, 1, 255, 1));
  out.t = Math.round(num(s.t, 0, 1e6, 0));
  out.z = Math.round(num(s.z, 0, 1e6, 0));
  if (s.overlays && typeof s.overlays === 'object') {
    for (const key of Object.keys(d.overlays) as (keyof PersistedState['overlays'])[]) {
      const o = (s.overlays as Record<string, unknown>)[key] as Partial<OverlaySetting> | undefined;
      if (o && typeof o === 'object') {
        out.overlays[key] = { visible: typeof o.visible === 'boolean' ? o.visible : d.overlays[key].visible, opacity: num(o.opacity, 0, 1, d.overlays[key].opacity) };
      }
    }
  }
  if (isResultView(s.resultView)) out.resultView = s.resultView;
  else if (s.overlays && typeof s.overlays === 'object') {
    // A state from before the single result view: the first result that was visible, else none.
    const shown = (['probabilities', 'segmentation', 'uncertainty'] as const).find((k) => out.overlays[k].visible);
    out.resultView = shown ?? 'none';
  }
  if (s.layout === 'three' || s.layout === 'xy' || s.layout === 'xz' || s.layout === 'yz') out.layout = s.layout;
  if (s.cursor && typeof s.cursor === 'object') out.cursor = { y: Math.round(num(s.cursor.y, 0, 1e9, 0)), x: Math.round(num(s.cursor.x, 0, 1e9, 0)) };
  if (typeof s.sideWidth === 'number' && Number.isFinite(s.sideWidth)) out.sideWidth = Math.round(num(s.sideWidth, 220, 2000, 312));
  if (s.collapsed && typeof s.collapsed === 'object') {
    out.collapsed = {};
    for (const [k, v] of Object.entries(s.collapsed)) if (typeof v === 'boolean') out.collapsed[k] = v;
  }
  if (s.display && typeof s.display === 'object') {
    const dd = s.display;
    const composite = Array.isArray(dd.composite)
      ? dd.composite.slice(0, 4).filter((l) => l && typeof l.channel === 'number' && isLutName(l.lut))
        .map((l) => ({ channel: Math.max(0, Math.round(l.channel)), lut: l.lut, enabled: l.enabled !== false }))
      : [];
    const contrast = Array.isArray(dd.contrast)
      ? dd.contrast.map((c) => (c && typeof c.min === 'number' && typeof c.max === 'number' && Number.isFinite(c.min) && Number.isFinite(c.max) ? { min: c.min, max: c.max } : null))
      : [];
    out.display = {
      mode: dd.mode === 'composite' ? 'composite' : 'single',
      channel: Math.max(0, Math.round(num(dd.channel, 0, 1e4, 0))),
      lut: isLutName(dd.lut) ? dd.lut : 'grey',
      composite,
      contrast,
    };
  }
  return out;
}

/** Saves state through the VS Code API, coalescing bursts (pan/zoom) into one call per ~200 ms. */
export class StateSaver {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly setState: (s: unknown) => void, private readonly delayMs = 200) {}

  save(state: PersistedState): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.setState(state); }, this.delayMs);
  }

  flush(state: PersistedState): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.setState(state);
  }
}
