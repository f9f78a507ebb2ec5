/**
 * The side panel's frame: collapsible sections whose open state is remembered in the webview state, and the
 * splitter that resizes the panel (its width remembered too).
 */
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { h } from './dom';
import type { PersistedState } from './viewState';

type Collapsible = HTMLElement & { open: boolean };

export class SidePanel {
  readonly element: HTMLElement;
  /** The drag handle to place before the panel. */
  readonly splitter: HTMLElement;
  private readonly sections = new Map<string, Collapsible>();

  constructor(private readonly state: PersistedState, private readonly save: () => void) {
    this.element = h('aside', { class: 'side-panel', id: 'side-panel', 'aria-label': 'Panels' });
    if (state.sideWidth) this.element.style.width = `${state.sideWidth}px`;
    this.splitter = this.makeSplitter();
  }

  /**
   * Adds a section. It opens as the user left it, else as `open` says; `forceOpen` opens it whatever was
   * remembered (the Features section while nothing is labelled).
   */
  add(key: string, title: string, body: HTMLElement, open = true, forceOpen = false): void {
    const isOpen = forceOpen || !(this.state.collapsed[key] ?? !open);
    const el = h('vscode-collapsible', { title, class: 'section', id: `section-${key}`, open: isOpen }, body) as Collapsible;
    el.addEventListener('vsc-collapsible-toggle', (e: Event) => {
      this.state.collapsed[key] = !(e as CustomEvent<{ open: boolean }>).detail.open;
      this.save();
    });
    this.sections.set(key, el);
    this.element.append(el);
  }

  /** Shows the panel, opens a section and scrolls it into view. */
  reveal(key: string): void {
    this.element.classList.remove('hidden');
    const el = this.sections.get(key);
    if (!el) return;
    el.open = true;
    this.state.collapsed[key] = false;
    this.save();
    el.scrollIntoView({ block: 'start' });
  }

  toggle(): void {
    this.element.classList.toggle('hidden');
  }

  private makeSplitter(): HTMLElement {
    const el = h('div', { class: 'splitter', role: 'separator', 'aria-orientation': 'vertical', title: 'Drag to resize the panel' });
    el.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      el.setPointerCapture(e.pointerId);
      el.classList.add('dragging');
      const startX = e.clientX;
      const startW = this.element.getBoundingClientRect().width;
      const move = (ev: PointerEvent): void => {
        const w = Math.round(Math.max(220, Math.min(window.innerWidth * 0.6, startW - (ev.clientX - startX))));
        this.state.sideWidth = w;
        this.element.style.width = `${w}px`;
      };
      const up = (): void => {
        el.classList.remove('dragging');
        el.removeEventListener('pointermove', move);
        el.removeEventListener('pointerup', up);
        this.save();
      };
      el.addEventListener('pointermove', move);
      el.addEventListener('pointerup', up);
    });
    return el;
  }
}
