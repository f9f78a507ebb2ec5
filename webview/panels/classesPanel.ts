/**
 * Label classes: one row per class (`.class-row[data-class-id]`) with a recolourable swatch, the name
 * (double-click or the edit button to rename), the labelled pixel count and a delete button (the host
 * asks for confirmation). Clicking a row selects the class for the brush.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { h, icon, ICONS } from '../dom';
import type { LabelClass } from '../../extension/protocol';

export interface ClassesActions {
  select(classId: number): void;
  add(): void;
  rename(classId: number, name: string): void;
  recolor(classId: number, color: string): void;
  remove(classId: number): void;
}

export class ClassesPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly addButton: HTMLElement & { disabled: boolean };
  private classes: LabelClass[] = [];
  private selected = 1;
  private counts: number[] = [];
  private readOnly = false;
  private editing: number | undefined;

  constructor(private readonly actions: ClassesActions) {
    this.list = h('div', { class: 'class-list', role: 'listbox', 'aria-label': 'Label classes' });
    this.addButton = h('vscode-button', { id: 'btn-add-class', secondary: true, title: 'Add a label class' }, icon([...ICONS.add]), h('span', {}, 'Add class')) as HTMLElement & { disabled: boolean };
    this.addButton.addEventListener('click', () => { if (!this.addButton.disabled) actions.add(); });
    this.element = h('div', { class: 'classes-panel' }, this.list, h('div', { class: 'panel-actions' }, this.addButton));
  }

  setClasses(classes: LabelClass[], selected: number, counts: number[]): void {
    this.classes = classes;
    this.selected = selected;
    this.counts = counts;
    this.render();
  }

  setSelected(id: number): void {
    this.selected = id;
    for (const row of this.list.querySelectorAll<HTMLElement>('.class-row')) {
      const on = Number(row.dataset.classId) === id;
      row.classList.toggle('selected', on);
      row.setAttribute('aria-selected', String(on));
    }
  }

  setCounts(counts: number[]): void {
    this.counts = counts;
    for (const row of this.list.querySelectorAll<HTMLElement>('.class-row')) {
      const el = row.querySelector('.class-count');
      if (el) el.textContent = formatCount(counts[Number(row.dataset.classId)] ?? 0);
    }
  }

  setReadOnly(readOnly: boolean): void {
    this.readOnly = readOnly;
    this.addButton.disabled = readOnly;
    this.render();
  }

  private render(): void {
    this.list.replaceChildren(...this.classes.map((c, i) => this.row(c, i)));
    if (this.classes.length === 0) this.list.append(h('div', { class: 'empty' }, 'No classes yet.'));
  }

  private row(c: LabelClass, index: number): HTMLElement {
    const swatch = h('input', { type: 'color', class: 'class-swatch', value: c.color, title: 'Change colour', 'aria-label': `Colour of ${c.name}`, disabled: this.readOnly });
    swatch.addEventListener('click', (e) => e.stopPropagation());
    swatch.addEventListener('change', () => this.actions.recolor(c.id, swatch.value));
    const name = h('span', { class: 'class-name', title: 'Double-click to rename' }, c.name);
    const count = h('span', { class: 'class-count', title: 'Labelled pixels' }, formatCount(this.counts[c.id] ?? 0));
    const key = h('span', { class: 'class-key', title: `Select with key ${index + 1}` }, index < 9 ? String(index + 1) : '');
    const edit = h('button', { class: 'icon-button class-edit', title: 'Rename', 'aria-label': `Rename ${c.name}`, disabled: this.readOnly }, icon([...ICONS.edit]));
    const del = h('button', { class: 'icon-button class-delete', title: 'Delete class and its labels', 'aria-label': `Delete ${c.name}`, disabled: this.readOnly }, icon([...ICONS.trash]));
    const row = h('div', {
      class: `class-row${c.id === this.selected ? ' selected' : ''}`, 'data-class-id': c.id, role: 'option',
      'aria-selected': String(c.id === this.selected), tabindex: 0,
    }, key, swatch, name, count, edit, del);
    row.addEventListener('click', () => this.actions.select(c.id));
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.target === row) this.actions.select(c.id); });
    const startEdit = (e: Event): void => {
      e.stopPropagation();
      if (this.readOnly || this.editing !== undefined) return;
      this.editing = c.id;
      const input = h('input', { type: 'text', class: 'class-name-input', value: c.name, maxlength: 100, 'aria-label': 'Class name' });
      name.replaceWith(input);
      input.focus();
      input.select();
      let done = false;
      const finish = (commit: boolean): void => {
        if (done) return;
        done = true;
        this.editing = undefined;
        const v = input.value.trim();
        input.replaceWith(name);
        if (commit && v && v !== c.name) { name.textContent = v; this.actions.rename(c.id, v); }
      };
      input.addEventListener('keydown', (ev) => {
        ev.stopPropagation();
        if (ev.key === 'Enter') finish(true);
        else if (ev.key === 'Escape') finish(false);
      });
      input.addEventListener('blur', () => finish(true));
      input.addEventListener('click', (ev) => ev.stopPropagation());
    };
    name.addEventListener('dblclick', startEdit);
    edit.addEventListener('click', startEdit);
    del.addEventListener('click', (e) => { e.stopPropagation(); this.actions.remove(c.id); });
    return row;
  }
}

/** 1234 → "1,234"; 1.2e6 → "1.2M". */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  return n.toLocaleString('en-US');
}
