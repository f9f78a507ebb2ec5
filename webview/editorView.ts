/**
 * The editor of one opened image, built whole from the host's `init`: layout, layers and panels, the routing of
 * host messages to them, and user input turned into protocol intents. The host owns the truth (labels, classes,
 * features, predictions); this view shows it and sends what the user does. A second `init` builds a new view.
 */
import { LabelTools, type ToolContext } from './labelTools';
import { SuperpixelBoundaries } from './canvas/superpixelBoundaries';
import { PixelSizePanel } from './panels/pixelSizePanel';
import { ScaleBar } from './canvas/scaleBar';
import { SUPERPIXEL_TILE } from '../extension/core/labels/tools/superpixels';
import { autoRange } from './displaySettings';
import type {
  ClassifierStatus, EditorSettings, HostToWebviewMessage, ImageDescriptor, InitMessage, LabelClass, PixelBox, PixelSizeData, UiCommand,
} from '../extension/protocol';
import { h } from './dom';
import type { Rpc } from './rpc';
import { Viewer, type Layer } from './canvas/viewer';
import { LabelLayer } from './canvas/labelLayer';
import { PredictionLayer, OVERLAY_KINDS } from './canvas/predictionLayer';
import { layerStack, type LayerId } from './canvas/layerStack';
import { parseHexColor } from './canvas/lut';
import { defaultDisplay, displayedChannels, formatReadout, validDisplay } from './displaySettings';
import { DisplayedImage } from './displayedImage';
import { FeaturePreviewController } from './featurePreviewController';
import { SidePanel } from './sidePanel';
import { classPalette } from './canvas/overlays';
import { sameBox, visibleBox } from './canvas/viewTransform';
import { type PersistedState, type ResultView, type StateSaver, type Tool, sanitizeState } from './viewState';
import { shortcutFor } from './keyboardShortcuts';
import { LabelPainter } from './labelPainter';
import type { Banners } from './banners';
import { Toolbar } from './panels/toolbar';
import { DisplayPanel } from './panels/displayPanel';
import { ClassesPanel } from './panels/classesPanel';
import { ResultsPanel } from './panels/resultsPanel';
import { ClassifierPanel } from './panels/classifierPanel';
import { FeaturesPanel } from './panels/featuresPanel';

/** What the view shares with the page that created it. */
export interface EditorViewEnv {
  rpc: Rpc;
  saver: StateSaver;
  root: HTMLElement;
  banners: Banners;
  /** The webview state VS Code restored (untrusted). */
  restoredState: unknown;
}

export class EditorView {
  private readonly rpc: Rpc;
  private readonly saver: StateSaver;
  private readonly banners: Banners;
  private readonly image: ImageDescriptor;
  private readonly state: PersistedState;
  private classes: LabelClass[] = [];
  private settings: EditorSettings;
  private status: ClassifierStatus | undefined;
  private readonly viewer: Viewer;
  private readonly toolbar: Toolbar;
  private readonly raw: DisplayedImage;
  private readonly labelLayer: LabelLayer;
  private readonly predictions: PredictionLayer;
  private readonly preview: FeaturePreviewController;
  private readonly painter: LabelPainter;
  private readonly tools: LabelTools;
  private readonly boundaries: SuperpixelBoundaries;
  private boundaryFrame = 0;
  private readonly displayPanel: DisplayPanel;
  private readonly classesPanel: ClassesPanel;
  private readonly resultsPanel: ResultsPanel;
  private readonly classifierPanel: ClassifierPanel;
  private readonly featuresPanel: FeaturesPanel;
  private readonly sidePanel: SidePanel;
  private readonly readout: HTMLElement;
  /** The cursor's position in physical units (when the pixel size is known). */
  private readonly physical: HTMLElement;
  private readonly pixelSizePanel: PixelSizePanel;
  private readonly scaleBar = new ScaleBar();
  private pixelSize: PixelSizeData | undefined;
  private readonly projectStatus: HTMLElement;
  private readonly stateStatus: HTMLElement;
  private hoverPoint: { x: number; y: number } | null = null;
  private viewTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSentView: { t: number; z: number; box: PixelBox } | undefined;
  private spaceDown = false;
  /** The "raw image" key is held: every overlay is hidden. */
  private rawOnly = false;

