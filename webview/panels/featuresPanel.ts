/**
 * Feature selection: ilastik's grid (6 families × scale columns) with add/edit/remove of columns, the
 * 2D/3D flag per column for z-stacks, presets, σ in pixels or physical units (µm, per axis from the pixel size),
 * the input channels that feed the features (issue #15), and the resulting channel count and memory estimate.
 * Edits change a draft; "Apply" sends `features/set` (features are expensive, as in ilastik's dialog).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { h, icon, ICONS, formatBytes } from '../dom';
import type { FeatureSelectionData, ImageDescriptor, PixelSizeData } from '../../extension/protocol';
import {
  FEATURE_FAMILIES, SIGMA_RANGE, addScale, cellAllowed, channelCount, editScale, memoryEstimate, normalizeSelection,
  presetAll, presetLight, presetNone, removeScale, sameSelection, setScaleUnit, sigmaRange, toggleChannel, usedChannels, withSettings,
} from './featureGrid';
import { physicalScaleNote } from './physicalScaleNote';

type VscCheckbox = HTMLElement & { checked: boolean; disabled: boolean };
type VscButton = HTMLElement & { disabled: boolean; secondary: boolean };

export interface FeaturesActions {
  apply(features: FeatureSelectionData): void;
  /** Show one feature (family × σ) of the visible region in place of the raw image. */
  preview(featureId: string, sigma: number, in2D: boolean, label: string): void;
}

const EYE = ['M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8s-2.4 4.5-6.5 4.5S1.5 8 1.5 8z', 'M8 6a2 2 0 1 0 0 4a2 2 0 1 0 0-4z'];

export class FeaturesPanel {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly hostSummary: HTMLElement;
  private readonly applyButton: VscButton;
  private readonly resetButton: VscButton;
  private applied: FeatureSelectionData = presetNone();
  private draft: FeatureSelectionData = presetNone();
  private readonly hasZ: boolean;
  private readonly unitBox: VscCheckbox;
  private readonly unitNote: HTMLElement;
  private readonly channelList: HTMLElement;
  private pixelSize: PixelSizeData | undefined;

  constructor(private readonly actions: FeaturesActions, private readonly image: ImageDescriptor) {
    this.hasZ = image.shape.z > 1;
    this.pixelSize = image.pixelSize;
    this.unitBox = h('vscode-checkbox', {
      id: 'feature-physical', label: 'σ in physical units (µm)',
      title: 'Read every σ in µm: each axis gets σ / pixel size, so anisotropic stacks get anisotropic kernels',
    }) as VscCheckbox;
    this.unitBox.addEventListener('change', () => this.setDraft(setScaleUnit(this.draft, this.unitBox.checked)));
    this.unitNote = h('div', { class: 'hint-line', id: 'feature-unit-note' });
    this.channelList = h('div', { class: 'feature-channels', id: 'feature-channels' });
    this.grid = h('div', { class: 'feature-grid-wrap' });
    this.summary = h('div', { class: 'feature-summary', id: 'feature-estimate' });
    this.hostSummary = h('div', { class: 'feature-host-summary' });
    const preset = (id: string, label: string, title: string, make: () => FeatureSelectionData): HTMLElement => {
      const b = h('vscode-button', { id, secondary: true, class: 'small-button', title }, label);
      b.addEventListener('click', () => {
        // Presets keep the columns' 2D/3D flags where σ matches.
        const p = withSettings(make(), this.draft);
        for (const s of p.scales) s.in2D = this.draft.scales.find((d) => d.sigma === s.sigma)?.in2D ?? true;
        this.setDraft(p);
      });
      return b;
    };
    const sigmaInput = h('input', { type: 'number', class: 'num-input sigma-input', id: 'feature-new-sigma', min: SIGMA_RANGE.min, max: SIGMA_RANGE.max, step: 0.1, placeholder: 'σ', 'aria-label': 'New scale σ' });
    const addBtn = h('vscode-button', { id: 'btn-add-scale', secondary: true, class: 'small-button', title: 'Add a scale column' }, icon([...ICONS.add]), h('span', {}, 'Scale'));
    const add = (): void => {
      const v = Number(sigmaInput.value);
      const range = sigmaRange(this.draft);
      if (!(v >= range.min && v <= range.max)) { sigmaInput.classList.add('invalid'); return; }
      sigmaInput.classList.remove('invalid');
      sigmaInput.value = '';
      this.setDraft(addScale(this.draft, v));
    };
    addBtn.addEventListener('click', add);
    sigmaInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') add(); });
    this.applyButton = h('vscode-button', { id: 'btn-features-apply', title: 'Use this selection (recomputes features)' }, 'Apply') as VscButton;
    this.applyButton.addEventListener('click', () => { if (!this.applyButton.disabled) this.actions.apply(normalizeSelection(this.draft)); });
    this.resetButton = h('vscode-button', { id: 'btn-features-reset', secondary: true, title: 'Discard changes' }, 'Reset') as VscButton;
    this.resetButton.addEventListener('click', () => { if (!this.resetButton.disabled) this.setDraft(this.applied); });
    this.element = h('div', { class: 'features-panel' },
      h('div', { class: 'preset-row' }, h('span', { class: 'form-label' }, 'Preset'),
        preset('feature-preset-none', 'None', 'No features', presetNone),
        preset('feature-preset-light', 'Light', 'A light default (13 channels in 2D)', presetLight),
        preset('feature-preset-all', 'All', 'ilastik: every feature at every scale', presetAll)),
      this.grid,
      h('div', { class: 'add-scale-row' }, sigmaInput, addBtn),
      h('div', { class: 'unit-row' }, this.unitBox), this.unitNote,
      ...(image.shape.c > 1 ? [h('div', { class: 'form-label channels-label' }, 'Input channels'), this.channelList] : []),
      h('div', { class: 'hint-line' }, 'Click a cell beside its checkbox (or its eye) to preview that feature on the image; Esc returns.'),
      this.summary, this.hostSummary,
      h('div', { class: 'panel-actions' }, this.resetButton, this.applyButton));
  }

