/**
 * The scale bar over the image (issue #15): a bar of a round physical length (1, 2 or 5 × 10^k) between about 60
 * and 150 screen pixels long at the current zoom, with its length as text. Hidden when the pixel size is unknown.
 */
import { h } from '../dom';
import { niceLength } from './scaleLength';

export class ScaleBar {
  readonly element: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly label: HTMLElement;

  constructor() {
    this.bar = h('div', { class: 'scale-bar-line' });
    this.label = h('div', { class: 'scale-bar-label' });
    this.element = h('div', { class: 'scale-bar hidden', id: 'scale-bar', 'aria-hidden': 'true' }, this.bar, this.label);
  }

  /** @param pixelWidth physical width of one image pixel; @param scale screen pixels per image pixel */
  update(pixelWidth: number | undefined, unit: string, scale: number): void {
    if (!pixelWidth || !(scale > 0)) { this.element.classList.add('hidden'); return; }
    const perScreenPixel = pixelWidth / scale;
    const length = niceLength(60 * perScreenPixel);
    this.bar.style.width = `${Math.round(length / perScreenPixel)}px`;
    this.label.textContent = `${Number(length.toPrecision(3))} ${unit}`;
    this.element.classList.remove('hidden');
  }
}