  constructor(env: EditorViewEnv, m: InitMessage) {
    this.rpc = env.rpc;
    this.saver = env.saver;
    this.banners = env.banners;
    this.image = m.image;
    this.settings = m.settings;
    const s = m.image.shape;
    const key = `${m.image.fileName}|${s.t}x${s.z}x${s.c}x${s.y}x${s.x}|${m.image.dtype}`;
    this.state = sanitizeState(env.restoredState, key);
    this.state.t = Math.min(this.state.t, s.t - 1);
    this.state.z = Math.min(this.state.z, s.z - 1);
    const display = validDisplay(this.state.display, m.image) ?? defaultDisplay(m.image);
    this.state.display = display;

    this.toolbar = new Toolbar({
      setTool: (t) => this.setTool(t),
      togglePreserve: () => this.setPreserve(!this.state.preserveLabels),
      copySlice: (from) => this.copySlice(from),
      setBrushSize: (size) => this.setBrushSize(size),
      fit: () => this.viewer.fit(),
      oneToOne: () => this.viewer.oneToOne(),
      zoomBy: (f) => this.viewer.zoomBy(f),
      setZ: (z) => this.setPlane(this.state.t, z),
      setT: (t) => this.setPlane(t, this.state.z),
      setLive: (enabled) => this.setLive(enabled),
      updateNow: () => this.rpc.send({ type: 'live/updateNow' }),
      mostUncertain: () => this.rpc.send({ type: 'navigate/mostUncertain' }),
      toggleSidePanel: () => this.sidePanel.toggle(),
    });
    this.viewer = new Viewer({
      layers: () => this.layers(),
      onViewChanged: () => this.onViewChanged(),
      onHover: (p) => { this.hoverPoint = p; this.updateReadout(); },
      onStrokeStart: (x, y) => this.strokeStart(x, y),
      onStrokeMove: (x, y) => this.strokeMove(x, y),
      onStrokeEnd: () => this.strokeEnd(),
    });
    this.labelLayer = new LabelLayer(s.x, s.y);
    this.predictions = new PredictionLayer(s.x, s.y);
    this.raw = new DisplayedImage(this.rpc, this.image, display, () => this.state, (first) => {
      if (first) {
        this.viewer.drawNow();
        document.body.dataset.ready = 'true';
      } else this.viewer.invalidate();
      this.updateBoundaries();
    });
    this.painter = new LabelPainter(this.rpc, this.labelLayer, s.x, s.y, () => this.viewer.invalidate());
    this.boundaries = new SuperpixelBoundaries(s.x, s.y);
    this.tools = new LabelTools({
      rpc: this.rpc, labels: this.labelLayer, width: s.x, height: s.y,
      redraw: () => this.viewer.invalidate(),
      outline: (points, closed) => this.viewer.setToolOutline(points, closed),
      raw: (t, z, c) => this.raw.planes.get(t, z, c)?.data,
      range: (c) => {
        const plane = this.raw.planes.get(this.state.t, this.state.z, c);
        return this.raw.display.contrast[c] ?? (plane ? autoRange(plane.stats) : { min: 0, max: 1 });
      },
      visible: () => this.visibleBox(),
      scale: () => this.viewer.view.scale,
    });

    const channelNames = Array.from({ length: s.c }, (_, i) => this.image.channelNames[i] ?? '');
    this.displayPanel = new DisplayPanel({
      setDisplay: (d) => { this.raw.display = d; this.state.display = d; this.save(); this.displayPanel.render(d); this.raw.requestPlanes(); this.raw.render(); },
      setContrast: (c, min, max) => { this.raw.display.contrast[c] = { min, max }; this.save(); this.raw.scheduleRender(); },
      autoContrast: (c) => { if (this.raw.autoContrast(c)) { this.displayPanel.refreshContrast(this.raw.display); this.save(); } },
    }, channelNames, this.image.dtype, (c) => this.raw.planes.get(this.state.t, this.state.z, c));
    this.classesPanel = new ClassesPanel({
      select: (id) => this.selectClass(id),
      add: () => this.rpc.send({ type: 'classes/add' }),
      rename: (classId, name) => this.rpc.send({ type: 'classes/rename', classId, name }),
      recolor: (classId, color) => this.rpc.send({ type: 'classes/recolor', classId, color }),
      remove: (classId) => this.rpc.send({ type: 'classes/delete', classId }),
    });
    this.resultsPanel = new ResultsPanel({
      setResultView: (view) => this.setResultView(view),
      setResultOpacity: (view, opacity) => { this.state.overlays[view].opacity = opacity; this.save(); this.viewer.invalidate(); },
      setLabels: (setting) => { this.state.overlays.labels = setting; this.save(); this.viewer.invalidate(); },
    });
    this.classifierPanel = new ClassifierPanel();
    this.featuresPanel = new FeaturesPanel({
      apply: (features) => this.rpc.send({ type: 'features/set', features }),
      preview: (featureId, sigma, in2D, label) => this.preview.start({ featureId, sigma, in2D, label }),
    }, this.image);
    this.preview = new FeaturePreviewController(this.rpc, s.x, s.y, this.featuresPanel, () => ({
      t: this.state.t, z: this.state.z, c: displayedChannels(this.raw.display, s.c)[0] ?? 0, box: this.visibleBox(),
    }), () => this.viewer.invalidate());

    const noLabels = !(m.status.labelCounts.some((n) => n > 0));
    this.sidePanel = new SidePanel(this.state, () => this.save());
    this.sidePanel.add('classes', 'Label classes', this.classesPanel.element);
    this.sidePanel.add('classifier', 'Classifier', this.classifierPanel.element);
    this.sidePanel.add('overlays', 'Result view', this.resultsPanel.element);
    this.pixelSizePanel = new PixelSizePanel(s.z > 1, (size) => this.rpc.send(size ? { type: 'image/setPixelSize', pixelSize: size } : { type: 'image/setPixelSize' }));
    this.pixelSize = this.image.pixelSize;
    this.pixelSizePanel.show(this.pixelSize);
    this.sidePanel.add('display', 'Display', h('div', {}, this.displayPanel.element, this.pixelSizePanel.element));
    // Choosing features comes first in a new project: the section is open until something is labelled.
    this.sidePanel.add('features', 'Features', this.featuresPanel.element, false, noLabels);

    this.readout = h('span', { id: 'pixel-readout', class: 'readout', 'aria-live': 'off' });
    this.physical = h('span', { id: 'physical-readout', class: 'readout physical', 'aria-live': 'off' });
    this.projectStatus = h('span', { class: 'status-item', id: 'status-project' });
    this.stateStatus = h('span', { class: 'status-item', id: 'status-state' });
    const info = `${s.x}×${s.y}${s.z > 1 ? `×${s.z}z` : ''}${s.c > 1 ? ` · ${s.c} ch` : ''}${s.t > 1 ? ` · ${s.t} t` : ''} · ${this.image.dtype}`;
    const statusBar = h('footer', { class: 'statusbar' },
      this.readout, this.physical, h('span', { class: 'status-spacer' }), this.preview.status, this.stateStatus, this.projectStatus,
      h('span', { class: 'status-item', title: this.image.fileName }, info));
    const viewerArea = h('div', { class: 'viewer-column' }, h('div', { class: 'viewer-area' }, this.viewer.element, this.scaleBar.element), this.toolbar.planeBar);
    env.root.replaceChildren(
      this.toolbar.element,
      this.banners.element,
      h('div', { class: 'main' }, viewerArea, this.sidePanel.splitter, this.sidePanel.element),
      statusBar,
    );

    this.applySettings(m.settings);
    this.setClasses(m.classes);
    this.setStatus(m.status);
    this.featuresPanel.setSelection(m.features);
    this.showProjectFile(m.projectFile);
    this.banners.showWarnings(m.warnings);
    this.toolbar.setAxes(s.z, s.t);
    this.toolbar.setPlane(this.state.z, this.state.t, s.z, s.t);
    this.setTool(this.state.tool);
    this.setBrushSize(this.toolSize);
    this.toolbar.setPreserve(this.state.preserveLabels === true);
    this.applyResultView();
    this.displayPanel.render(this.raw.display);
    this.viewer.setImageSize(s.x, s.y, this.state.view);
    this.predictions.setPlane(this.state.t, this.state.z);
    if (this.labelLayer.setPlane(this.state.t, this.state.z)) this.rpc.send({ type: 'labels/requestPlane', t: this.state.t, z: this.state.z });
    this.raw.requestPlanes();
    document.body.dataset.predictionTiles = '0';
    // Keyboard navigation works at once, without a click on the canvas (a click paints).
    this.viewer.canvas.focus({ preventScroll: true });
  }

