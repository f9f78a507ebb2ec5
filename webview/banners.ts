/**
 * The banners above the image: errors (`#error-banner`, dismissable; fatal errors replace the editor), warnings
 * from the host and the read-only notice. They exist before the image is known, so errors while loading show.
 */
import { h, icon, ICONS } from './dom';

export class Banners {
  readonly element: HTMLElement;
  private readonly error: HTMLElement;
  private readonly errorText: HTMLElement;
  private readonly warning: HTMLElement;
  private readonly readonly: HTMLElement;
  private readonly notice: HTMLElement;
  /** Called with a question's answer (no action = dismissed); set by the page. */
  onAnswer: (questionId: string, action?: string) => void = () => undefined;

  constructor() {
    this.errorText = h('span', { class: 'banner-text' });
    this.error = h('div', { id: 'error-banner', class: 'banner error hidden', role: 'alert' },
      icon([...ICONS.warning]), this.errorText, closeButton(() => this.error.classList.add('hidden')));
    this.warning = h('div', { id: 'warning-banner', class: 'banner warning hidden', role: 'status' });
    this.readonly = h('div', { id: 'readonly-banner', class: 'banner info hidden', role: 'status' },
      icon([...ICONS.lock]), h('span', { class: 'banner-text' }, 'Read-only: painting and saving are disabled (restricted workspace or read-only file).'));
    this.notice = h('div', { id: 'notice-banner', class: 'banner info hidden', role: 'status' });
    this.element = h('div', { class: 'banners' }, this.error, this.readonly, this.warning, this.notice);
  }

  /**
   * Shows `message` in the info banner (`#notice-banner`) until dismissed or replaced (e.g. "the project was
   * reloaded from disk"). A question (with `questionId`) gets one button per action; the answer, or a dismissal,
   * goes to {@link onAnswer}.
   */
  showNotice(message: string, questionId?: string, actions: readonly string[] = []): void {
    const answer = (action?: string) => {
      this.notice.classList.add('hidden');
      if (questionId) this.onAnswer(questionId, action);
    };
    const buttons = actions.map((action) => h('button', { class: 'banner-action', onclick: () => answer(action) }, action));
    this.notice.replaceChildren(icon([...ICONS.info]), h('span', { class: 'banner-text' }, message), ...buttons, closeButton(() => answer()));
    this.notice.classList.remove('hidden');
  }

  showError(message: string, fatal: boolean): void {
    this.errorText.textContent = message;
    this.error.classList.remove('hidden');
    this.error.classList.toggle('fatal', fatal);
    if (fatal) {
      document.body.classList.add('fatal');
      document.getElementById('loading')?.remove();
    }
  }

  showWarnings(warnings: readonly string[]): void {
    if (!warnings.length) { this.warning.classList.add('hidden'); return; }
    this.warning.replaceChildren(icon([...ICONS.warning]), h('span', { class: 'banner-text' }, warnings.join(' · ')),
      closeButton(() => this.warning.classList.add('hidden')));
    this.warning.classList.remove('hidden');
  }

  setReadOnly(readOnly: boolean): void {
    this.readonly.classList.toggle('hidden', !readOnly);
  }
}

function closeButton(onClick: () => void): HTMLElement {
  return h('button', { class: 'banner-close', title: 'Dismiss', 'aria-label': 'Dismiss', onclick: onClick }, icon([...ICONS.close]));
}
