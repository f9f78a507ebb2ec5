/**
 * The editor page: owns the state, builds the layout, routes host messages to the layers and panels,
 * and turns user input into protocol intents. The host owns the truth (labels, classes, features,
 * predictions); this page shows it and sends what the user does.
 */
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import type {
  ClassifierStatus, EditorSettings, HostToWebviewMessage, ImageDescriptor, InitMessage, LabelClass, PixelBox,
} from '../extension/protocol';
import { h, icon, ICONS } from './dom';
import { Rpc, type VsCodeApi } from './rpc';
import { Viewer, type Layer } from './canvas/viewer';
import { PlaneStore, ImageLayer } from './canvas/imageLayer';
import { LabelLayer } from './canvas/labelLayer';
import { PredictionLayer, OVERLAY_KINDS } from './canvas/predictionLayer';
import { type DisplayLayer, getLut, parseHexColor } from './canvas/lut';
import { autoRange, defaultDisplay, displayedChannels, formatReadout, validDisplay } from './displaySettings';
import { classPalette } from './canvas/overlays';
import { clampStrokePoints, interpolateStroke, rasterizeStroke, strokeSpacing, unionBox } from './canvas/stroke';
import { sameBox, visibleBox } from './canvas/viewTransform';
import { type ChannelDisplay, type PersistedState, type Tool, StateSaver, sanitizeState } from './viewState';
import { Toolbar } from './panels/toolbar';
import { DisplayPanel } from './panels/displayPanel';
import { ClassesPanel } from './panels/classesPanel';
import { OverlaysPanel } from './panels/overlaysPanel';
import { ClassifierPanel } from './panels/classifierPanel';
import { FeaturesPanel } from './panels/featuresPanel';

const MAX_STROKE_POINTS = 100_000;
/** Channels whose planes are fetched for the readout even when not displayed. */
const MAX_READOUT_CHANNELS = 64;

export class EditorApp {
  private readonly rpc: Rpc;
  private readonly saver: StateSaver;
  private readonly root: HTMLElement;
  private image!: ImageDescriptor;
  private state!: PersistedState;
  private display!: ChannelDisplay;
  private classes: LabelClass[] = [];
  private settings: EditorSettings = { liveUpdate: true, readOnly: false, tileSize: 256 };
  private status: ClassifierStatus | undefined;
  private labelCount = 0;
  private viewer!: Viewer;
  private toolbar!: Toolbar;
  private planes = new PlaneStore();
  private imageLayer!: ImageLayer;
  private labelLayer!: LabelLayer;
  private predictions!: PredictionLayer;
  private displayPanel!: DisplayPanel;
  private classesPanel!: ClassesPanel;
  private overlaysPanel!: OverlaysPanel;
  private classifierPanel!: ClassifierPanel;
  private featuresPanel!: FeaturesPanel;
  private readout!: HTMLElement;
  private projectStatus!: HTMLElement;
  private stateStatus!: HTMLElement;
  private errorBanner!: HTMLElement;
  private errorText!: HTMLElement;
  private warningBanner!: HTMLElement;
  private noticeBanner!: HTMLElement;
  private readonlyBanner!: HTMLElement;
  private sidePanel!: HTMLElement;
  private imageShown = false;
  private hoverPoint: { x: number; y: number } | null = null;
  private stroke: { raw: number[]; last: [number, number]; classId: number; box: PixelBox; t: number; z: number } | undefined;
  private viewTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSentView: { t: number; z: number; box: PixelBox } | undefined;
  private spaceDown = false;
  private initialized = false;