  /** The view state (a new view built by a second `init` starts from it). */
  currentState(): PersistedState {
    return this.state;
  }

  /** Writes the state now (the page is being hidden). */
  flushState(): void {
    this.saver.flush(this.state);
  }

  // ------------------------------------------------------------------ host messages

  /** A host message after `init` (`init` itself builds a new view; errors are shown by the page). */
  /** The status bar names the project the labels are saved in (it changes when the image joins a project). */
  private showProjectFile(projectFile: string): void {
    this.projectStatus.textContent = projectFile;
    this.projectStatus.title = `Labels are saved in ${projectFile}`;
  }

  handle(m: Exclude<HostToWebviewMessage, InitMessage>): void {
    switch (m.type) {
      case 'image/plane':
        if (this.raw.onPlane(m)) {
          this.displayPanel.refreshContrast(this.raw.display);
          this.updateReadout();
        }
        break;
      case 'labels/plane':
        this.labelLayer.onPlane(m);
        this.viewer.invalidate();
        break;
      case 'labels/patch':
        this.labelLayer.onPatch(m);
        this.setLabelCount(m.labelCount);
        this.viewer.invalidate();
        break;
      case 'classes/update':
        this.setClasses(m.classes);
        break;
      case 'features/update':
        this.featuresPanel.setSelection(m.features);
        break;
      case 'features/previewImage':
        this.preview.onImage(m);
        break;
      case 'ui/command':
        this.onUiCommand(m.command);
        break;
      case 'status/update':
        this.setStatus(m.status);
        break;
      case 'prediction/tile':
        if (this.predictions.onTile(m)) {
          document.body.dataset.predictionTiles = String(this.predictions.tilesDrawn);
          if (m.t === this.state.t && m.z === this.state.z) { this.viewer.invalidate(); this.updateReadout(); }
        }
        break;
      case 'prediction/clear':
        this.predictions.clear(m.generation, this.settings.liveUpdate);
        this.viewer.invalidate();
        break;
      case 'view/navigate':
        this.setPlane(clampInt(m.t, 0, this.image.shape.t - 1), clampInt(m.z, 0, this.image.shape.z - 1));
        this.viewer.showBox(m.box);
        break;
      case 'settings/update':
        this.applySettings(m.settings);
        break;
      case 'project/file':
        this.showProjectFile(m.projectFile);
        break;
      case 'image/pixelSize':
        this.pixelSize = m.pixelSize;
        this.pixelSizePanel.show(m.pixelSize);
        this.featuresPanel.setPixelSize(m.pixelSize);
        this.scaleBar.update(m.pixelSize?.x, m.pixelSize?.unit ?? '', this.viewer.view.scale);
        this.updateReadout();
        break;
      case 'notice/show':
        break; // shown by the page's banners
      case 'error/show':
        // Some strokes will never be answered, some planes never arrive: drop what waits for them.
        this.labelLayer.dropPreviews();
        this.raw.planes.clearRequests();
        this.viewer.invalidate();
        break;
      default: {
        const never: never = m;
        this.rpc.log('warn', `webview: unknown message ${JSON.stringify((never as { type?: unknown }).type)}`);
      }
    }
  }

