/**
 * One of the two side views of a volume (issue #15): the xz plane (rows z, columns x) at the crosshair's row, or the
 * yz plane (rows y, columns z) at its column. Each has its own viewer (zoom, pan, true aspect ratio from the pixel
 * sizes), raw planes, labels, predictions and labelling tools; every message it sends names its orientation, so the
 * host reads, labels and predicts that plane (extension/core/views/slicePlane.ts).
 */
import type {
  HostToWebviewMessage, ImageDescriptor, ImagePlaneMessage, LabelsPlaneMessage, PredictionTileMessage, ViewOrientation, WebviewToHostMessage,
} from '../extension/protocol';
import { planeSizeOf } from '../extension/core/views/slicePlane';
import { DisplayedImage } from './displayedImage';
import { LabelLayer } from './canvas/labelLayer';
import { PredictionLayer } from './canvas/predictionLayer';
import { Viewer, type CrosshairLine, type Layer } from './canvas/viewer';
import { LabelPainter, type MessageSender } from './labelPainter';
import { LabelTools } from './labelTools';
import { autoRange } from './displaySettings';
import { h } from './dom';
import { planeRegion } from './canvas/tileRegion';
import type { ChannelDisplay } from './viewState';

/** What a side view needs from the editor. */
export interface OrthoPaneHost {
  rpc: MessageSender;
  image: ImageDescriptor;
  display(): ChannelDisplay;
  t(): number;
  /** The layers to draw from this pane's sources (the editor's stack rules). */
  layers(pane: OrthoPane): Layer[];
  onCrosshair(pane: OrthoPane, x: number, y: number): void;
  onStrokeStart(pane: OrthoPane, x: number, y: number): void;
  onStrokeMove(pane: OrthoPane, x: number, y: number): void;
  onStrokeEnd(pane: OrthoPane): void;
  onHover(pane: OrthoPane, point: { x: number; y: number } | null): void;
  onFocus(pane: OrthoPane): void;
  onViewChanged(pane: OrthoPane): void;
  /** A view's maximise button. */
  toggleMaximise(orientation: ViewOrientation): void;
}

/** Colour of each view's badge and of the crosshair line that shows where that view's plane is. */
export const VIEW_COLORS: Record<ViewOrientation, string> = { xy: '#4aa3ff', xz: '#ff6b6b', yz: '#5fd35f' };

/** The badge of a view: its name in its colour and a maximise/restore button. */
export function viewBadge(orientation: ViewOrientation, toggle: () => void): HTMLElement {
  const button = h('button', { type: 'button', class: 'view-maximise', title: 'Maximise this view / back to three views (V)' }, '⤢');
  button.addEventListener('click', toggle);
  const swatch = h('span', { class: 'swatch' });
  swatch.style.background = VIEW_COLORS[orientation]; // CSSOM, not a style attribute: the CSP forbids inline styles
  return h('div', { class: 'view-badge' }, swatch, orientation, button);
}

export class OrthoPane {
  readonly element: HTMLElement;
  readonly viewer: Viewer;
  readonly raw: DisplayedImage;
  readonly labels: LabelLayer;
  readonly predictions: PredictionLayer;
  readonly painter: LabelPainter;
  readonly tools: LabelTools;
  readonly width: number;
  readonly height: number;
  private readonly sender: MessageSender;
  /** Slice index along the axis this view cuts (y for xz, x for yz). */
  index: number;
  private labelsFrame = 0;