  /** The host's current selection (init or features/update); replaces the draft. */
  setSelection(features: FeatureSelectionData): void {
    this.applied = normalizeSelection(features);
    this.setDraft(this.applied);
  }

  /** Marks the cell being previewed (`featureId|sigma`), or none. */
  setPreviewing(key: string | undefined): void {
    if (key === this.previewing) return;
    this.previewing = key;
    for (const b of this.grid.querySelectorAll<HTMLElement>('.feature-preview')) {
      b.classList.toggle('active', `${b.dataset.feature}|${b.dataset.sigma}` === key);
    }
  }

  private previewing: string | undefined;

  /** The image's pixel size changed (physical σ → pixels per axis changes with it). */
  setPixelSize(size: PixelSizeData | undefined): void {
    this.pixelSize = size;
    this.updateSummary();
  }

  private renderChannels(): void {
    const { shape, channelNames, alphaChannel } = this.image;
    if (shape.c <= 1) return;
    const used = new Set(usedChannels(this.draft, shape.c, alphaChannel));
    this.channelList.replaceChildren(...channelNames.slice(0, shape.c).map((name, k) => {
      const label = `${k}: ${name || `Channel ${k}`}${k === alphaChannel ? ' (alpha)' : ''}`;
      const cb = h('vscode-checkbox', {
        id: `feature-channel-${k}`, checked: used.has(k), label, 'data-channel': k,
        title: used.has(k) && used.size === 1 ? 'At least one channel feeds the features' : `Compute features of ${label}`,
      }) as VscCheckbox;
      cb.addEventListener('change', () => this.setDraft(toggleChannel(this.draft, k, cb.checked, shape.c, alphaChannel)));
      return cb;
    }));
  }

  /** What the host computes for the applied selection (from status). */
  setHostEstimate(channels: number, bytes: number): void {
    this.hostSummary.textContent = channels ? `In use: ${channels} channels, ${formatBytes(bytes)} per plane` : '';
  }

  private setDraft(sel: FeatureSelectionData): void {
    this.draft = normalizeSelection(sel);
    this.render();
  }

