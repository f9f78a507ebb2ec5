/**
 * The toolbar above the image: tools, brush size, zoom buttons, z/t sliders and the live-update controls.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { h, icon, ICONS } from '../dom';
import type { Tool } from '../viewState';
import { withShortcut } from '../keyboardShortcuts';

type VscButton = HTMLElement & { secondary: boolean; disabled: boolean };
type VscCheckbox = HTMLElement & { checked: boolean; disabled: boolean };

/** What the toolbar asks the editor to do. */
export interface ToolbarActions {
  setTool(tool: Tool): void;
  /** Toggles "preserve labels" (tools write only unlabelled pixels). */
  togglePreserve(): void;
  /** Copies the labels of the previous (−1) or next (+1) slice into the current one. */
  copySlice(from: -1 | 1): void;
  setBrushSize(size: number): void;
  fit(): void;
  oneToOne(): void;
  zoomBy(factor: number): void;
  setZ(z: number): void;
  setT(t: number): void;
  setLive(enabled: boolean): void;
  updateNow(): void;
  mostUncertain(): void;
  toggleSidePanel(): void;
}

function button(id: string, title: string, iconPaths: readonly string[], label: string | undefined, onClick: () => void): VscButton {
  const b = h('vscode-button', { id, title, 'aria-label': title, secondary: true, class: label ? 'tb-button' : 'tb-button icon-only' }) as VscButton;
  if (iconPaths.length) b.append(icon([...iconPaths]));
  if (label) b.append(h('span', { class: iconPaths.length ? 'tb-label' : 'tb-label keep' }, label));
  b.addEventListener('click', () => { if (!b.disabled) onClick(); });
  return b;
}

/** A labelled range slider for one axis (z or t), hidden when the axis has one plane. */
class AxisSlider {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly value: HTMLElement;

  constructor(axis: 'z' | 't', onChange: (v: number) => void) {
    this.input = h('input', { type: 'range', id: `${axis}-slider`, min: 0, max: 0, step: 1, value: 0, 'aria-label': `${axis} plane` });
    this.value = h('span', { class: 'axis-value', id: `${axis}-value` }, '0');
    this.element = h('div', { class: 'axis-slider hidden', title: axis === 'z' ? withShortcut('z slice', 'z') : withShortcut('Time point', 't') },
      h('span', { class: 'axis-name' }, axis), this.input, this.value);
    this.input.addEventListener('input', () => onChange(Number(this.input.value)));
  }

  setRange(size: number): void {
    this.input.max = String(Math.max(0, size - 1));
    this.element.classList.toggle('hidden', size <= 1);
  }

  setValue(v: number, size: number): void {
    this.input.value = String(v);
    this.value.textContent = `${v + 1}/${size}`;
  }
}

export class Toolbar {
  readonly element: HTMLElement;
  /** z/t sliders, placed by the editor in a bar under the image (shown only for stacks / time series). */
  readonly planeBar: HTMLElement;
  private readonly tools: Record<Tool, VscButton>;
  private readonly sizeInput: HTMLInputElement;
  private readonly sizeRange: HTMLInputElement;
  private readonly zoomLabel: HTMLElement;
  private readonly zSlider: AxisSlider;
  private readonly tSlider: AxisSlider;
  private readonly live: VscCheckbox;
  private readonly updateNow: VscButton;
  private readonly mostUncertain: VscButton;
  private readonly brushGroup: HTMLElement;
  private readonly preserve: VscButton;
  private readonly copyPrevious: VscButton;
  private readonly copyNext: VscButton;
  private readonly sliceGroup: HTMLElement;

