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
import { TiledImageLayer } from './canvas/tiledImageLayer';
import { planeRegion } from './canvas/tileRegion';
import { TiledLabelLayer } from './canvas/tiledLabelLayer';
import { TiledPredictionLayer } from './canvas/tiledPredictionLayer';
import { OrthoPane, VIEW_COLORS, viewBadge, type OrthoPaneHost } from './orthoPane';
import type { ViewOrientation } from '../extension/protocol';
import { planeToVoxel } from '../extension/core/views/slicePlane';
import { withShortcut } from './keyboardShortcuts';
import type { LabelTools as LabelToolsType } from './labelTools';

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
  private readonly raw: DisplayedImage | TiledImageLayer;
  private readonly labelLayer: LabelLayer | TiledLabelLayer;
  private readonly predictions: PredictionLayer | TiledPredictionLayer;
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
  private lastSentView: { t: number; z: number; box: PixelBox; cursor?: { y: number; x: number } } | undefined;
  private spaceDown = false;
  /** The "raw image" key is held: every overlay is hidden. */
  private rawOnly = false;
  /** Volumes (issue #15): the xz and yz views beside the xy view; empty for 2D images. */
  private readonly panes: OrthoPane[] = [];
  /** The view that got the pointer or focus last: z/t keys and zoom keys act on it. */
  private focused: ViewOrientation = 'xy';
  private readonly viewGrid: HTMLElement;
  private readonly xyCell: HTMLElement;
  /** Where the current stroke or tool use started (its moves and end go there). */
  private strokeTarget: StrokeTarget | undefined;

  constructor(env: EditorViewEnv, m: InitMessage) {
    document.body.dataset.initAt ??= String(Math.round(performance.now()));
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
      ...(s.z > 1 ? { onCrosshair: (x: number, y: number) => this.moveCrosshair('xy', x, y), onFocus: () => this.setFocused('xy') } : {}),
    });
    const tiled = m.image.tiled;
    const onRendered = (first: boolean) => {
      if (first) {
        this.viewer.drawNow();
        document.body.dataset.ready = 'true';
        // Milliseconds from the webview's start to its first rendered view (benchmarks read it).
        document.body.dataset.readyAt = String(Math.round(performance.now()));
      } else this.viewer.invalidate();
      this.updateBoundaries();
    };
    if (tiled) {
      // Big images (issue #13): tiles at the level of the zoom, never a whole plane.
      document.body.dataset.tiled = 'true';
      this.labelLayer = new TiledLabelLayer(this.rpc, tiled);
      this.predictions = new TiledPredictionLayer();
      this.raw = new TiledImageLayer(this.rpc, this.image, display, () => this.state, onRendered);
    } else {
      this.labelLayer = new LabelLayer(s.x, s.y);
      this.labelLayer.onStale = (t, z) => this.rpc.send({ type: 'labels/requestPlane', t, z });
      this.predictions = new PredictionLayer(s.x, s.y);
      this.raw = new DisplayedImage(this.rpc, this.image, display, () => this.state, onRendered);
    }
    this.painter = new LabelPainter(this.rpc, this.labelLayer, s.x, s.y, () => this.viewer.invalidate());
    this.boundaries = new SuperpixelBoundaries();
    this.tools = new LabelTools({
      rpc: this.rpc, labels: this.labelLayer, width: s.x, height: s.y,
      redraw: () => this.viewer.invalidate(),
      outline: (points, closed) => this.viewer.setToolOutline(points, closed),
      region: (t, z, c, box, fetch) => {
        if (this.raw instanceof TiledImageLayer) return this.raw.level0Region(t, z, c, box, fetch);
        return planeRegion(this.raw.rawPlane(t, z, c), box);
      },
      range: (c) => {
        const plane = this.raw.rawPlane(this.state.t, this.state.z, c);
        return this.raw.display.contrast[c] ?? (plane ? autoRange(plane.stats) : { min: 0, max: 1 });
      },
      visible: () => this.visibleBox(),
      scale: () => this.viewer.view.scale,
    });

    const channelNames = Array.from({ length: s.c }, (_, i) => this.image.channelNames[i] ?? '');
    this.displayPanel = new DisplayPanel({
      setDisplay: (d) => {
        this.raw.display = d; this.state.display = d; this.save(); this.displayPanel.render(d); this.raw.requestPlanes(); this.raw.render();
        for (const p of this.panes) { p.raw.display = d; p.raw.requestPlanes(); p.raw.render(); }
      },
      setContrast: (c, min, max) => {
        this.raw.display.contrast[c] = { min, max }; this.save(); this.raw.scheduleRender();
        for (const p of this.panes) p.raw.scheduleRender();
      },
      autoContrast: (c) => {
        if (this.raw.autoContrast(c)) { this.displayPanel.refreshContrast(this.raw.display); this.save(); for (const p of this.panes) p.raw.render(); }
      },
    }, channelNames, this.image.dtype, (c) => this.raw.rawPlane(this.state.t, this.state.z, c));
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
    }), () => this.viewer.invalidate(), tiled !== undefined);

    if (s.z > 1) {
      const cursor = this.state.cursor ?? { y: Math.floor(s.y / 2), x: Math.floor(s.x / 2) };
      this.state.cursor = { y: clampInt(cursor.y, 0, s.y - 1), x: clampInt(cursor.x, 0, s.x - 1) };
      this.state.layout ??= 'three';
      const host = this.paneHost();
      this.panes.push(
        new OrthoPane('xz', host, this.state.cursor.y, this.aspectOf('xz')),
        new OrthoPane('yz', host, this.state.cursor.x, this.aspectOf('yz')),
      );
    }

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
    this.xyCell = h('div', { class: 'view-cell', id: 'view-xy' }, this.viewer.element, this.scaleBar.element,
      ...(this.panes.length ? [viewBadge('xy', () => this.toggleMaximise('xy'))] : []));
    const legend = this.panes.length ? [h('div', { class: 'view-cell view-legend', id: 'view-legend' },
      h('p', {}, 'xy, xz and yz planes through the crosshair.'),
      h('p', {}, 'Shift+click or Shift+drag in a view moves the crosshair (a click does too with the pan tool).'),
      h('p', {}, `${withShortcut('Maximise the view under the pointer, and back', 'maximiseView')}; PageUp/PageDown move the slice of that view.`))] : [];
    this.viewGrid = h('div', { class: 'view-grid', id: 'view-grid' }, this.xyCell, ...this.panes.map((p) => p.element), ...legend);
    const viewerArea = h('div', { class: 'viewer-column' }, h('div', { class: 'viewer-area' }, this.viewGrid), this.toolbar.planeBar);
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
    this.applyLayout();
    for (const p of this.panes) p.show(p.index);
    this.updateCrosshair();
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
    if ((m.type === 'image/plane' || m.type === 'labels/plane' || m.type === 'prediction/tile') && m.orientation && m.orientation !== 'xy') {
      const pane = this.panes.find((p) => p.orientation === m.orientation);
      if (pane) pane.handle(m);
      if (m.type === 'prediction/tile') document.body.dataset.predictionTiles = String(this.tilesDrawn());
      return;
    }
    switch (m.type) {
      case 'image/tile':
        if (this.raw instanceof TiledImageLayer && this.raw.onTile(m)) {
          this.displayPanel.refreshContrast(this.raw.display);
          this.updateReadout();
        }
        break;
      case 'labels/tile':
        if (this.labelLayer instanceof TiledLabelLayer) this.labelLayer.onTile(m);
        this.viewer.invalidate();
        break;
      case 'image/plane':
        if (this.raw instanceof DisplayedImage && this.raw.onPlane(m)) {
          this.displayPanel.refreshContrast(this.raw.display);
          this.updateReadout();
        }
        break;
      case 'labels/plane':
        if (this.labelLayer instanceof LabelLayer) this.labelLayer.onPlane(m);
        this.viewer.invalidate();
        break;
      case 'labels/patch':
        this.labelLayer.onPatch(m);
        for (const p of this.panes) p.xyLabelsChanged(m.t, m.z, m.box);
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
          document.body.dataset.predictionTiles = String(this.tilesDrawn());
          if (m.t === this.state.t && m.z === this.state.z) { this.viewer.invalidate(); this.updateReadout(); }
        }
        break;
      case 'prediction/clear':
        this.predictions.clear(m.generation, this.settings.liveUpdate);
        for (const p of this.panes) p.predictions.clear(m.generation, this.settings.liveUpdate);
        this.redrawViews();
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
        for (const p of this.panes) p.viewer.setAspect(this.aspectOf(p.orientation));
        this.updateReadout();
        break;
      case 'notice/show':
        break; // shown by the page's banners
      case 'error/show':
        // Some strokes will never be answered, some planes never arrive: drop what waits for them.
        this.labelLayer.dropPreviews();
        this.raw.clearRequests();
        for (const p of this.panes) { p.labels.dropPreviews(); p.raw.planes.clearRequests(); }
        this.redrawViews();
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
    const source = (id: LayerId): Pick<Layer, 'source' | 'tiles' | 'changes'> => {
      switch (id) {
        case 'image': return this.raw instanceof TiledImageLayer ? { tiles: this.raw.drawable() } : { source: this.raw.layer.canvas };
        case 'feature': {
          const box = this.preview.layer.shownBox;
          if (!this.image.tiled) return { source: this.preview.layer.canvas };
          return { tiles: box ? [{ source: this.preview.layer.canvas, x: box.column, y: box.row, width: box.width, height: box.height }] : [] };
        }
        case 'labels': {
          const changes = this.labelLayer.changes;
          return this.labelLayer instanceof TiledLabelLayer ? { tiles: this.labelLayer.drawable(), changes } : { source: this.labelLayer.canvas, changes };
        }
        case 'superpixels': return { tiles: this.boundaries.drawable(this.visibleBox()) };
        default: return this.predictions instanceof TiledPredictionLayer ? { tiles: this.predictions.drawable(id) } : { source: this.predictions.canvases[id] };
      }
    };
    // The superpixel brush shows the segment borders while it is the tool.
    if (this.state.tool === 'superpixel' && !this.rawOnly) stack.push({ id: 'superpixels', opacity: 1, edge: false });
    document.body.dataset.layers = stack.map((e) => e.id).join(',');
    return stack.map((e) => ({ ...source(e.id), opacity: e.opacity, edge: e.edge }));
  }

  private setPlane(t: number, z: number): void {
    if (t === this.state.t && z === this.state.z) return;
    const tChanged = t !== this.state.t;
    this.state.t = t;
    this.state.z = z;
    const s = this.image.shape;
    this.toolbar.setPlane(z, t, s.z, s.t);
    if (tChanged) for (const p of this.panes) p.show(p.index);
    this.updateCrosshair();
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
    for (const kind of OVERLAY_KINDS) {
      this.predictions.setVisible(kind, kind === this.state.resultView);
      for (const p of this.panes) p.predictions.setVisible(kind, kind === this.state.resultView);
    }
    this.resultsPanel.render(this.state);
    document.body.dataset.resultView = this.state.resultView;
    this.viewer.invalidate();
  }

  private setRawOnly(on: boolean): void {
    if (on === this.rawOnly) return;
    this.rawOnly = on;
    document.body.dataset.rawOnly = String(on);
    this.redrawViews();
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
      document.body.dataset.superpixelTiles = String(this.boundaries.drawnTiles);
      this.viewer.invalidate();
      this.boundaryFrame = requestAnimationFrame(step);
    };
    this.boundaryFrame = requestAnimationFrame(step);
  }

  private onViewChanged(): void {
    this.updateTiles();
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
      const cursor = this.panes.length && this.state.cursor ? { ...this.state.cursor } : undefined;
      const last = this.lastSentView;
      if (last && last.t === t && last.z === z && sameBox(last.box, box) && last.cursor?.y === cursor?.y && last.cursor?.x === cursor?.x) return;
      if (box.width === 0 || box.height === 0) return;
      this.lastSentView = { t, z, box, cursor };
      this.rpc.send(cursor ? { type: 'view/changed', t, z, box, cursor } : { type: 'view/changed', t, z, box });
      this.preview.request();
    }, 100);
  }

  /** Tiled images: the visible tiles at the zoom's level are asked for (what is cached is drawn at once). */
  private updateTiles(): void {
    if (!(this.raw instanceof TiledImageLayer)) return;
    const box = this.visibleBox();
    const deviceScale = this.viewer.view.scale * (window.devicePixelRatio || 1);
    this.raw.setView(box, deviceScale);
    if (this.labelLayer instanceof TiledLabelLayer) this.labelLayer.setView(box, this.raw.level);
    if (this.predictions instanceof TiledPredictionLayer) this.predictions.setView(box);
    document.body.dataset.tileLevel = String(this.raw.level);
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

  /** The xy view as a stroke target. */
  private xyTarget(): StrokeTarget {
    return { painter: this.painter, tools: this.tools, z: this.state.z };
  }

  private strokeStart(x: number, y: number, target: StrokeTarget = this.xyTarget()): void {
    const tool = this.state.tool;
    this.strokeTarget = undefined;
    if (this.settings.readOnly || tool === 'pan') return;
    const classId = tool === 'eraser' ? 0 : this.state.selectedClass;
    if (classId !== 0 && !this.classes.some((c) => c.id === classId)) {
      this.banners.showError('Add a label class before painting.', false);
      return;
    }
    // A tool in progress in another view (an open polygon) is dropped: one view at a time.
    for (const other of this.allTools()) if (other !== target.tools) other.cancel();
    this.strokeTarget = target;
    const { tools, painter } = target;
    const ctx: ToolContext = {
      classId, t: this.state.t, z: target.z, preserveLabels: this.state.preserveLabels === true,
      c: this.raw.display.mode === 'single' ? this.raw.display.channel : 0, brushSize: this.toolSize,
    };
    switch (tool) {
      case 'fill': tools.fill(x, y, ctx); return;
      case 'polygon': tools.polygonClick(x, y, ctx); return;
      case 'lasso': tools.lassoStart(x, y, ctx); return;
      case 'wand': tools.wandStart(x, y, ctx); return;
      case 'superpixel': tools.superpixelStart(x, y, ctx); return;
      default:
        painter.start(x, y, { classId, brushSize: this.toolSize, t: this.state.t, z: target.z, preserveLabels: ctx.preserveLabels });
    }
  }

  private strokeMove(x: number, y: number): void {
    const target = this.strokeTarget;
    if (!target) return;
    switch (this.state.tool) {
      case 'lasso': target.tools.lassoMove(x, y); return;
      case 'wand': target.tools.wandMove(x, y); return;
      case 'superpixel': target.tools.superpixelMove(x, y); return;
      case 'fill': case 'polygon': return;
      default: target.painter.move(x, y);
    }
  }

  private strokeEnd(): void {
    const target = this.strokeTarget;
    if (!target) return;
    // A polygon stays open across clicks: its target stays until it is closed or cancelled.
    if (this.state.tool !== 'polygon') this.strokeTarget = undefined;
    switch (this.state.tool) {
      case 'lasso': target.tools.lassoEnd(); return;
      case 'wand': target.tools.wandEnd(); return;
      case 'superpixel': target.tools.superpixelEnd(); return;
      case 'fill': case 'polygon': return;
      default: target.painter.end();
    }
  }

  /** The labelling tools of every view. */
  private allTools(): LabelToolsType[] {
    return [this.tools, ...this.panes.map((p) => p.tools)];
  }

  // ------------------------------------------------------------------ three views (issue #15)

  /** What the xz and yz views need from the editor. */
  private paneHost(): OrthoPaneHost {
    return {
      rpc: this.rpc,
      image: this.image,
      display: () => this.raw.display,
      t: () => this.state.t,
      layers: (pane) => this.paneLayers(pane),
      onCrosshair: (pane, x, y) => this.moveCrosshair(pane.orientation, x, y),
      onStrokeStart: (pane, x, y) => this.strokeStart(x, y, { painter: pane.painter, tools: pane.tools, z: pane.index }),
      onStrokeMove: (_pane, x, y) => this.strokeMove(x, y),
      onStrokeEnd: () => this.strokeEnd(),
      onHover: (pane, point) => this.paneHover(pane, point),
      onFocus: (pane) => this.setFocused(pane.orientation),
      onViewChanged: () => undefined,
      toggleMaximise: (o) => this.toggleMaximise(o),
    };
  }

  /** Height of a row relative to the width of a column in a view, from the physical pixel size (1 when unknown). */
  private aspectOf(orientation: 'xz' | 'yz'): number {
    const ps = this.pixelSize ?? this.image.pixelSize;
    if (!ps?.z || !(ps.x > 0) || !(ps.y > 0)) return 1;
    return orientation === 'xz' ? ps.z / ps.x : ps.y / ps.z;
  }

  /** The layers of a side view, by the same stack rules as the xy view (no feature preview there). */
  private paneLayers(pane: OrthoPane): Layer[] {
    if (!pane.raw.shown) return [];
    const o = this.state.overlays;
    const view = this.state.resultView;
    const stack = layerStack({
      resultView: view,
      resultOpacity: view === 'none' ? 0 : o[view].opacity,
      labelsVisible: o.labels.visible,
      labelOpacity: o.labels.opacity,
      rawOnly: this.rawOnly,
      featurePreview: false,
      hasPrediction: pane.predictions.hasCurrent,
      hasLabels: !pane.labels.isBlank,
    });
    const source = (id: LayerId): CanvasImageSource | undefined => {
      switch (id) {
        case 'image': return pane.raw.layer.canvas;
        case 'labels': return pane.labels.canvas;
        case 'feature': case 'superpixels': return undefined;
        default: return pane.predictions.canvases[id];
      }
    };
    const layers: Layer[] = [];
    for (const e of stack) {
      const src = source(e.id);
      if (src) layers.push({ source: src, opacity: e.opacity, edge: e.edge, changes: e.id === 'labels' ? pane.labels.changes : undefined });
    }
    return layers;
  }

  /** Redraws every view. */
  private redrawViews(): void {
    this.viewer.invalidate();
    for (const p of this.panes) p.viewer.invalidate();
  }

  /** Prediction tiles drawn in all views (`document.body.dataset.predictionTiles`). */
  private tilesDrawn(): number {
    return this.predictions.tilesDrawn + this.panes.reduce((n, p) => n + p.predictions.tilesDrawn, 0);
  }

  /** Shows the three views or the maximised one. */
  private applyLayout(): void {
    const layout = this.panes.length ? this.state.layout ?? 'three' : 'xy';
    this.viewGrid.dataset.layout = layout;
    document.body.dataset.viewLayout = layout;
    this.xyCell.classList.toggle('maximised', layout === 'xy');
    for (const p of this.panes) p.element.classList.toggle('maximised', layout === p.orientation);
  }

  /** Maximises a view, or goes back to three views if it is the maximised one. */
  private toggleMaximise(orientation: ViewOrientation): void {
    if (!this.panes.length) return;
    this.state.layout = this.state.layout === orientation ? 'three' : orientation;
    this.setFocused(orientation);
    this.applyLayout();
    this.save();
    this.onViewChanged();
  }

  private setFocused(orientation: ViewOrientation): void {
    if (!this.panes.length) return;
    this.focused = orientation;
    document.body.dataset.focusedView = orientation;
    this.xyCell.classList.toggle('focused', orientation === 'xy');
    for (const p of this.panes) p.element.classList.toggle('focused', p.orientation === orientation);
  }

  /** The viewer of the focused view. */
  private focusedViewer(): Viewer {
    return this.panes.find((p) => p.orientation === this.focused)?.viewer ?? this.viewer;
  }

  /** A Shift+click at (x, y) of a view's plane: the crosshair moves to that voxel; the other views follow. */
  private moveCrosshair(orientation: ViewOrientation, x: number, y: number): void {
    const cursor = this.state.cursor;
    if (!cursor) return;
    const index = orientation === 'xy' ? this.state.z : orientation === 'xz' ? cursor.y : cursor.x;
    const v = planeToVoxel(orientation, index, Math.floor(x), Math.floor(y));
    const s = this.image.shape;
    this.setCursor(clampInt(v.y, 0, s.y - 1), clampInt(v.x, 0, s.x - 1));
    this.setPlane(this.state.t, clampInt(v.z, 0, s.z - 1));
  }

  /** Moves the crosshair's row/column: the xz and yz views show the new slices. */
  private setCursor(y: number, x: number): void {
    const cursor = this.state.cursor;
    if (!cursor || (cursor.y === y && cursor.x === x)) return;
    this.state.cursor = { y, x };
    for (const p of this.panes) {
      const index = p.orientation === 'xz' ? y : x;
      if (index !== p.index) p.show(index);
    }
    this.updateCrosshair();
    this.save();
    this.onViewChanged();
  }

  /** Draws the crosshair in every view: each line has the colour of the view whose plane it marks. */
  private updateCrosshair(): void {
    const cursor = this.state.cursor;
    if (!this.panes.length || !cursor) return;
    const z = this.state.z;
    this.viewer.setCrosshair({ x: { at: cursor.x, color: VIEW_COLORS.yz }, y: { at: cursor.y, color: VIEW_COLORS.xz } });
    for (const p of this.panes) {
      p.setCrosshair(p.orientation === 'xz'
        ? { x: { at: cursor.x, color: VIEW_COLORS.yz }, y: { at: z, color: VIEW_COLORS.xy } }
        : { x: { at: z, color: VIEW_COLORS.xy }, y: { at: cursor.y, color: VIEW_COLORS.xz } });
    }
    document.body.dataset.cursor = `${cursor.x},${cursor.y},${z}`;
  }

  /** The readout for the pointer over a side view: the voxel's coordinates, values and probabilities. */
  private paneHover(pane: OrthoPane, point: { x: number; y: number } | null): void {
    if (!point) { this.readout.textContent = ''; this.physical.textContent = ''; return; }
    const col = Math.floor(point.x), row = Math.floor(point.y);
    if (col < 0 || row < 0 || col >= pane.width || row >= pane.height) { this.readout.textContent = ''; return; }
    const v = planeToVoxel(pane.orientation, pane.index, col, row);
    this.readout.textContent = formatReadout(v.x, v.y, v.z, this.state.t, pane.raw.valuesAt(col, row), pane.predictions.probabilitiesAt(col, row));
    this.physical.textContent = '';
  }

  private setPreserve(on: boolean): void {
    this.state.preserveLabels = on;
    this.toolbar.setPreserve(on);
    this.save();
  }

  /** Copies the labels of slice z+from into the current slice (one edit on the host). */
  private copySlice(from: -1 | 1): void {
    const pane = this.panes.find((p) => p.orientation === this.focused);
    if (pane && !this.settings.readOnly) {
      // In the xz/yz view: the previous/next row or column of that view.
      const fromIndex = pane.index + from;
      if (fromIndex < 0 || fromIndex >= (pane.orientation === 'xz' ? this.image.shape.y : this.image.shape.x)) return;
      this.rpc.send({ type: 'labels/copySlice', orientation: pane.orientation, t: this.state.t, fromZ: fromIndex, toZ: pane.index, preserveLabels: this.state.preserveLabels === true });
      return;
    }
    const fromZ = this.state.z + from;
    if (this.settings.readOnly || fromZ < 0 || fromZ >= this.image.shape.z) return;
    this.rpc.send({ type: 'labels/copySlice', t: this.state.t, fromZ, toZ: this.state.z, preserveLabels: this.state.preserveLabels === true });
  }

  private setTool(tool: Tool): void {
    if (this.settings.readOnly && tool !== 'pan') tool = 'pan';
    if (tool !== this.state.tool) for (const tools of this.allTools()) tools.cancel();
    this.state.tool = tool;
    this.updateBoundaries();
    this.viewer.invalidate();
    this.toolbar.setTool(tool);
    // The size controls show the current tool's size (the eraser has its own).
    this.toolbar.setBrushSize(this.toolSize);
    for (const viewer of this.viewers()) {
      viewer.setTool(tool);
      viewer.setBrush(this.toolSize, this.classColor(this.state.selectedClass));
    }
    this.save();
  }

  private setBrushSize(size: number): void {
    const s = clampInt(size, 1, 61);
    if (this.state.tool === 'eraser') this.state.eraserSize = s;
    else this.state.brushSize = s;
    this.toolbar.setBrushSize(s);
    for (const viewer of this.viewers()) viewer.setBrush(s, this.classColor(this.state.selectedClass));
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
    for (const viewer of this.viewers()) viewer.setBrush(this.state.brushSize, this.classColor(id));
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
    for (const p of this.panes) { p.labels.setPalette(palette); p.predictions.setPalette(palette); }
    if (!classes.some((c) => c.id === this.state.selectedClass) && classes.length) this.state.selectedClass = classes[0].id;
    this.classesPanel.setClasses(classes, this.state.selectedClass, this.status?.labelCounts ?? []);
    this.classifierPanel.setClasses(classes);
    for (const viewer of this.viewers()) viewer.setBrush(this.state.brushSize, this.classColor(this.state.selectedClass));
    this.redrawViews();
  }

  /** The viewers of every view. */
  private viewers(): Viewer[] {
    return [this.viewer, ...this.panes.map((p) => p.viewer)];
  }

  private setStatus(status: ClassifierStatus): void {
    this.status = status;
    this.setLabelCount(status.labelCounts.reduce((a, b) => a + (b || 0), 0));
    this.classesPanel.setCounts(status.labelCounts);
    this.classifierPanel.setStatus(status);
    this.featuresPanel.setHostEstimate(status.featureChannels, status.featureMemoryBytes);
    const busy = status.state !== 'idle' && status.state !== 'error';
    if (!busy) {
      let dropped = this.predictions.dropStale();
      for (const p of this.panes) dropped = p.predictions.dropStale() || dropped;
      if (dropped) { this.redrawViews(); this.updateReadout(); }
    }
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
    for (const viewer of this.viewers()) viewer.paintingEnabled = !settings.readOnly;
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
      case 'fit': this.focusedViewer().fit(); break;
      case 'oneToOne': this.focusedViewer().oneToOne(); break;
      case 'zoom': this.focusedViewer().zoomBy(action.factor); break;
      case 'maximiseView':
        if (!this.panes.length) return false;
        this.toggleMaximise(this.state.layout === 'three' || this.state.layout === undefined ? this.focused : this.state.layout);
        break;
      case 'brush': {
        const size = this.toolSize;
        this.setBrushSize(size + action.delta * (action.delta < 0 ? (size > 10 ? 2 : 1) : (size >= 10 ? 2 : 1)));
        break;
      }
      case 'plane':
        if (action.axis === 'z' && this.focused !== 'xy' && this.state.cursor) {
          // In a side view, PageUp/PageDown move that view's slice (its row or column of the crosshair).
          const c = this.state.cursor;
          if (this.focused === 'xz') this.setCursor(clampInt(c.y + action.delta, 0, s.y - 1), c.x);
          else this.setCursor(c.y, clampInt(c.x + action.delta, 0, s.x - 1));
        } else if (action.axis === 'z') this.setPlane(this.state.t, clampInt(this.state.z + action.delta, 0, s.z - 1));
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
      case 'escape': {
        let used = false;
        for (const tools of this.allTools()) used = tools.cancel() || used;
        this.strokeTarget = undefined;
        return used || this.preview.stop();
      }
      case 'enter':
        if (this.state.tool !== 'polygon') return false;
        (this.strokeTarget?.tools ?? this.tools).closePolygon();
        this.strokeTarget = undefined;
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

/** Where a stroke or tool use goes: a view's painter and tools, and the slice that view shows. */
interface StrokeTarget {
  painter: LabelPainter;
  tools: LabelToolsType;
  /** Slice index of the view (z for xy). */
  z: number;
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