  private render(): void {
    const sel = this.draft;
    const table = h('table', { class: 'feature-grid', id: 'feature-grid' });
    const head = h('tr', {}, h('th', { class: 'family-head' }, 'σ'));
    sel.scales.forEach((s, i) => {
      const unit = sel.scaleUnit === 'physical' ? ' µm' : '';
      const label = h('button', { class: 'sigma-label', title: `Click to edit σ${unit ? ' (µm)' : ' (pixels)'}` }, `${s.sigma}${unit}`);
      const remove = h('button', { class: 'icon-button sigma-remove', title: `Remove σ=${s.sigma}`, 'aria-label': `Remove scale ${s.sigma}` }, icon([...ICONS.close]));
      remove.addEventListener('click', () => this.setDraft(removeScale(this.draft, i)));
      label.addEventListener('click', () => {
        const input = h('input', { type: 'number', class: 'num-input sigma-edit', value: s.sigma, min: sigmaRange(this.draft).min, max: SIGMA_RANGE.max, step: 0.1, 'aria-label': 'σ' });
        label.replaceWith(input);
        input.focus(); input.select();
        let done = false;
        const finish = (commit: boolean): void => {
          if (done) return;
          done = true;
          const v = Number(input.value);
          if (commit && v !== s.sigma) this.setDraft(editScale(this.draft, i, v)); else this.render();
        };
        input.addEventListener('keydown', (e) => { if (e.key === 'Enter') finish(true); else if (e.key === 'Escape') finish(false); });
        input.addEventListener('blur', () => finish(true));
      });
      head.append(h('th', { class: 'scale-head', 'data-scale': i }, h('div', { class: 'scale-head-inner' }, label, remove)));
    });
    table.append(h('thead', {}, head));
    const body = h('tbody');
    for (const f of FEATURE_FAMILIES) {
      const row = h('tr', { 'data-feature': f.id }, h('th', { class: 'family-name', title: `${f.name} (${f.channels2D} channel${f.channels2D > 1 ? 's' : ''} in 2D, ${f.channels3D} in 3D)` }, f.short));
      sel.scales.forEach((s, i) => {
        const allowed = cellAllowed(f.id, s.sigma, sel.scaleUnit === 'physical');
        const cb = h('vscode-checkbox', { checked: sel.selected[f.id][i], disabled: !allowed, title: allowed ? `${f.name}, σ=${s.sigma}` : 'Not available at this scale', 'aria-label': `${f.name} σ=${s.sigma}` }) as VscCheckbox;
        cb.addEventListener('change', () => {
          const d = normalizeSelection(this.draft);
          d.selected[f.id][i] = cb.checked;
          this.draft = d;
          this.updateSummary();
        });
        const label = `${f.name} σ=${s.sigma}`;
        const eye = h('button', {
          class: `icon-button feature-preview${this.previewing === `${f.id}|${s.sigma}` ? ' active' : ''}`, disabled: !allowed,
          'data-feature': f.id, 'data-sigma': s.sigma, title: allowed ? `Preview ${label} on the image (Esc returns to the raw image)` : 'Not available at this scale',
          'aria-label': `Preview ${label}`,
        }, icon(EYE));
        const preview = (): void => { if (allowed) this.actions.preview(f.id, s.sigma, s.in2D, label); };
        eye.addEventListener('click', (e) => { e.stopPropagation(); preview(); });
        const td = h('td', { class: 'cell' }, h('div', { class: 'cell-inner' }, cb, eye));
        // A click on the cell around the checkbox previews too (the checkbox itself selects).
        td.addEventListener('click', (e) => { if (!e.composedPath().includes(cb)) preview(); });
        row.append(td);
      });
      body.append(row);
    }
    if (this.hasZ) {
      const row = h('tr', { class: 'dim-row' }, h('th', { class: 'family-name', title: 'Compute in 2D per slice (checked) or in 3D' }, 'In 2D'));
      sel.scales.forEach((s, i) => {
        const cb = h('vscode-checkbox', { checked: s.in2D, title: s.in2D ? '2D (per slice)' : '3D', 'aria-label': `σ=${s.sigma} in 2D` }) as VscCheckbox;
        cb.addEventListener('change', () => {
          const d = normalizeSelection(this.draft);
          d.scales[i].in2D = cb.checked;
          this.draft = d;
          this.updateSummary();
        });
        row.append(h('td', { class: 'cell' }, cb));
      });
      body.append(row);
    }
    table.append(body);
    this.grid.replaceChildren(table);
    this.unitBox.checked = sel.scaleUnit === 'physical';
    this.renderChannels();
    this.updateSummary();
  }

  private updateSummary(): void {
    const s = this.image.shape;
    const inputs = usedChannels(this.draft, s.c, this.image.alphaChannel).length;
    const channels = channelCount(this.draft, inputs, this.hasZ);
    const bytes = memoryEstimate(channels, s.x, s.y);
    this.summary.textContent = `${channels} feature channel${channels === 1 ? '' : 's'}`
      + (s.c > 1 ? ` from ${inputs} of ${s.c} input channels` : '') + ` · ${formatBytes(bytes)} per plane`;
    const note = this.draft.scaleUnit === 'physical' ? physicalScaleNote(this.draft, this.pixelSize, this.hasZ) : { text: '', warning: false };
    this.unitNote.textContent = note.text;
    this.unitNote.classList.toggle('warning', note.warning);
    const dirty = !sameSelection(this.draft, this.applied);
    this.applyButton.disabled = !dirty;
    this.resetButton.disabled = !dirty;
    this.element.classList.toggle('dirty', dirty);
  }
}
