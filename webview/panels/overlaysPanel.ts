/**
 * Overlay visibility and opacity: labels, class probabilities, segmentation (argmax) and uncertainty.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { h } from '../dom';
import type { OverlaySetting, PersistedState } from '../viewState';

type Key = keyof PersistedState['overlays'];
type VscCheckbox = HTMLElement & { checked: boolean };

const ROWS: { key: Key; label: string; hint: string }[] = [
  { key: 'labels', label: 'Labels', hint: 'Your brush strokes in class colours' },
  { key: 'probabilities', label: 'Probabilities', hint: 'Class probabilities blended in class colours' },
  { key: 'segmentation', label: 'Segmentation', hint: 'Most probable class per pixel' },
  { key: 'uncertainty', label: 'Uncertainty', hint: '1 − (p_max − p_second), magma colour map' },
];

export class OverlaysPanel {
  readonly element: HTMLElement;

  constructor(private readonly onChange: (key: Key, setting: OverlaySetting) => void) {
    this.element = h('div', { class: 'overlays-panel' });
  }

  render(overlays: PersistedState['overlays']): void {
    this.element.replaceChildren(...ROWS.map(({ key, label, hint }) => {
      const setting = { ...overlays[key] };
      const cb = h('vscode-checkbox', { id: `overlay-${key}-visible`, checked: setting.visible, label, title: hint }) as VscCheckbox;
      const range = h('input', { type: 'range', id: `overlay-${key}-opacity`, min: 0, max: 100, step: 1, value: Math.round(setting.opacity * 100), class: 'opacity-range', 'aria-label': `${label} opacity` });
      const pct = h('span', { class: 'opacity-value' }, `${Math.round(setting.opacity * 100)}%`);
      cb.addEventListener('change', () => { setting.visible = cb.checked; this.onChange(key, { ...setting }); });
      range.addEventListener('input', () => {
        setting.opacity = Number(range.value) / 100;
        pct.textContent = `${range.value}%`;
        this.onChange(key, { ...setting });
      });
      return h('div', { class: 'overlay-row', 'data-overlay': key }, cb, range, pct);
    }));
  }
}