  constructor(private readonly actions: ToolbarActions) {
    this.tools = {
      pan: button('tool-pan', withShortcut('Pan', 'pan'), ICONS.pan, 'Pan', () => actions.setTool('pan')),
      brush: button('tool-brush', withShortcut('Brush', 'brush'), ICONS.brush, 'Brush', () => actions.setTool('brush')),
      eraser: button('tool-eraser', withShortcut('Eraser (its own size)', 'eraser'), ICONS.eraser, 'Eraser', () => actions.setTool('eraser')),
      fill: button('tool-fill', withShortcut('Fill: the clicked region with the class', 'fill'), ICONS.fill, 'Fill', () => actions.setTool('fill')),
      polygon: button('tool-polygon', withShortcut('Polygon: click vertices, double-click or Enter closes, Esc cancels', 'polygon'), ICONS.polygon, 'Polygon', () => actions.setTool('polygon')),
      lasso: button('tool-lasso', withShortcut('Lasso: drag a freehand outline', 'lasso'), ICONS.lasso, 'Lasso', () => actions.setTool('lasso')),
      wand: button('tool-wand', withShortcut('Magic wand: press and drag — farther = more tolerance', 'wand'), ICONS.wand, 'Wand', () => actions.setTool('wand')),
      superpixel: button('tool-superpixel', withShortcut('Superpixel brush: paints whole superpixels', 'superpixel'), ICONS.superpixel, 'Superpixels', () => actions.setTool('superpixel')),
    };
    this.preserve = button('btn-preserve', withShortcut('Preserve labels: tools write only unlabelled pixels', 'preserve'), ICONS.preserve, 'Preserve', () => actions.togglePreserve());
    this.copyPrevious = button('btn-copy-previous', withShortcut('Copy the labels of the previous slice here', 'copyPrevious'), ICONS.copyDown, 'From z−1', () => actions.copySlice(-1));
    this.copyNext = button('btn-copy-next', withShortcut('Copy the labels of the next slice here', 'copyNext'), ICONS.copyUp, 'From z+1', () => actions.copySlice(1));
    this.sliceGroup = h('div', { class: 'tb-group slice-group hidden' }, this.copyPrevious, this.copyNext);
    this.sizeRange = h('input', { type: 'range', id: 'brush-size-slider', min: 1, max: 61, step: 1, value: 5, 'aria-label': 'Brush size slider', title: withShortcut('Brush size', 'brushSize') });
    this.sizeInput = h('input', { type: 'number', id: 'brush-size', min: 1, max: 61, step: 1, value: 5, class: 'num-input', title: withShortcut('Brush diameter in image pixels, 1–61', 'brushSize'), 'aria-label': 'Brush size' });
    const applySize = (v: string): void => {
      const n = Math.round(Number(v));
      if (Number.isFinite(n) && n >= 1) actions.setBrushSize(Math.min(61, n));
    };
    this.sizeRange.addEventListener('input', () => applySize(this.sizeRange.value));
    this.sizeInput.addEventListener('input', () => applySize(this.sizeInput.value));
    this.sizeInput.addEventListener('change', () => applySize(this.sizeInput.value));
    this.brushGroup = h('div', { class: 'tb-group brush-group' }, h('span', { class: 'tb-caption' }, 'Size'), this.sizeRange, this.sizeInput, h('span', { class: 'tb-unit' }, 'px'));

    this.zoomLabel = h('span', { class: 'zoom-label', id: 'zoom-label', title: 'Zoom: screen pixels per image pixel' }, '100%');
    this.zSlider = new AxisSlider('z', (v) => actions.setZ(v));
    this.tSlider = new AxisSlider('t', (v) => actions.setT(v));

    this.live = h('vscode-checkbox', { id: 'live-toggle', label: 'Live update', title: withShortcut('Live update: retrain and predict after every stroke', 'live') }) as VscCheckbox;
    this.live.addEventListener('change', () => actions.setLive(this.live.checked));
    this.updateNow = button('btn-update-now', withShortcut('Update: train and predict now', 'updateNow'), ICONS.refresh, 'Update', () => actions.updateNow());
    this.mostUncertain = button('btn-most-uncertain', withShortcut('Uncertain: go to the most uncertain region', 'mostUncertain'), ICONS.target, 'Uncertain', () => actions.mostUncertain());
    const panelToggle = button('btn-toggle-panel', withShortcut('Panel: show or hide the side panel', 'togglePanel'), ['M2.5 3.5h11v9h-11z', 'M10 3.5v9'], 'Panel', () => actions.toggleSidePanel());

    this.planeBar = h('div', { class: 'plane-bar hidden', id: 'plane-bar' }, this.zSlider.element, this.tSlider.element);
    this.element = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Editor tools' },
      h('div', { class: 'tb-group tools' }, this.tools.pan, this.tools.brush, this.tools.eraser, this.tools.fill, this.tools.polygon,
        this.tools.lasso, this.tools.wand, this.tools.superpixel, this.preserve),
      this.brushGroup,
      this.sliceGroup,
      h('div', { class: 'tb-sep' }),
      h('div', { class: 'tb-group' },
        button('btn-fit', withShortcut('Fit to window', 'fit'), ICONS.fit, 'Fit', () => actions.fit()),
        button('btn-one-to-one', withShortcut('Actual size 1:1: one image pixel per screen pixel', 'oneToOne'), [], '1:1', () => actions.oneToOne()),
        button('btn-zoom-out', withShortcut('Zoom out', 'zoomOut'), ['M3 7h8', 'M10 10l4 4', 'M7 2.5a4.5 4.5 0 1 0 0 9a4.5 4.5 0 1 0 0-9z'], 'Out', () => actions.zoomBy(1 / 1.5)),
        this.zoomLabel,
        button('btn-zoom-in', withShortcut('Zoom in', 'zoomIn'), ['M7 4.5v5M4.5 7h5', 'M10 10l4 4', 'M7 2.5a4.5 4.5 0 1 0 0 9a4.5 4.5 0 1 0 0-9z'], 'In', () => actions.zoomBy(1.5))),
      h('div', { class: 'tb-spacer' }),
      h('div', { class: 'tb-group live-group' }, this.live, this.updateNow, this.mostUncertain, panelToggle),
    );
  }

  setTool(tool: Tool): void {
    for (const [k, b] of Object.entries(this.tools)) {
      const active = k === tool;
      b.secondary = !active;
      b.classList.toggle('active', active);
      b.setAttribute('aria-pressed', String(active));
    }
  }

  setBrushSize(size: number): void {
    if (document.activeElement !== this.sizeInput) this.sizeInput.value = String(size);
    this.sizeRange.value = String(size);
  }

  setZoom(scale: number): void {
    const pct = scale * 100;
    this.zoomLabel.textContent = `${pct >= 100 ? Math.round(pct) : pct >= 10 ? pct.toFixed(0) : pct.toFixed(1)}%`;
  }

  /** Shows whether "preserve labels" is on. */
  setPreserve(on: boolean): void {
    this.preserve.secondary = !on;
    this.preserve.classList.toggle('active', on);
    this.preserve.setAttribute('aria-pressed', String(on));
  }

  setAxes(zSize: number, tSize: number): void {
    this.sliceGroup.classList.toggle('hidden', zSize <= 1);
    this.zSlider.setRange(zSize);
    this.tSlider.setRange(tSize);
    this.planeBar.classList.toggle('hidden', zSize <= 1 && tSize <= 1);
  }

  setPlane(z: number, t: number, zSize: number, tSize: number): void {
    this.zSlider.setValue(z, zSize);
    this.tSlider.setValue(t, tSize);
  }

  setLive(enabled: boolean): void {
    this.live.checked = enabled;
  }

  setReadOnly(readOnly: boolean): void {
    for (const [k, b] of Object.entries(this.tools)) if (k !== 'pan') b.disabled = readOnly;
    this.preserve.disabled = readOnly;
    this.copyPrevious.disabled = readOnly;
    this.copyNext.disabled = readOnly;
    this.sizeInput.disabled = readOnly;
    this.sizeRange.disabled = readOnly;
    this.brushGroup.classList.toggle('disabled', readOnly);
  }

  setBusy(busy: boolean): void {
    this.updateNow.classList.toggle('busy', busy);
  }
}
