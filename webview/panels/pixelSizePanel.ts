/**
 * The physical pixel size in the Display section (issue #15): what the file says (or what was set), where it came
 * from, and a field to correct it — a wrong header is common. "0.325 × 0.325 × 2 µm" style input; Reset returns to
 * the file's value. The host keeps it (one undoable edit, saved in the project).
 */
import type { PixelSizeData } from '../../extension/protocol';
import { h } from '../dom';
import { formatSize, parsePixelSize } from './pixelSizeText';

export class PixelSizePanel {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly source: HTMLElement;

  constructor(private readonly isStack: boolean, private readonly onSet: (size: { x: number; y: number; z?: number; unit: string } | undefined) => void) {
    this.input = h('input', { type: 'text', id: 'pixel-size', class: 'text-input', placeholder: isStack ? 'e.g. 0.325 × 0.325 × 2 µm' : 'e.g. 0.325 × 0.325 µm',
      title: 'Size of one pixel (x × y' + (isStack ? ' × z step' : '') + ' unit). Enter to set it for this image; it is saved in the project.', 'aria-label': 'Pixel size' });
    this.source = h('span', { class: 'hint', id: 'pixel-size-source' });
    const reset = h('button', { class: 'banner-action', id: 'pixel-size-reset', title: 'Use the pixel size the file states', onclick: () => this.onSet(undefined) }, 'From file');
    this.input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      const size = parsePixelSize(this.input.value, this.isStack);
      this.input.classList.toggle('invalid', !size);
      if (size) this.onSet(size);
    });
    this.element = h('div', { class: 'pixel-size-row' }, h('label', { for: 'pixel-size' }, 'Pixel size'), this.input, reset, this.source);
  }

  show(size: PixelSizeData | undefined): void {
    this.input.value = size ? formatSize(size) : '';
    this.input.classList.remove('invalid');
    this.source.textContent = size ? (size.source === 'project' ? 'set in the project' : `from ${size.source}`) : 'unknown: the file states none';
  }
}
