/**
 * Channel display: single channel through a LUT, or a composite of up to four channels, and the contrast
 * (min/max, auto = 0.1–99.9 percentile of the plane from the host's stats) of every displayed channel.
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { h } from '../dom';
import { LUT_NAMES, type LutName, formatValue } from '../canvas/lut';
import type { ChannelDisplay } from '../viewState';
import type { ImagePlaneMessage, PlaneDType } from '../../extension/protocol';
import type { PlaneArray } from '../canvas/lut';
import { histogram, logHeights } from '../canvas/histogram';

/** What the panel needs of a displayed plane: its samples (for the histogram) and stats. */
export interface PlaneInfo {
  data: PlaneArray;
  stats: ImagePlaneMessage['stats'];
}

const HIST_BINS = 128;

type VscSelect = HTMLElement & { value: string };
type VscCheckbox = HTMLElement & { checked: boolean };

export interface DisplayActions {
  /** Mode, channel or LUT changed (re-render the image). */
  setDisplay(display: ChannelDisplay): void;
  /** Contrast of one channel changed. */
  setContrast(channel: number, min: number, max: number): void;
  /** Reset one channel to the auto contrast of the current plane. */
  autoContrast(channel: number): void;
}

const COMPOSITE_LUTS: LutName[] = ['green', 'magenta', 'cyan', 'yellow', 'red', 'blue', 'grey'];

