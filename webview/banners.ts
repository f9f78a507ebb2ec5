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

  constructor() {
    this.errorText = h('span', { class: 'banner-text' });
    this.error = h('div', { id: 'error-banner', class: 'banner error hidden', role: 'alert' },
      icon([...ICONS.warning]), this.errorText, closeButton(() => this.error.classList.add('hidden')));
    this.warning = h('div', { id: 'warning-banner', class: 'banner warning hidden', role: 'status' });
    this.readonly = h('div', { id: 'readonly-banner', class: 'banner info hidden', role: 'status' },
      icon([...ICONS.lock]), h('span', { class: 'banner-text' }, 'Read-only: painting and saving are disabled (restricted workspace or read-only file).'));
    this.element = h('div', { class: 'banners' }, this.error, this.readonly, this.warning);
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
