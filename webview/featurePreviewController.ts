/**
 * The feature preview as the user drives it: start from a feature cell, ask the host for the visible region (again
 * whenever the view or the plane changes), show the answer in place of the raw image with a status line, and stop
 * on Escape.
 */
import type { FeaturePreviewMessage, PixelBox } from '../extension/protocol';
import { FeaturePreviewLayer, type FeaturePreviewChoice } from './canvas/featurePreviewLayer';
import { h } from './dom';
import type { FeaturesPanel } from './panels/featuresPanel';
import type { Rpc } from './rpc';

/** Where the preview is asked for: plane, input channel and visible region. */
export interface PreviewRegion {
  t: number;
  z: number;
  c: number;
  box: PixelBox;
}

export class FeaturePreviewController {
  readonly layer: FeaturePreviewLayer;
  /** Status bar item naming the previewed feature (`#status-preview`). */
  readonly status: HTMLElement;

  constructor(private readonly rpc: Rpc, width: number, height: number, private readonly panel: FeaturesPanel,
    private readonly region: () => PreviewRegion, private readonly redraw: () => void, boxed = false) {
    this.layer = new FeaturePreviewLayer(width, height, boxed);
    this.status = h('span', { class: 'status-item preview-status hidden', id: 'status-preview' });
  }

  /** True while a feature image is on the canvas. */
  get shown(): boolean {
    return this.layer.shownName !== undefined;
  }

  start(choice: FeaturePreviewChoice): void {
    this.layer.start(choice);
    this.panel.setPreviewing(`${choice.featureId}|${choice.sigma}`);
    this.status.textContent = `Preview: ${choice.label} (computing…) · Esc returns to the image`;
    this.status.classList.remove('hidden');
    this.request();
  }

  /** Asks the host for the preview of the current region (nothing when no preview is on). */
  request(): void {
    const choice = this.layer.choice;
    if (!choice) return;
    const { t, z, c, box } = this.region();
    if (box.width === 0 || box.height === 0) return;
    const requestId = this.layer.nextRequest();
    this.rpc.send({ type: 'features/preview', requestId, featureId: choice.featureId, sigma: choice.sigma, in2D: choice.in2D, t, z, c, box });
  }

  /** The host's answer (ignored when stale: another plane, an older request, or the preview ended). */
  onImage(m: FeaturePreviewMessage): void {
    const { t, z } = this.region();
    if (m.t !== t || m.z !== z || !this.layer.onImage(m)) return;
    this.status.textContent = `Preview: ${m.name} · Esc returns to the image`;
    document.body.dataset.featurePreview = m.name;
    this.redraw();
  }

  /** Ends the preview; returns false when none was on. */
  stop(): boolean {
    if (!this.layer.active) return false;
    this.layer.stop();
    this.panel.setPreviewing(undefined);
    this.status.classList.add('hidden');
    delete document.body.dataset.featurePreview;
    this.redraw();
    return true;
  }
}