function select(values: readonly { value: string; label: string }[], current: string, onChange: (v: string) => void, id?: string): VscSelect {
  const s = h('vscode-single-select', { id, class: 'select' }) as VscSelect;
  for (const v of values) s.append(h('vscode-option', { value: v.value, selected: v.value === current }, v.label));
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

/** Value range of an integer dtype, used as contrast slider bounds before stats arrive. */
function dtypeRange(dtype: PlaneDType): [number, number] {
  switch (dtype) {
    case 'uint8': return [0, 255];
    case 'int8': return [-128, 127];
    case 'uint16': return [0, 65535];
    case 'int16': return [-32768, 32767];
    default: return [0, 1];
  }
}

export class DisplayPanel {
  readonly element: HTMLElement;
  private display!: ChannelDisplay;
  private readonly contrastRows = new Map<number, { min: HTMLInputElement; max: HTMLInputElement; minNum: HTMLInputElement; maxNum: HTMLInputElement; hist: HTMLCanvasElement }>();
  private readonly histCache = new WeakMap<PlaneArray, { lo: number; hi: number; heights: Float32Array }>();
  private readonly resizeObserver = new ResizeObserver((entries) => {
    for (const e of entries) {
      const c = Number((e.target as HTMLElement).dataset.channel);
      if (this.contrastRows.has(c)) this.drawHistogram(c);
    }
  });

  constructor(
    private readonly actions: DisplayActions,
    private readonly channelNames: string[],
    private readonly dtype: PlaneDType,
    private readonly plane: (channel: number) => PlaneInfo | undefined,
  ) {
    this.element = h('div', { class: 'display-panel', id: 'display-panel' });
  }

  /** Rebuilds the panel for `display`. */
  render(display: ChannelDisplay): void {
    this.display = structuredClone(display);
    this.contrastRows.clear();
    this.resizeObserver.disconnect();
    const nC = this.channelNames.length;
    const channels = this.channelNames.map((name, i) => ({ value: String(i), label: name ? `${i}: ${name}` : `Channel ${i}` }));
    const luts = LUT_NAMES.filter((l) => l !== 'magma').map((l) => ({ value: l, label: l[0].toUpperCase() + l.slice(1) }));
    const root = this.element;
    root.replaceChildren();
    if (nC > 1) {
      root.append(h('div', { class: 'form-row' }, h('label', { class: 'form-label' }, 'Mode'),
        select([{ value: 'single', label: 'Single channel' }, { value: 'composite', label: 'Composite' }], display.mode,
          (v) => this.change((d) => { d.mode = v === 'composite' ? 'composite' : 'single'; }), 'display-mode')));
    }
    const shown: number[] = [];
    if (display.mode === 'single' || nC === 1) {
      if (nC > 1) {
        root.append(h('div', { class: 'form-row' }, h('label', { class: 'form-label' }, 'Channel'),
          select(channels, String(display.channel), (v) => this.change((d) => { d.channel = Number(v); }), 'display-channel')));
      }
      root.append(h('div', { class: 'form-row' }, h('label', { class: 'form-label' }, 'LUT'),
        select(luts, display.lut, (v) => this.change((d) => { d.lut = v as LutName; }), 'display-lut')));
      shown.push(display.channel);
    } else {
      const list = h('div', { class: 'composite-list' });
      display.composite.forEach((layer, i) => {
        const cb = h('vscode-checkbox', { checked: layer.enabled, title: 'Show this layer', class: 'composite-enable' }) as VscCheckbox;
        cb.addEventListener('change', () => this.change((d) => { d.composite[i].enabled = cb.checked; }));
        const swatch = h('span', { class: `lut-swatch lut-${layer.lut}` });
        list.append(h('div', { class: 'composite-row' }, cb, swatch,
          select(channels, String(layer.channel), (v) => this.change((d) => { d.composite[i].channel = Number(v); })),
          select(COMPOSITE_LUTS.map((l) => ({ value: l, label: l })), layer.lut, (v) => this.change((d) => { d.composite[i].lut = v as LutName; }))));
        if (layer.enabled) shown.push(layer.channel);
      });
      root.append(list);
    }
    root.append(h('div', { class: 'section-subtitle' }, 'Contrast'));
    for (const c of [...new Set(shown)]) root.append(this.contrastRow(c));
  }

  /** Updates the contrast controls (after auto contrast or new stats) without rebuilding. */
  refreshContrast(display: ChannelDisplay): void {
    this.display.contrast = structuredClone(display.contrast);
    for (const [c, row] of this.contrastRows) {
      const [lo, hi] = this.sliderRange(c);
      for (const input of [row.min, row.max]) { input.min = String(lo); input.max = String(hi); input.step = String(this.step(lo, hi)); }
      const con = display.contrast[c];
      if (!con) continue;
      row.min.value = String(con.min); row.max.value = String(con.max);
      if (document.activeElement !== row.minNum) row.minNum.value = formatValue(con.min);
      if (document.activeElement !== row.maxNum) row.maxNum.value = formatValue(con.max);
      this.drawHistogram(c);
    }
  }

  private change(edit: (d: ChannelDisplay) => void): void {
    const d = structuredClone(this.display);
    edit(d);
    this.actions.setDisplay(d);
  }

  private sliderRange(c: number): [number, number] {
    const s = this.plane(c)?.stats;
    let [lo, hi] = s ? [s.min, s.max] : dtypeRange(this.dtype);
    const con = this.display.contrast[c];
    if (con) { lo = Math.min(lo, con.min); hi = Math.max(hi, con.max); }
    if (!(hi > lo)) hi = lo + 1;
    return [lo, hi];
  }

  private step(lo: number, hi: number): number {
    const integer = !this.dtype.startsWith('float');
    return integer ? 1 : (hi - lo) / 1000;
  }

  /**
   * Draws the channel's histogram (log counts over the slider range) with the contrast ramp on top
   * (ImageJ style: a line from (min, 0) to (max, 1)) and the clipped ranges dimmed.
   */
  private drawHistogram(c: number): void {
    const row = this.contrastRows.get(c);
    if (!row) return;
    const canvas = row.hist;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const hgt = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== hgt) { canvas.width = w; canvas.height = hgt; }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, w, hgt);
    const [lo, hi] = this.sliderRange(c);
    const plane = this.plane(c);
    const style = getComputedStyle(this.element);
    const fg = style.getPropertyValue('--vscode-foreground').trim() || '#cccccc';
    const accent = style.getPropertyValue('--vscode-focusBorder').trim() || '#007fd4';
    if (plane) {
      let cached = this.histCache.get(plane.data);
      if (!cached || cached.lo !== lo || cached.hi !== hi) {
        cached = { lo, hi, heights: logHeights(histogram(plane.data, lo, hi, HIST_BINS)) };
        this.histCache.set(plane.data, cached);
      }
      ctx.fillStyle = fg;
      ctx.globalAlpha = 0.45;
      const bw = w / HIST_BINS;
      cached.heights.forEach((v, i) => {
        const bh = v * (hgt - 2);
        if (bh > 0) ctx.fillRect(i * bw, hgt - bh, Math.max(1, bw - 0.5 * dpr), bh);
      });
      ctx.globalAlpha = 1;
    }
    const con = this.display.contrast[c];
    if (!con) return;
    const x = (v: number): number => ((v - lo) / (hi - lo)) * w;
    const x0 = x(con.min), x1 = x(con.max);
    ctx.fillStyle = 'rgba(0,0,0,0.35)';
    if (x0 > 0) ctx.fillRect(0, 0, Math.min(w, x0), hgt);
    if (x1 < w) ctx.fillRect(Math.max(0, x1), 0, w - Math.max(0, x1), hgt);
    ctx.strokeStyle = accent;
    ctx.lineWidth = 1.5 * dpr;
    ctx.beginPath();
    ctx.moveTo(0, hgt - 1);
    ctx.lineTo(Math.max(0, x0), hgt - 1);
    ctx.lineTo(Math.min(w, x1), 1);
    ctx.lineTo(w, 1);
    ctx.stroke();
  }

  private contrastRow(c: number): HTMLElement {
    const [lo, hi] = this.sliderRange(c);
    const step = this.step(lo, hi);
    const con = this.display.contrast[c] ?? { min: lo, max: hi };
    const range = (value: number, label: string): HTMLInputElement =>
      h('input', { type: 'range', min: lo, max: hi, step, value, class: 'contrast-range', 'aria-label': label });
    const num = (value: number, label: string, id: string): HTMLInputElement =>
      h('input', { type: 'number', value: formatValue(value), class: 'num-input contrast-num', 'aria-label': label, id });
    const min = range(con.min, `Channel ${c} minimum`);
    const max = range(con.max, `Channel ${c} maximum`);
    const minNum = num(con.min, `Channel ${c} minimum value`, `contrast-min-${c}`);
    const maxNum = num(con.max, `Channel ${c} maximum value`, `contrast-max-${c}`);
    const hist = h('canvas', { class: 'histogram', 'data-channel': c, 'aria-hidden': 'true' });
    const emit = (a: number, b: number): void => {
      if (!Number.isFinite(a) || !Number.isFinite(b)) return;
      this.display.contrast[c] = { min: a, max: b };
      this.drawHistogram(c);
      this.actions.setContrast(c, a, b);
    };
    min.addEventListener('input', () => { minNum.value = formatValue(Number(min.value)); emit(Number(min.value), Number(max.value)); });
    max.addEventListener('input', () => { maxNum.value = formatValue(Number(max.value)); emit(Number(min.value), Number(max.value)); });
    minNum.addEventListener('change', () => { min.value = minNum.value; emit(Number(minNum.value), Number(maxNum.value)); });
    maxNum.addEventListener('change', () => { max.value = maxNum.value; emit(Number(minNum.value), Number(maxNum.value)); });
    const auto = h('vscode-button', { secondary: true, class: 'small-button', title: 'Auto contrast: 0.1–99.9 percentile of this plane', id: `contrast-auto-${c}` }, 'Auto');
    auto.addEventListener('click', () => this.actions.autoContrast(c));
    this.contrastRows.set(c, { min, max, minNum, maxNum, hist });
    this.resizeObserver.observe(hist);
    const name = this.channelNames[c] ? `${c}: ${this.channelNames[c]}` : `Channel ${c}`;
    return h('div', { class: 'contrast-row', 'data-channel': c },
      h('div', { class: 'contrast-head' }, h('span', { class: 'contrast-name' }, name), auto),
      hist,
      h('div', { class: 'contrast-sliders' }, min, max),
      h('div', { class: 'contrast-values' }, h('label', {}, 'min', minNum), h('label', {}, 'max', maxNum)));
  }
}