  constructor(readonly orientation: 'xz' | 'yz', private readonly host: OrthoPaneHost, index: number, aspect: number) {
    const s = host.image.shape;
    ({ width: this.width, height: this.height } = planeSizeOf(s, orientation));
    this.index = index;
    this.sender = {
      send: (body: WebviewToHostMessage, transfer?: ArrayBuffer[]) => {
        const tagged = body.type === 'image/requestPlane' || body.type === 'labels/requestPlane' || body.type === 'labels/paint' || body.type === 'labels/tool'
          ? { ...body, orientation } as WebviewToHostMessage : body;
        host.rpc.send(tagged, transfer);
      },
    };
    this.viewer = new Viewer({
      layers: () => host.layers(this),
      onViewChanged: () => host.onViewChanged(this),
      onHover: (p) => host.onHover(this, p),
      onStrokeStart: (x, y) => host.onStrokeStart(this, x, y),
      onStrokeMove: (x, y) => host.onStrokeMove(this, x, y),
      onStrokeEnd: () => host.onStrokeEnd(this),
      onCrosshair: (x, y) => host.onCrosshair(this, x, y),
      onFocus: () => host.onFocus(this),
    }, `image-canvas-${orientation}`);
    const planeImage: ImageDescriptor = { ...host.image, shape: { ...s, x: this.width, y: this.height } };
    this.raw = new DisplayedImage(this.sender, planeImage, host.display(), () => this.plane(), () => this.viewer.invalidate());
    this.labels = new LabelLayer(this.width, this.height);
    this.labels.onStale = (t, z) => this.sender.send({ type: 'labels/requestPlane', t, z });
    this.predictions = new PredictionLayer(this.width, this.height);
    this.painter = new LabelPainter(this.sender, this.labels, this.width, this.height, () => this.viewer.invalidate());
    this.tools = new LabelTools({
      rpc: this.sender, labels: this.labels, width: this.width, height: this.height,
      redraw: () => this.viewer.invalidate(),
      outline: (points, closed) => this.viewer.setToolOutline(points, closed),
      region: (t, z, c, box) => planeRegion(this.raw.planes.get(t, z, c), box),
      range: (c) => {
        const plane = this.raw.planes.get(host.t(), this.index, c);
        return this.raw.display.contrast[c] ?? (plane ? autoRange(plane.stats) : { min: 0, max: 1 });
      },
      visible: () => this.viewer.visibleBox(),
      scale: () => this.viewer.view.scale,
    });
    this.element = h('div', { class: 'view-cell', id: `view-${orientation}` }, this.viewer.element, viewBadge(orientation, () => host.toggleMaximise(orientation)));
    this.viewer.setImageSize(this.width, this.height, undefined, aspect);
  }

  /** The plane shown: (t, slice index). */
  plane(): { t: number; z: number } {
    return { t: this.host.t(), z: this.index };
  }

  /** Shows slice `index` at time `t`: asks for what is missing. */
  show(index: number): void {
    this.index = index;
    const { t } = this.plane();
    this.predictions.setPlane(t, index);
    if (this.labels.setPlane(t, index)) this.sender.send({ type: 'labels/requestPlane', t, z: index });
    this.raw.requestPlanes();
    this.raw.render();
    this.viewer.invalidate();
  }

  /** A host message addressed to this view's orientation. */
  handle(m: Extract<HostToWebviewMessage, ImagePlaneMessage | LabelsPlaneMessage | PredictionTileMessage>): void {
    switch (m.type) {
      case 'image/plane':
        this.raw.onPlane(m);
        break;
      case 'labels/plane':
        this.labels.onPlane(m);
        this.viewer.invalidate();
        break;
      case 'prediction/tile': {
        const { t, z } = this.plane();
        if (this.predictions.onTile(m) && m.t === t && m.z === z) this.viewer.invalidate();
        break;
      }
    }
  }

  /**
   * Labels of the xy plane (t, z) changed in `rows` × `columns` (a host patch): when that box crosses this view's
   * plane, its labels are asked for again (once per frame, however many slices an edit touched).
   */
  xyLabelsChanged(t: number, z: number, box: { column: number; row: number; width: number; height: number }): void {
    if (t !== this.host.t()) return;
    const crosses = this.orientation === 'xz'
      ? box.row <= this.index && this.index < box.row + box.height
      : box.column <= this.index && this.index < box.column + box.width;
    if (!crosses || this.labelsFrame) return;
    this.labelsFrame = requestAnimationFrame(() => {
      this.labelsFrame = 0;
      const p = this.plane();
      if (this.labels.invalidatePlane(p.t, p.z)) this.sender.send({ type: 'labels/requestPlane', t: p.t, z: p.z });
    });
  }

  /** The crosshair lines in this view: x → vertical line, y → horizontal line, in this plane's coordinates. */
  setCrosshair(lines: { x?: CrosshairLine; y?: CrosshairLine }): void {
    this.viewer.setCrosshair(lines);
  }
}