  constructor(api: VsCodeApi, root: HTMLElement) {
    this.rpc = new Rpc(api);
    this.saver = new StateSaver((s) => api.setState(s));
    this.root = root;
    this.restoredState = api.getState();
    this.buildShell();
    this.rpc.listen((m) => this.onMessage(m));
    window.addEventListener('error', (e) => this.rpc.log('error', `webview: ${e.message}`));
    // The webview is destroyed when hidden (no retainContextWhenHidden): write pending state now.
    const flush = (): void => { if (this.state) this.saver.flush(this.state); };
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });
    this.rpc.send({ type: 'ready' });
  }

  private readonly restoredState: unknown;

  // ------------------------------------------------------------------ layout

  private buildShell(): void {
    this.errorText = h('span', { class: 'banner-text' });
    this.errorBanner = h('div', { id: 'error-banner', class: 'banner error hidden', role: 'alert' },
      icon([...ICONS.warning]), this.errorText,
      h('button', { class: 'banner-close', title: 'Dismiss', 'aria-label': 'Dismiss', onclick: () => this.errorBanner.classList.add('hidden') }, icon([...ICONS.close])));
    this.warningBanner = h('div', { id: 'warning-banner', class: 'banner warning hidden', role: 'status' });
    this.noticeBanner = h('div', { id: 'notice-banner', class: 'banner info hidden', role: 'status' });
    this.readonlyBanner = h('div', { id: 'readonly-banner', class: 'banner info hidden', role: 'status' },
      icon([...ICONS.lock]), h('span', { class: 'banner-text' }, 'Read-only: painting and saving are disabled (restricted workspace or read-only file).'));
    const loading = h('div', { class: 'loading', id: 'loading' }, h('div', { class: 'spinner' }), h('span', {}, 'Loading image…'));
    this.root.replaceChildren(h('div', { class: 'banners' }, this.errorBanner, this.readonlyBanner, this.warningBanner, this.noticeBanner), loading);
  }

  private buildEditor(): void {
    this.toolbar = new Toolbar({
      setTool: (t) => this.setTool(t),
      setBrushSize: (s) => this.setBrushSize(s),
      fit: () => this.viewer.fit(),
      oneToOne: () => this.viewer.oneToOne(),
      zoomBy: (f) => this.viewer.zoomBy(f),
      setZ: (z) => this.setPlane(this.state.t, z),
      setT: (t) => this.setPlane(t, this.state.z),
      setLive: (enabled) => { this.settings.liveUpdate = enabled; this.rpc.send({ type: 'live/set', enabled }); },
      updateNow: () => this.rpc.send({ type: 'live/updateNow' }),
      mostUncertain: () => this.rpc.send({ type: 'navigate/mostUncertain' }),
      toggleSidePanel: () => { this.sidePanel.classList.toggle('hidden'); },
    });
    this.viewer = new Viewer({
      layers: () => this.layers(),
      onViewChanged: () => this.onViewChanged(),
      onHover: (p) => { this.hoverPoint = p; this.updateReadout(); },
      onStrokeStart: (x, y) => this.strokeStart(x, y),
      onStrokeMove: (x, y) => this.strokeMove(x, y),
      onStrokeEnd: () => this.strokeEnd(),
    });
    const { x: width, y: height } = this.image.shape;
    this.imageLayer = new ImageLayer();
    this.labelLayer = new LabelLayer(width, height);
    this.predictions = new PredictionLayer(width, height);

    this.displayPanel = new DisplayPanel({
      setDisplay: (d) => { this.display = d; this.state.display = d; this.save(); this.displayPanel.render(d); this.requestPlanes(); this.renderImage(); },
      setContrast: (c, min, max) => { this.display.contrast[c] = { min, max }; this.save(); this.scheduleRender(); },
      autoContrast: (c) => this.autoContrast(c),
    }, this.image.channelNames.length === this.image.shape.c ? this.image.channelNames : Array.from({ length: this.image.shape.c }, (_, i) => this.image.channelNames[i] ?? ''),
    this.image.dtype, (c) => this.planes.get(this.state.t, this.state.z, c));

    this.classesPanel = new ClassesPanel({
      select: (id) => this.selectClass(id),
      add: () => this.rpc.send({ type: 'classes/add' }),
      rename: (classId, name) => this.rpc.send({ type: 'classes/rename', classId, name }),
      recolor: (classId, color) => this.rpc.send({ type: 'classes/recolor', classId, color }),
      remove: (classId) => this.rpc.send({ type: 'classes/delete', classId }),
    });
    this.overlaysPanel = new OverlaysPanel((kind, setting) => {
      this.state.overlays[kind] = setting;
      if (kind !== 'labels') this.predictions.setVisible(kind, setting.visible);
      this.save();
      this.viewer.invalidate();
    });
    this.classifierPanel = new ClassifierPanel();
    this.featuresPanel = new FeaturesPanel({
      apply: (features) => this.rpc.send({ type: 'features/set', features }),
    }, this.image);

    const section = (key: string, title: string, body: HTMLElement, open = true): HTMLElement => {
      const el = h('vscode-collapsible', { title, class: 'section', id: `section-${key}`, open: !(this.state.collapsed[key] ?? !open) }, body);
      el.addEventListener('vsc-collapsible-toggle', (e: Event) => {
        this.state.collapsed[key] = !(e as CustomEvent<{ open: boolean }>).detail.open;
        this.save();
      });
      return el;
    };
    this.sidePanel = h('aside', { class: 'side-panel', id: 'side-panel', 'aria-label': 'Panels' },
      section('classes', 'Label classes', this.classesPanel.element),
      section('classifier', 'Classifier', this.classifierPanel.element),
      section('overlays', 'Overlays', this.overlaysPanel.element),
      section('display', 'Display', this.displayPanel.element),
      section('features', 'Features', this.featuresPanel.element, false),
    );

    this.readout = h('span', { id: 'pixel-readout', class: 'readout', 'aria-live': 'off' });
    this.projectStatus = h('span', { class: 'status-item', id: 'status-project' });
    this.stateStatus = h('span', { class: 'status-item', id: 'status-state' });
    const s = this.image.shape;
    const info = `${s.x}×${s.y}${s.z > 1 ? `×${s.z}z` : ''}${s.c > 1 ? ` · ${s.c} ch` : ''}${s.t > 1 ? ` · ${s.t} t` : ''} · ${this.image.dtype}`;
    const statusBar = h('footer', { class: 'statusbar' },
      this.readout, h('span', { class: 'status-spacer' }), this.stateStatus, this.projectStatus,
      h('span', { class: 'status-item', title: this.image.fileName }, info));

    const viewerArea = h('div', { class: 'viewer-column' }, h('div', { class: 'viewer-area' }, this.viewer.element), this.toolbar.planeBar);
    this.root.replaceChildren(
      this.toolbar.element,
      h('div', { class: 'banners' }, this.errorBanner, this.readonlyBanner, this.warningBanner, this.noticeBanner),
      h('div', { class: 'main' }, viewerArea, this.splitter(), this.sidePanel),
      statusBar,
    );
    this.bindKeys();
  }

  /** Drag handle that resizes the side panel (width kept in the webview state). */
  private splitter(): HTMLElement {
    const el = h('div', { class: 'splitter', role: 'separator', 'aria-orientation': 'vertical', title: 'Drag to resize the panel' });
    const apply = (w: number): void => { this.sidePanel.style.width = `${w}px`; };
    if (this.state.sideWidth) apply(this.state.sideWidth);
    el.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      el.setPointerCapture(e.pointerId);
      el.classList.add('dragging');
      const startX = e.clientX;
      const startW = this.sidePanel.getBoundingClientRect().width;
      const move = (ev: PointerEvent): void => {
        const w = Math.round(Math.max(220, Math.min(window.innerWidth * 0.6, startW - (ev.clientX - startX))));
        this.state.sideWidth = w;
        apply(w);
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

  // ------------------------------------------------------------------ messages

  private onMessage(m: HostToWebviewMessage): void {
    try {
      this.handle(m);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.rpc.log('error', `webview failed to handle ${m.type}: ${msg}`);
      this.showError(`Could not handle ${m.type}: ${msg}`, false);
    }
  }

  private handle(m: HostToWebviewMessage): void {
    switch (m.type) {
      case 'init': this.init(m); break;
      case 'image/plane': {
        if (!this.initialized) return;
        const plane = this.planes.put(m);
        if (!this.display.contrast[m.c] && m.t === this.state.t && m.z === this.state.z) {
          this.display.contrast[m.c] = autoRange(plane.stats);
          this.displayPanel.refreshContrast(this.display);
        }
        if (m.t === this.state.t && m.z === this.state.z) {
          this.renderImage();
          this.displayPanel.refreshContrast(this.display);
          this.updateReadout();
        }
        break;
      }
      case 'labels/plane':
        if (!this.initialized) return;
        this.labelLayer.onPlane(m);
        this.viewer.invalidate();
        break;
      case 'labels/patch':
        if (!this.initialized) return;
        this.labelLayer.onPatch(m);
        this.setLabelCount(m.labelCount);
        this.viewer.invalidate();
        break;
      case 'classes/update':
        this.setClasses(m.classes);
        break;
      case 'features/update':
        if (this.initialized) this.featuresPanel.setSelection(m.features);
        break;
      case 'status/update':
        this.setStatus(m.status);
        break;
      case 'prediction/tile':
        if (!this.initialized) return;
        if (this.predictions.onTile(m)) {
          document.body.dataset.predictionTiles = String(this.predictions.tilesDrawn);
          if (m.t === this.state.t && m.z === this.state.z) { this.viewer.invalidate(); this.updateReadout(); }
        }
        break;
      case 'prediction/clear':
        if (!this.initialized) return;
        this.predictions.clear(m.generation, this.settings.liveUpdate);
        this.viewer.invalidate();
        break;
      case 'view/navigate':
        if (!this.initialized) return;
        this.setPlane(clampInt(m.t, 0, this.image.shape.t - 1), clampInt(m.z, 0, this.image.shape.z - 1));
        this.viewer.showBox(m.box);
        break;
      case 'settings/update':
        this.applySettings(m.settings);
        break;
      case 'project/file':
        this.showProjectFile(m.projectFile);
        break;
      case 'notice/show':
        this.showNotice(m.message, m.questionId, m.actions);
        break;
      case 'error/show':
        this.showError(m.message, m.fatal);
        if (this.initialized) { this.labelLayer.dropPreviews(); this.planes.clearRequests(); this.viewer.invalidate(); }
        break;
      default: {
        const never: never = m;
        this.rpc.log('warn', `webview: unknown message ${JSON.stringify((never as { type?: unknown }).type)}`);
      }
    }
  }

  private init(m: InitMessage): void {
    if (this.initialized) {
      // A second init (host reloaded the document): start over with the new data.
      this.planes = new PlaneStore();
      this.imageShown = false;
    }
    this.image = m.image;
    const s = m.image.shape;
    const key = `${m.image.fileName}|${s.t}x${s.z}x${s.c}x${s.y}x${s.x}|${m.image.dtype}`;
    this.state = sanitizeState(this.restoredState, key);
    this.state.t = Math.min(this.state.t, s.t - 1);
    this.state.z = Math.min(this.state.z, s.z - 1);
    this.display = validDisplay(this.state.display, m.image) ?? defaultDisplay(m.image);
    this.state.display = this.display;
    this.buildEditor();
    this.initialized = true;
    this.settings = m.settings;
    this.applySettings(m.settings);
    this.setClasses(m.classes);
    this.setStatus(m.status);
    this.featuresPanel.setSelection(m.features);
    this.showProjectFile(m.projectFile);
    if (m.warnings.length) {
      this.warningBanner.replaceChildren(icon([...ICONS.warning]), h('span', { class: 'banner-text' }, m.warnings.join(' · ')),
        h('button', { class: 'banner-close', title: 'Dismiss', 'aria-label': 'Dismiss', onclick: () => this.warningBanner.classList.add('hidden') }, icon([...ICONS.close])));
      this.warningBanner.classList.remove('hidden');
    }
    this.toolbar.setAxes(s.z, s.t);
    this.toolbar.setPlane(this.state.z, this.state.t, s.z, s.t);
    this.setTool(this.state.tool);
    this.setBrushSize(this.state.brushSize);
    for (const kind of OVERLAY_KINDS) this.predictions.setVisible(kind, this.state.overlays[kind].visible);
    this.overlaysPanel.render(this.state.overlays);
    this.displayPanel.render(this.display);
    this.viewer.setImageSize(s.x, s.y, this.state.view);
    this.predictions.setPlane(this.state.t, this.state.z);
    if (this.labelLayer.setPlane(this.state.t, this.state.z)) this.rpc.send({ type: 'labels/requestPlane', t: this.state.t, z: this.state.z });
    this.requestPlanes();
    document.body.dataset.labelCount = String(this.labelCount);
    document.body.dataset.predictionTiles = '0';
  }

  // ------------------------------------------------------------------ image

  /** Requests the displayed planes of (t, z) first, then the other channels for the readout. */
  private requestPlanes(): void {
    const { t, z } = this.state;
    const shown = displayedChannels(this.display, this.image.shape.c);
    const all = Array.from({ length: Math.min(this.image.shape.c, MAX_READOUT_CHANNELS) }, (_, c) => c);
    for (const c of [...shown, ...all.filter((c) => !shown.includes(c))]) {
      if (this.planes.shouldRequest(t, z, c)) this.rpc.send({ type: 'image/requestPlane', t, z, c });
    }
  }

  private renderImage(): void {
    const { t, z } = this.state;
    const layers: DisplayLayer[] = [];
    const spec: string[] = [];
    const d = this.display;
    const entries = d.mode === 'single' || this.image.shape.c === 1
      ? [{ channel: Math.min(d.channel, this.image.shape.c - 1), lut: d.lut }]
      : d.composite.filter((l) => l.enabled);
    for (const e of entries) {
      const plane = this.planes.get(t, z, e.channel);
      if (!plane) return; // keep showing the previous image until every plane is here
      const con = d.contrast[e.channel] ?? autoRange(plane.stats);
      layers.push({ data: plane.data, dtype: plane.dtype, min: con.min, max: con.max, lut: getLut(e.lut) });
      spec.push(`${e.channel}:${e.lut}:${con.min}:${con.max}`);
    }
    const { x: width, y: height } = this.image.shape;
    this.imageLayer.show(`${t}/${z}|${spec.join(',')}`, width, height, layers);
    this.viewer.invalidate();
    if (!this.imageShown) {
      this.imageShown = true;
      this.viewer.drawNow();
      document.body.dataset.ready = 'true';
    }
  }

  /** Re-renders on the next frame (slider drags fire faster than a large plane renders). */
  private scheduleRender(): void {
    if (this.renderFrame) return;
    this.renderFrame = requestAnimationFrame(() => { this.renderFrame = 0; this.renderImage(); });
  }

  private renderFrame = 0;

  private autoContrast(c: number): void {
    const plane = this.planes.get(this.state.t, this.state.z, c);
    if (!plane) return;
    this.display.contrast[c] = autoRange(plane.stats);
    this.displayPanel.refreshContrast(this.display);
    this.save();
    this.renderImage();
  }

  private layers(): Layer[] {
    if (!this.imageShown) return [];
    const o = this.state.overlays;
    const list: Layer[] = [{ source: this.imageLayer.canvas, opacity: 1 }];
    for (const kind of OVERLAY_KINDS) {
      if (o[kind].visible && this.predictions.hasCurrent) list.push({ source: this.predictions.canvases[kind], opacity: o[kind].opacity });
    }
    if (o.labels.visible && !this.labelLayer.isBlank) list.push({ source: this.labelLayer.canvas, opacity: o.labels.opacity });
    return list;
  }

  private setPlane(t: number, z: number): void {
    if (t === this.state.t && z === this.state.z) return;
    this.state.t = t;
    this.state.z = z;
    const s = this.image.shape;
    this.toolbar.setPlane(z, t, s.z, s.t);
    this.predictions.setPlane(t, z);
    if (this.labelLayer.setPlane(t, z)) this.rpc.send({ type: 'labels/requestPlane', t, z });
    this.requestPlanes();
    this.renderImage();
    this.viewer.invalidate();
    this.save();
    this.onViewChanged();
  }

  // ------------------------------------------------------------------ readout and view

  private updateReadout(): void {
    const p = this.hoverPoint;
    if (!p || !this.initialized) { if (this.readout) this.readout.textContent = ''; return; }
    const col = Math.floor(p.x), row = Math.floor(p.y);
    const s = this.image.shape;
    if (col < 0 || row < 0 || col >= s.x || row >= s.y) { this.readout.textContent = ''; return; }
    const { t, z } = this.state;
    const values = Array.from({ length: s.c }, (_, c) => {
      const plane = this.planes.get(t, z, c);
      return plane ? plane.data[row * s.x + col] : undefined;
    });
    const text = formatReadout(col, row, z, t, values, this.predictions.probabilitiesAt(col, row));
    this.readout.textContent = text;
    const label = this.labelLayer.labelAt(col, row);
    const cls = this.classes.find((c) => c.id === label);
    this.readout.title = cls ? `label: ${cls.name}` : '';
  }

  private onViewChanged(): void {
    if (!this.initialized) return;
    this.state.view = { ...this.viewer.view };
    this.toolbar.setZoom(this.viewer.view.scale);
    this.save();
    if (this.viewTimer !== undefined) clearTimeout(this.viewTimer);
    this.viewTimer = setTimeout(() => {
      this.viewTimer = undefined;
      const box = visibleBox(this.viewer.view, this.viewer.cssWidth, this.viewer.cssHeight, this.image.shape.x, this.image.shape.y);
      const { t, z } = this.state;
      const last = this.lastSentView;
      if (last && last.t === t && last.z === z && sameBox(last.box, box)) return;
      if (box.width === 0 || box.height === 0) return;
      this.lastSentView = { t, z, box };
      this.rpc.send({ type: 'view/changed', t, z, box });
    }, 100);
  }

  // ------------------------------------------------------------------ labeling

  private canPaint(): boolean {
    return !this.settings.readOnly && this.state.tool !== 'pan';
  }

  private currentClassId(): number {
    return this.state.tool === 'eraser' ? 0 : this.state.selectedClass;
  }

  private strokeStart(x: number, y: number): void {
    if (!this.canPaint()) return;
    const classId = this.currentClassId();
    if (classId !== 0 && !this.classes.some((c) => c.id === classId)) {
      this.showError('Add a label class before painting.', false);
      return;
    }
    this.stroke = { raw: [x, y], last: [x, y], classId, box: { column: 0, row: 0, width: 0, height: 0 }, t: this.state.t, z: this.state.z };
    this.previewSegment([x, y]);
  }

  private strokeMove(x: number, y: number): void {
    const s = this.stroke;
    if (!s) return;
    const [lx, ly] = s.last;
    if (Math.abs(x - lx) < 1e-3 && Math.abs(y - ly) < 1e-3) return;
    s.raw.push(x, y);
    s.last = [x, y];
    this.previewSegment(interpolateStroke([lx, ly, x, y], strokeSpacing(this.state.brushSize)));
  }

  private previewSegment(points: ArrayLike<number>): void {
    const s = this.stroke;
    if (!s) return;
    const mask = rasterizeStroke(points, this.state.brushSize, this.image.shape.x, this.image.shape.y);
    this.labelLayer.preview(mask, s.classId);
    s.box = unionBox(s.box, mask.box);
    this.viewer.invalidate();
  }

  private strokeEnd(): void {
    const s = this.stroke;
    this.stroke = undefined;
    if (!s) return;
    // Dense points make the stroke gap-free whatever the host's interpolation; the raw mouse positions
    // (which the host interpolates between) are the fallback for extremely long strokes.
    let points = interpolateStroke(s.raw, strokeSpacing(this.state.brushSize));
    if (points.length / 2 > MAX_STROKE_POINTS) points = Float32Array.from(s.raw.slice(0, MAX_STROKE_POINTS * 2));
    clampStrokePoints(points, this.image.shape.x, this.image.shape.y);
    this.labelLayer.strokeSent(s.box);
    this.rpc.send({ type: 'labels/paint', t: s.t, z: s.z, classId: s.classId, brushSize: this.state.brushSize, points: points.buffer as ArrayBuffer }, [points.buffer as ArrayBuffer]);
  }

  private setTool(tool: Tool): void {
    if (this.settings.readOnly && tool !== 'pan') tool = 'pan';
    this.state.tool = tool;
    this.toolbar.setTool(tool);
    this.viewer.setTool(tool);
    this.save();
  }

  private setBrushSize(size: number): void {
    const s = clampInt(size, 1, 61);
    this.state.brushSize = s;
    this.toolbar.setBrushSize(s);
    this.viewer.setBrush(s, this.classColor(this.state.selectedClass));
    this.save();
  }

  private selectClass(id: number): void {
    if (!this.classes.some((c) => c.id === id)) return;
    this.state.selectedClass = id;
    this.classesPanel.setSelected(id);
    this.viewer.setBrush(this.state.brushSize, this.classColor(id));
    if (this.state.tool !== 'brush' && !this.settings.readOnly) this.setTool('brush');
    this.save();
  }

  private classColor(id: number): string {
    return this.classes.find((c) => c.id === id)?.color ?? '#ffffff';
  }

  private setClasses(classes: LabelClass[]): void {
    this.classes = classes;
    if (!this.initialized) return;
    const palette = classPalette(classes.map((c) => ({ id: c.id, rgb: parseHexColor(c.color) })));
    this.labelLayer.setPalette(palette);
    this.predictions.setPalette(palette);
    if (!classes.some((c) => c.id === this.state.selectedClass) && classes.length) this.state.selectedClass = classes[0].id;
    this.classesPanel.setClasses(classes, this.state.selectedClass, this.status?.labelCounts ?? []);
    this.classifierPanel.setClasses(classes);
    this.viewer.setBrush(this.state.brushSize, this.classColor(this.state.selectedClass));
    this.viewer.invalidate();
  }

  private setStatus(status: ClassifierStatus): void {
    this.status = status;
    if (!this.initialized) return;
    const total = status.labelCounts.reduce((a, b) => a + (b || 0), 0);
    this.setLabelCount(total);
    this.classesPanel.setCounts(status.labelCounts);
    this.classifierPanel.setStatus(status);
    this.featuresPanel.setHostEstimate(status.featureChannels, status.featureMemoryBytes);
    const busy = status.state !== 'idle' && status.state !== 'error';
    if (!busy && this.predictions.dropStale()) { this.viewer.invalidate(); this.updateReadout(); }
    this.toolbar.setBusy(busy);
    this.stateStatus.textContent = busy ? `${stateLabel(status.state)} ${Math.round(status.progress * 100)}%` : status.state === 'error' ? 'Classifier error' : '';
    this.stateStatus.classList.toggle('busy', busy);
  }

  private setLabelCount(n: number): void {
    this.labelCount = n;
    document.body.dataset.labelCount = String(n);
  }

  private applySettings(settings: EditorSettings): void {
    this.settings = settings;
    if (!this.initialized) return;
    this.toolbar.setLive(settings.liveUpdate);
    this.toolbar.setReadOnly(settings.readOnly);
    this.classesPanel.setReadOnly(settings.readOnly);
    this.readonlyBanner.classList.toggle('hidden', !settings.readOnly);
    this.viewer.paintingEnabled = !settings.readOnly;
    document.body.classList.toggle('read-only', settings.readOnly);
    if (settings.readOnly) this.setTool('pan');
  }

  private showProjectFile(projectFile: string): void {
    if (!this.projectStatus) return;
    this.projectStatus.textContent = projectFile;
    this.projectStatus.title = `Labels are saved in ${projectFile}`;
  }

  /**
   * Shows `message` in the info banner (`#notice-banner`) until dismissed or replaced. A question (with
   * `questionId`) gets one button per action; the answer, or a dismissal, goes back to the host.
   */
  private showNotice(message: string, questionId?: string, actions: string[] = []): void {
    const answer = (action?: string) => {
      this.noticeBanner.classList.add('hidden');
      if (questionId) this.rpc.send(action === undefined ? { type: 'notice/answer', questionId } : { type: 'notice/answer', questionId, action });
    };
    const buttons = actions.map((action) => h('button', { class: 'banner-action', onclick: () => answer(action) }, action));
    this.noticeBanner.replaceChildren(icon([...ICONS.info]), h('span', { class: 'banner-text' }, message), ...buttons,
      h('button', { class: 'banner-close', title: 'Dismiss', 'aria-label': 'Dismiss', onclick: () => answer() }, icon([...ICONS.close])));
    this.noticeBanner.classList.remove('hidden');
  }

  private showError(message: string, fatal: boolean): void {
    this.errorText.textContent = message;
    this.errorBanner.classList.remove('hidden');
    this.errorBanner.classList.toggle('fatal', fatal);
    if (fatal) {
      document.body.classList.add('fatal');
      document.getElementById('loading')?.remove();
    }
  }

  private save(): void {
    if (this.state) this.saver.save(this.state);
  }

  // ------------------------------------------------------------------ keyboard

  private keysBound = false;

  private bindKeys(): void {
    if (this.keysBound) return;
    this.keysBound = true;
    const isTyping = (e: KeyboardEvent): boolean => {
      const target = e.composedPath()[0];
      if (!(target instanceof HTMLElement)) return false;
      const tag = target.tagName;
      return (tag === 'INPUT' && !['range', 'checkbox', 'color', 'button'].includes((target as HTMLInputElement).type)) || tag === 'TEXTAREA' || target.isContentEditable;
    };
    window.addEventListener('keydown', (e) => {
      if (!this.initialized || e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
      const s = this.image.shape;
      let handled = true;
      switch (e.key) {
        case 'b': case 'B': this.setTool('brush'); break;
        case 'e': case 'E': this.setTool('eraser'); break;
        case 'h': case 'H': this.setTool('pan'); break;
        case 'f': case 'F': this.viewer.fit(); break;
        case '[': this.setBrushSize(this.state.brushSize - (this.state.brushSize > 10 ? 2 : 1)); break;
        case ']': this.setBrushSize(this.state.brushSize + (this.state.brushSize >= 10 ? 2 : 1)); break;
        case '+': case '=': this.viewer.zoomBy(1.5); break;
        case '-': this.viewer.zoomBy(1 / 1.5); break;
        case 'PageUp': if (e.shiftKey) this.setPlane(Math.max(0, this.state.t - 1), this.state.z); else this.setPlane(this.state.t, Math.max(0, this.state.z - 1)); break;
        case 'PageDown': if (e.shiftKey) this.setPlane(Math.min(s.t - 1, this.state.t + 1), this.state.z); else this.setPlane(this.state.t, Math.min(s.z - 1, this.state.z + 1)); break;
        case ' ':
          if (!this.spaceDown) { this.spaceDown = true; this.viewer.setSpaceDown(true); }
          break;
        default:
          if (/^[1-9]$/.test(e.key)) {
            const cls = this.classes[Number(e.key) - 1];
            if (cls) this.selectClass(cls.id);
          } else handled = false;
      }
      if (handled) e.preventDefault();
    });
    window.addEventListener('keyup', (e) => {
      if (e.key === ' ' && this.spaceDown) { this.spaceDown = false; this.viewer.setSpaceDown(false); }
    });
    window.addEventListener('blur', () => { if (this.spaceDown) { this.spaceDown = false; this.viewer.setSpaceDown(false); } });
  }
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(v)));
}

function stateLabel(state: ClassifierStatus['state']): string {
  switch (state) {
    case 'computing-features': return 'Computing features';
    case 'training': return 'Training';
    case 'predicting': return 'Predicting';
    case 'error': return 'Error';
    default: return '';
  }
}