  /** A walkthrough step: show the part of the editor the step is about. */
  private onUiCommand(command: UiCommand): void {
    switch (command) {
      case 'chooseFeatures':
        this.sidePanel.reveal('features');
        break;
      case 'startLabelling':
        this.sidePanel.reveal('classes');
        if (this.classes.length) this.selectClass(this.classes[0].id);
        this.setTool('brush');
        this.viewer.canvas.focus({ preventScroll: true });
        break;
      case 'showUncertainty':
        this.sidePanel.reveal('overlays');
        this.setResultView('uncertainty');
        break;
    }
  }

  // ------------------------------------------------------------------ layers and planes

  private layers(): Layer[] {
    if (!this.raw.shown) return [];
    const o = this.state.overlays;
    const view = this.state.resultView;
    const stack = layerStack({
      resultView: view,
      resultOpacity: view === 'none' ? 0 : o[view].opacity,
      labelsVisible: o.labels.visible,
      labelOpacity: o.labels.opacity,
      rawOnly: this.rawOnly,
      featurePreview: this.preview.shown,
      hasPrediction: this.predictions.hasCurrent,
      hasLabels: !this.labelLayer.isBlank,
    });
    const source = (id: LayerId): CanvasImageSource => {
      switch (id) {
        case 'image': return this.raw.layer.canvas;
        case 'feature': return this.preview.layer.canvas;
        case 'labels': return this.labelLayer.canvas;
        case 'superpixels': return this.boundaries.canvas;
        default: return this.predictions.canvases[id];
      }
    };
    // The superpixel brush shows the segment borders while it is the tool.
    if (this.state.tool === 'superpixel' && !this.rawOnly) stack.push({ id: 'superpixels', opacity: 1, edge: false });
    document.body.dataset.layers = stack.map((e) => e.id).join(',');
    return stack.map((e) => ({ source: source(e.id), opacity: e.opacity, edge: e.edge }));
  }

