/**
 * What is drawn over the raw image: the ONE result view (None / Probabilities / Segmentation / Uncertainty) with
 * its opacity, and the labels with their own visibility and opacity (labels are always drawn above the result).
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { h } from '../dom';
import { RESULT_VIEWS, type OverlaySetting, type PersistedState, type ResultView } from '../viewState';
import { SHORTCUT_KEYS } from '../keyboardShortcuts';
import { MAX_RESULT_OPACITY } from '../canvas/layerStack';

type VscCheckbox = HTMLElement & { checked: boolean };

const VIEW_NAMES: Record<ResultView, { label: string; hint: string }> = {
  none: { label: 'None', hint: 'Only the raw image (and the labels)' },
  probabilities: { label: 'Probabilities', hint: 'Class probabilities blended in class colours' },
  segmentation: { label: 'Segmentation', hint: 'Most probable class per pixel' },
  uncertainty: { label: 'Uncertainty', hint: '1 − (p_max − p_second), magma colour map' },
};

/** What the panel changes. */
export interface ResultsActions {
  setResultView(view: ResultView): void;
  setResultOpacity(view: Exclude<ResultView, 'none'>, opacity: number): void;
  setLabels(setting: OverlaySetting): void;
}

export class ResultsPanel {
  readonly element: HTMLElement;
  private readonly choice: HTMLElement;
  private readonly resultRow: HTMLElement;
  private readonly labelRow: HTMLElement;
  private state: Pick<PersistedState, 'overlays' | 'resultView'> | undefined;

  constructor(private readonly actions: ResultsActions) {
    this.choice = h('div', { class: 'result-choice', id: 'result-view', role: 'radiogroup', 'aria-label': 'Result view' });
    this.resultRow = h('div', { class: 'overlay-row', 'data-overlay': 'result' });
    this.labelRow = h('div', { class: 'overlay-row', 'data-overlay': 'labels' });
    this.element = h('div', { class: 'overlays-panel' },
      this.choice, this.resultRow, this.labelRow,
      h('div', { class: 'hint-line' }, `Hold ${SHORTCUT_KEYS.holdRaw.replace('hold ', '')} to see the raw image alone.`));
  }

  render(state: Pick<PersistedState, 'overlays' | 'resultView'>): void {
    this.state = state;
    this.choice.replaceChildren(...RESULT_VIEWS.map((view) => {
      const { label, hint } = VIEW_NAMES[view];
      const selected = view === state.resultView;
      const b = h('button', {
        class: `result-option${selected ? ' selected' : ''}`, id: `result-${view}`, role: 'radio', 'aria-checked': String(selected),
        title: `${label}: ${hint} (${SHORTCUT_KEYS[view]})`, 'data-view': view,
      }, label);
      b.addEventListener('click', () => this.actions.setResultView(view));
      return b;
    }));
    const view = state.resultView;
    if (view === 'none') this.resultRow.replaceChildren(h('span', { class: 'form-label' }, 'Result opacity'), h('span', { class: 'muted' }, 'no result shown'), h('span'));
    else {
      // Capped below 100 %: the raw image always shows through the result.
      this.resultRow.replaceChildren(...this.opacityRow('result', `${VIEW_NAMES[view].label} opacity`, Math.min(MAX_RESULT_OPACITY, state.overlays[view].opacity),
        (opacity) => this.actions.setResultOpacity(view, opacity), MAX_RESULT_OPACITY));
    }
    const labels = { ...state.overlays.labels };
    const cb = h('vscode-checkbox', { id: 'overlay-labels-visible', checked: labels.visible, label: 'Labels', title: 'Your brush strokes, drawn above the result' }) as VscCheckbox;
    cb.addEventListener('change', () => { labels.visible = cb.checked; this.actions.setLabels({ ...labels }); });
    const [range, pct] = this.opacityRow('labels', 'Labels opacity', labels.opacity, (opacity) => { labels.opacity = opacity; this.actions.setLabels({ ...labels }); }).slice(1);
    this.labelRow.replaceChildren(cb, range, pct);
  }

  /** Re-renders after a change made elsewhere (keyboard). */
  refresh(): void {
    if (this.state) this.render(this.state);
  }

  private opacityRow(key: string, label: string, opacity: number, onChange: (opacity: number) => void, max = 1): HTMLElement[] {
    const range = h('input', { type: 'range', id: `overlay-${key}-opacity`, min: 0, max: Math.round(max * 100), step: 1, value: Math.round(opacity * 100), class: 'opacity-range', 'aria-label': label });
    const pct = h('span', { class: 'opacity-value' }, `${Math.round(opacity * 100)}%`);
    range.addEventListener('input', () => {
      pct.textContent = `${range.value}%`;
      onChange(Number(range.value) / 100);
    });
    return [h('span', { class: 'form-label' }, label), range, pct];
  }
}
