/**
 * Classifier summary: state and progress, out-of-bag error, labelled pixels per class and the top
 * feature importances.
 */
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { h, formatBytes } from '../dom';
import type { ClassifierStatus, LabelClass } from '../../extension/protocol';
import { formatCount } from './classesPanel';

type ProgressBar = HTMLElement & { value?: number; max: number; indeterminate: boolean };

const STATE_TEXT: Record<ClassifierStatus['state'], string> = {
  idle: 'Idle', 'computing-features': 'Computing features…', training: 'Training…', predicting: 'Predicting…', error: 'Error',
};

export class ClassifierPanel {
  readonly element: HTMLElement;
  private readonly progress: ProgressBar;
  private readonly stateText: HTMLElement;
  private readonly message: HTMLElement;
  private readonly oob: HTMLElement;
  private readonly counts: HTMLElement;
  private readonly importances: HTMLElement;
  private readonly features: HTMLElement;
  private classes: LabelClass[] = [];
  private status: ClassifierStatus | undefined;

  constructor() {
    this.progress = h('vscode-progress-bar', { id: 'classifier-progress', class: 'progress hidden', max: 1 }) as ProgressBar;
    this.stateText = h('span', { class: 'state-text', id: 'classifier-state' }, 'Idle');
    this.message = h('div', { class: 'state-message' });
    this.oob = h('span', { class: 'metric-value', id: 'oob-error' }, '—');
    this.features = h('span', { class: 'metric-value', id: 'feature-summary' }, '—');
    this.counts = h('div', { class: 'count-list', id: 'label-counts' });
    this.importances = h('div', { class: 'importance-list', id: 'feature-importances' });
    this.element = h('div', { class: 'classifier-panel' },
      h('div', { class: 'state-line' }, h('span', { class: 'state-dot' }), this.stateText),
      this.progress, this.message,
      h('div', { class: 'metric' }, h('span', { class: 'metric-label', title: 'Out-of-bag error of the random forest' }, 'OOB error'), this.oob),
      h('div', { class: 'metric' }, h('span', { class: 'metric-label' }, 'Feature channels'), this.features),
      h('div', { class: 'section-subtitle' }, 'Labelled pixels'), this.counts,
      h('div', { class: 'section-subtitle' }, 'Top features'), this.importances);
  }

  setClasses(classes: LabelClass[]): void {
    this.classes = classes;
    if (this.status) this.setStatus(this.status);
  }

  setStatus(status: ClassifierStatus): void {
    this.status = status;
    const busy = status.state !== 'idle' && status.state !== 'error';
    this.element.dataset.state = status.state;
    this.stateText.textContent = busy ? `${STATE_TEXT[status.state]} ${Math.round(status.progress * 100)}%` : STATE_TEXT[status.state];
    this.progress.classList.toggle('hidden', !busy);
    if (busy) {
      this.progress.indeterminate = !(status.progress > 0);
      this.progress.value = Math.max(0, Math.min(1, status.progress));
    }
    this.message.textContent = status.message ?? '';
    this.oob.textContent = status.oobError === undefined ? '—' : `${(status.oobError * 100).toFixed(1)}%`;
    this.features.textContent = status.featureChannels ? `${status.featureChannels} · ${formatBytes(status.featureMemoryBytes)}` : '—';
    const total = status.labelCounts.reduce((a, b) => a + (b || 0), 0);
    this.counts.replaceChildren(...this.classes.map((c) => {
      const n = status.labelCounts[c.id] ?? 0;
      const bar = h('div', { class: 'bar-fill' });
      bar.style.width = `${total ? (100 * n) / total : 0}%`;
      bar.style.background = c.color;
      return h('div', { class: 'count-row', 'data-class-id': c.id },
        h('span', { class: 'count-name' }, c.name), h('div', { class: 'bar' }, bar), h('span', { class: 'count-value' }, formatCount(n)));
    }));
    const imp = (status.importances ?? []).slice(0, 8);
    const maxImp = imp.reduce((m, x) => Math.max(m, x.value), 0);
    this.importances.replaceChildren(...(imp.length ? imp.map((x) => {
      const bar = h('div', { class: 'bar-fill importance' });
      bar.style.width = `${maxImp ? (100 * x.value) / maxImp : 0}%`;
      return h('div', { class: 'importance-row', title: `${x.name}: ${x.value.toFixed(4)}` },
        h('span', { class: 'importance-name' }, x.name), h('div', { class: 'bar' }, bar), h('span', { class: 'importance-value' }, x.value.toFixed(3)));
    }) : [h('div', { class: 'empty' }, 'Train the classifier to see which features matter.')]));
  }
}