  private setPlane(t: number, z: number): void {
    if (t === this.state.t && z === this.state.z) return;
    this.state.t = t;
    this.state.z = z;
    const s = this.image.shape;
    this.toolbar.setPlane(z, t, s.z, s.t);
    this.predictions.setPlane(t, z);
    if (this.labelLayer.setPlane(t, z)) this.rpc.send({ type: 'labels/requestPlane', t, z });
    this.raw.requestPlanes();
    this.raw.render();
    this.viewer.invalidate();
    this.save();
    document.body.dataset.z = String(z);
    document.body.dataset.t = String(t);
    this.onViewChanged();
  }

  // ------------------------------------------------------------------ result view and feature preview

  private setResultView(view: ResultView): void {
    this.state.resultView = view;
    this.applyResultView();
    this.save();
  }

  /** Keeps only the chosen result's canvas up to date (hidden kinds are redrawn when chosen). */
  private applyResultView(): void {
    for (const kind of OVERLAY_KINDS) this.predictions.setVisible(kind, kind === this.state.resultView);
    this.resultsPanel.render(this.state);
    document.body.dataset.resultView = this.state.resultView;
    this.viewer.invalidate();
  }

  private setRawOnly(on: boolean): void {
    if (on === this.rawOnly) return;
    this.rawOnly = on;
    document.body.dataset.rawOnly = String(on);
    this.viewer.invalidate();
  }

  // ------------------------------------------------------------------ readout and view

  private updateReadout(): void {
    const p = this.hoverPoint;
    this.physical.textContent = '';
    if (!p) { this.readout.textContent = ''; return; }
    const col = Math.floor(p.x), row = Math.floor(p.y);
    const s = this.image.shape;
    if (col < 0 || row < 0 || col >= s.x || row >= s.y) { this.readout.textContent = ''; return; }
    const ps = this.pixelSize;
    if (ps) {
      const n = (v: number) => (v >= 100 ? v.toFixed(1) : v.toFixed(2));
      this.physical.textContent = `(${n((col + 0.5) * ps.x)}, ${n((row + 0.5) * ps.y)}${s.z > 1 && ps.z ? `, ${n(this.state.z * ps.z)}` : ''} ${ps.unit})`;
    }
    const { t, z } = this.state;
    const values = this.raw.valuesAt(col, row);
    this.readout.textContent = formatReadout(col, row, z, t, values, this.predictions.probabilitiesAt(col, row));
    const label = this.labelLayer.labelAt(col, row);
    const cls = this.classes.find((c) => c.id === label);
    this.readout.title = cls ? `label: ${cls.name}` : '';
  }

  /**
   * Draws the superpixel borders of the visible tiles (at most 24, one per animation frame so panning stays
   * smooth) while the superpixel brush is the tool.
   */
  private updateBoundaries(): void {
    if (this.state.tool !== 'superpixel' || this.boundaryFrame) return;
    const step = (): void => {
      this.boundaryFrame = 0;
      if (this.state.tool !== 'superpixel') return;
      const { t, z } = this.state;
      const c = this.raw.display.mode === 'single' ? this.raw.display.channel : 0;
      const drawn = this.boundaries.forPlane(t, z, c);
      const v = this.visibleBox();
      const T = SUPERPIXEL_TILE;
      const tiles: [number, number][] = [];
      for (let row = v.row - (v.row % T); row < v.row + v.height; row += T) {
        for (let column = v.column - (v.column % T); column < v.column + v.width; column += T) tiles.push([column, row]);
      }
      if (tiles.length > 24) return; // zoomed out too far: borders would be noise; they come back when zoomed in
      const next = tiles.find(([column, row]) => !drawn.has(`${column},${row}`));
      if (!next) return;
      const tile = this.tools.superpixelTile(t, z, c, next[0], next[1]);
      if (!tile) return; // the plane has not arrived: the next view change or plane tries again
      this.boundaries.drawTile(next[0], next[1], tile);
      this.viewer.invalidate();
      this.boundaryFrame = requestAnimationFrame(step);
    };
    this.boundaryFrame = requestAnimationFrame(step);
  }

  private onViewChanged(): void {
    this.updateBoundaries();
    this.scaleBar.update(this.pixelSize?.x, this.pixelSize?.unit ?? '', this.viewer.view.scale);
    this.state.view = { ...this.viewer.view };
    this.toolbar.setZoom(this.viewer.view.scale);
    this.save();
    if (this.viewTimer !== undefined) clearTimeout(this.viewTimer);
    // Debounced: a pan or zoom fires many changes; the host predicts (and previews) the region it settles on.
    this.viewTimer = setTimeout(() => {
      this.viewTimer = undefined;
      const box = this.visibleBox();
      const { t, z } = this.state;
      const last = this.lastSentView;
      if (last && last.t === t && last.z === z && sameBox(last.box, box)) return;
      if (box.width === 0 || box.height === 0) return;
      this.lastSentView = { t, z, box };
      this.rpc.send({ type: 'view/changed', t, z, box });
      this.preview.request();
    }, 100);
  }

  /** The part of the plane on screen, in image pixels. */
  private visibleBox(): PixelBox {
    return visibleBox(this.viewer.view, this.viewer.cssWidth, this.viewer.cssHeight, this.image.shape.x, this.image.shape.y);
  }

  // ------------------------------------------------------------------ labelling

  /** The size the current tool paints with: the eraser keeps its own. */
  private get toolSize(): number {
    return this.state.tool === 'eraser' ? this.state.eraserSize ?? this.state.brushSize : this.state.brushSize;
  }

  private strokeStart(x: number, y: number): void {
    const tool = this.state.tool;
    if (this.settings.readOnly || tool === 'pan') return;
    const classId = tool === 'eraser' ? 0 : this.state.selectedClass;
    if (classId !== 0 && !this.classes.some((c) => c.id === classId)) {
      this.banners.showError('Add a label class before painting.', false);
      return;
    }
    const ctx: ToolContext = {
      classId, t: this.state.t, z: this.state.z, preserveLabels: this.state.preserveLabels === true,
      c: this.raw.display.mode === 'single' ? this.raw.display.channel : 0, brushSize: this.toolSize,
    };
    switch (tool) {
      case 'fill': this.tools.fill(x, y, ctx); return;
      case 'polygon': this.tools.polygonClick(x, y, ctx); return;
      case 'lasso': this.tools.lassoStart(x, y, ctx); return;
      case 'wand': this.tools.wandStart(x, y, ctx); return;
      case 'superpixel': this.tools.superpixelStart(x, y, ctx); return;
      default:
        this.painter.start(x, y, { classId, brushSize: this.toolSize, t: this.state.t, z: this.state.z, preserveLabels: ctx.preserveLabels });
    }
  }

  private strokeMove(x: number, y: number): void {
    switch (this.state.tool) {
      case 'lasso': this.tools.lassoMove(x, y); return;
      case 'wand': this.tools.wandMove(x, y); return;
      case 'superpixel': this.tools.superpixelMove(x, y); return;
      case 'fill': case 'polygon': return;
      default: this.painter.move(x, y);
    }
  }

  private strokeEnd(): void {
    switch (this.state.tool) {
      case 'lasso': this.tools.lassoEnd(); return;
      case 'wand': this.tools.wandEnd(); return;
      case 'superpixel': this.tools.superpixelEnd(); return;
      case 'fill': case 'polygon': return;
      default: this.painter.end();
    }
  }

  private setPreserve(on: boolean): void {
    this.state.preserveLabels = on;
    this.toolbar.setPreserve(on);
    this.save();
  }

  /** Copies the labels of slice z+from into the current slice (one edit on the host). */
  private copySlice(from: -1 | 1): void {
    const fromZ = this.state.z + from;
    if (this.settings.readOnly || fromZ < 0 || fromZ >= this.image.shape.z) return;
    this.rpc.send({ type: 'labels/copySlice', t: this.state.t, fromZ, toZ: this.state.z, preserveLabels: this.state.preserveLabels === true });
  }

  private setTool(tool: Tool): void {
    if (this.settings.readOnly && tool !== 'pan') tool = 'pan';
    if (tool !== this.state.tool) this.tools.cancel();
    this.state.tool = tool;
    this.updateBoundaries();
    this.viewer.invalidate();
    this.toolbar.setTool(tool);
    this.viewer.setTool(tool);
    // The size controls show the current tool's size (the eraser has its own).
    this.toolbar.setBrushSize(this.toolSize);
    this.viewer.setBrush(this.toolSize, this.classColor(this.state.selectedClass));
    this.save();
  }

  private setBrushSize(size: number): void {
    const s = clampInt(size, 1, 61);
    if (this.state.tool === 'eraser') this.state.eraserSize = s;
    else this.state.brushSize = s;
    this.toolbar.setBrushSize(s);
    this.viewer.setBrush(s, this.classColor(this.state.selectedClass));
    this.save();
  }

  private setLive(enabled: boolean): void {
    this.settings = { ...this.settings, liveUpdate: enabled };
    this.toolbar.setLive(enabled);
    this.rpc.send({ type: 'live/set', enabled });
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
    this.setLabelCount(status.labelCounts.reduce((a, b) => a + (b || 0), 0));
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
    document.body.dataset.labelCount = String(n);
  }

  private applySettings(settings: EditorSettings): void {
    this.settings = settings;
    this.toolbar.setLive(settings.liveUpdate);
    this.toolbar.setReadOnly(settings.readOnly);
    this.classesPanel.setReadOnly(settings.readOnly);
    this.banners.setReadOnly(settings.readOnly);
    this.viewer.paintingEnabled = !settings.readOnly;
    document.body.classList.toggle('read-only', settings.readOnly);
    if (settings.readOnly) this.setTool('pan');
  }

  private save(): void {
    this.saver.save(this.state);
  }

  // ------------------------------------------------------------------ keyboard (bound once by the page)

  /** A key pressed outside text fields, without Ctrl/Alt/Meta; returns true when the editor used it. */
  keyDown(e: KeyboardEvent): boolean {
    const action = shortcutFor(e.key, e.shiftKey);
    if (!action) return false;
    const s = this.image.shape;
    switch (action.kind) {
      case 'tool': this.setTool(action.tool); break;
      case 'result': this.setResultView(action.view); break;
      case 'fit': this.viewer.fit(); break;
      case 'oneToOne': this.viewer.oneToOne(); break;
      case 'zoom': this.viewer.zoomBy(action.factor); break;
      case 'brush': {
        const size = this.toolSize;
        this.setBrushSize(size + action.delta * (action.delta < 0 ? (size > 10 ? 2 : 1) : (size >= 10 ? 2 : 1)));
        break;
      }
      case 'plane':
        if (action.axis === 'z') this.setPlane(this.state.t, clampInt(this.state.z + action.delta, 0, s.z - 1));
        else this.setPlane(clampInt(this.state.t + action.delta, 0, s.t - 1), this.state.z);
        break;
      case 'class': {
        const cls = this.classes[action.index];
        if (cls) this.selectClass(cls.id);
        break;
      }
      case 'live': this.setLive(!this.settings.liveUpdate); break;
      case 'updateNow': this.rpc.send({ type: 'live/updateNow' }); break;
      case 'mostUncertain': this.rpc.send({ type: 'navigate/mostUncertain' }); break;
      case 'togglePanel': this.sidePanel.toggle(); break;
      case 'holdPan':
        if (!this.spaceDown) { this.spaceDown = true; this.viewer.setSpaceDown(true); }
        break;
      case 'holdRaw': this.setRawOnly(true); break;
      case 'escape': return this.tools.cancel() || this.preview.stop();
      case 'enter':
        if (this.state.tool !== 'polygon') return false;
        this.tools.closePolygon();
        break;
      case 'preserve': this.setPreserve(!this.state.preserveLabels); break;
      case 'copySlice': this.copySlice(action.from); break;
    }
    return true;
  }

  /** A key released (ends the "hold" keys). */
  keyUp(e: KeyboardEvent): void {
    const action = shortcutFor(e.key, e.shiftKey);
    if (action?.kind === 'holdPan' && this.spaceDown) { this.spaceDown = false; this.viewer.setSpaceDown(false); }
    if (action?.kind === 'holdRaw') this.setRawOnly(false);
  }

  /** The page lost focus: no key is held any more. */
  blur(): void {
    if (this.spaceDown) { this.spaceDown = false; this.viewer.setSpaceDown(false); }
    this.setRawOnly(false);
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
