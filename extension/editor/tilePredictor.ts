/**
 * Tile prediction of the live loop: features of a tile from the LRU feature cache (computed on a miss),
 * prediction of the viewed plane tile by tile — visible tiles first, re-prioritised from the view whenever a
 * worker becomes free — `prediction/tile` messages, and the predicted tiles kept for a re-created webview
 * and for "go to most uncertain".
 */
import type { Box } from '../core/features/box';
import { requiredSourceBox } from '../core/features/computeFeatureBlock';
import type { FeatureSelection } from '../core/features/featureSet';
import { selectionForImage } from '../core/features/selectionForImage';
import type { Forest } from '../core/forest/index';
import { readSourceBlock } from '../core/image/readSourceBlock';
import type { HostToWebviewMessage, PixelBox } from '../protocol';
import type { DocumentController } from './documentController';
import type { FeatureCache } from './featureCache';
import type { LiveCompute } from './liveCompute';
import type { LiveStatus } from './liveStatus';
import type { Logger } from './logger';
import { quantizeTile } from './quantizeTile';
import { planeTiles, tileKey, tileOrder, tilesInView } from './tiling';
import { planeBoxToVolume, planeSizeOf, volumeOrderToPlane, type Orientation } from '../core/views/slicePlane';

/** What the predictor remembers about a predicted tile. */
export interface PredictedTile {
  /** The view whose plane the tile belongs to; `z` is then that view's slice index (issue #15). */
  orientation: Orientation;
  t: number;
  z: number;
  box: PixelBox;
  /** The window of the tile with the highest mean uncertainty, and that mean. */
  window: PixelBox;
  windowUncertainty: number;
  /** The uint8 probabilities sent, kept so a re-created webview gets them again. */
  bytes: Uint8Array;
}

/** The forest predictions come from, as the session holds it. */
export interface PredictionSource {
  readonly forest: Forest | undefined;
  readonly generation: number;
  /** True while `forest` is the preview forest. */
  readonly preview: boolean;
  /**
   * The viewed plane and region, if a webview reported one; `cursor` is the crosshair when three views are shown
   * (the xz view shows row `cursor.y`, the yz view column `cursor.x`).
   */
  readonly view: { t: number; z: number; box: PixelBox; cursor?: { y: number; x: number } } | undefined;
}

/** One tile to predict: a box of the plane of one view. */
interface TileJob {
  orientation: Orientation;
  t: number;
  /** Slice index along the axis the view cuts. */
  z: number;
  tile: PixelBox;
  key: string;
  visible: boolean;
}

/** Key of a tile of any view (xy keys stay as they were). */
function viewTileKey(orientation: Orientation, t: number, z: number, tile: PixelBox): string {
  return orientation === 'xy' ? tileKey(t, z, tile) : `${orientation}:${tileKey(t, z, tile)}`;
}

/** Environment of a {@link TilePredictor}. */
export interface TilePredictorDeps {
  controller: DocumentController;
  compute: LiveCompute;
  features: FeatureCache;
  status: LiveStatus;
  logger: Logger;
  source: PredictionSource;
  /** Tiles predicted concurrently. */
  concurrency: number;
  /** Live predictions cover at most this many pixels of the view (issue #13: never the whole plane of a huge image). */
  livePixels?: number;
  /** Planes up to this many pixels are predicted whole after the visible part. */
  backgroundPixels?: number;
}

/** Default live and background prediction limits: 16 megapixels. */
export const LIVE_PREDICTION_PIXELS = 16e6;

/** Predicts the tiles of the viewed plane with the session's current forest. */
export class TilePredictor {
  private readonly predicted = new Map<string, PredictedTile>();

  constructor(private readonly deps: TilePredictorDeps) {}

  private get doc() {
    return this.deps.controller.document;
  }

  /** The feature selection of the open image. */
  selection(): FeatureSelection {
    return selectionForImage(this.doc.project.features, this.doc.featureImage()!);
  }

  /**
   * Features of one tile of the open image, from the cache or computed (then cached). For an xz/yz tile the
   * features are in the volume's [feature][z][y][x] order of the tile's one-voxel-thick box.
   */
  tileFeatures(t: number, z: number, tile: PixelBox, signal: AbortSignal, priority = 0, orientation: Orientation = 'xy'): Promise<Float32Array> {
    return this.tileFeaturesAndProbabilities(t, z, tile, signal, priority, orientation).then((r) => r.features!);
  }

  /**
   * Features of one tile as {@link tileFeatures}; when `forest` is given and the features are computed now, the same
   * worker job also predicts them (`probabilities`), so fresh features are not sent to the workers again. When the
   * feature cache is too small to keep two such tiles (the browser's 32 MiB with bigger tiles or more features), the
   * features are not cached and do not even leave the worker: then only `probabilities` are returned.
   */
  private async tileFeaturesAndProbabilities(
    t: number, z: number, tile: PixelBox, signal: AbortSignal, priority = 0, orientation: Orientation = 'xy', forest?: Forest,
  ): Promise<{ features?: Float32Array; probabilities?: Float32Array }> {
    const doc = this.doc;
    const selection = this.selection();
    const key = this.featureKey(t, z, tile, orientation);
    const request = async () => {
      const image = doc.image!;
      const shape = image.info.shape;
      const volume = { z: shape.z, y: shape.y, x: shape.x };
      const target: Box = planeBoxToVolume(orientation, z, tile);
      const sourceBox = requiredSourceBox(target, volume, selection);
      const source = await readSourceBlock(image, t, sourceBox);
      signal.throwIfAborted();
      return { selection, image: volume, nInputChannels: shape.c, source, sourceBox, target };
    };
    const cache = this.deps.features;
    if (forest && !cache.peek(key) && !cache.keeps(4 * forest.nFeatures * tile.width * tile.height)) {
      return { probabilities: (await this.deps.compute.tileFeaturesAndPredict(await request(), forest, signal, priority, false)).probabilities };
    }
    let probabilities: Float32Array | undefined;
    const features = await cache.get(key, async () => {
      if (!forest) return this.deps.compute.tileFeatures(await request(), signal, priority);
      const both = await this.deps.compute.tileFeaturesAndPredict(await request(), forest, signal, priority);
      probabilities = both.probabilities;
      return both.features!;
    }, signal);
    return { features, probabilities };
  }

  /** Feature cache key of a tile (the selection is part of it, so a feature change never serves stale tiles). */
  private featureKey(t: number, z: number, tile: PixelBox, orientation: Orientation = 'xy'): string {
    return `${JSON.stringify(this.selection())}|${viewTileKey(orientation, t, z, tile)}`;
  }

  /** The xz and yz planes the crosshair of the current view selects (none for 2D images or one view). */
  private orthoPlanes(): { orientation: Orientation; t: number; z: number }[] {
    const view = this.deps.source.view;
    const shape = this.doc.shape;
    if (!view?.cursor || !shape || shape.z < 2) return [];
    return [
      { orientation: 'xz', t: view.t, z: view.cursor.y },
      { orientation: 'yz', t: view.t, z: view.cursor.x },
    ];
  }

  /** Tiles of the crosshair's xz and yz planes not yet predicted with the current forest. */
  missingOrthoTiles(): number {
    let n = 0;
    for (const p of this.orthoPlanes()) {
      const { width, height } = planeSizeOf(this.doc.shape!, p.orientation);
      for (const tile of planeTiles(width, height, this.deps.controller.settings().tileSize)) {
        if (!this.predicted.has(viewTileKey(p.orientation, p.t, p.z, tile))) n++;
      }
    }
    return n;
  }

  /** Forgets every predicted tile (a new forest, or predictions dropped). */
  clear(): void {
    this.predicted.clear();
  }

  /** The viewed plane (the first one until a webview reports its view). */
  plane(): { t: number; z: number; box?: PixelBox } {
    return this.deps.source.view ?? { t: 0, z: 0 };
  }

  /** Tiles of plane (t, z) not yet predicted with the current forest: visible first. */
  missingTiles(t: number, z: number, onlyVisible = false): PixelBox[] {
    const view = this.deps.source.view;
    const { visible, rest } = this.xyTiles(view?.t === t && view.z === z ? view.box : undefined);
    return (onlyVisible ? visible : [...visible, ...rest]).filter((tile) => !this.predicted.has(tileKey(t, z, tile)));
  }

  /**
   * The xy tiles to predict, visible first: all of them for planes up to the background budget; for bigger planes
   * only the visible ones, and none when the view shows more than the live budget (then {@link zoomNote} says so).
   */
  private xyTiles(view: PixelBox | undefined): { visible: PixelBox[]; rest: PixelBox[] } {
    const shape = this.doc.shape!;
    const tileSize = this.deps.controller.settings().tileSize;
    const big = shape.x * shape.y > (this.deps.backgroundPixels ?? LIVE_PREDICTION_PIXELS);
    if (!big) return tileOrder(shape.x, shape.y, tileSize, view);
    if (!view || view.width * view.height > (this.deps.livePixels ?? LIVE_PREDICTION_PIXELS)) return { visible: [], rest: [] };
    // Never the whole plane's tiles: pick() asks for this after every tile.
    return { visible: tilesInView(shape.x, shape.y, tileSize, view), rest: [] };
  }

  /** Why nothing is predicted on a big plane: the view is larger than live predictions cover. */
  zoomNote(): string | undefined {
    const shape = this.doc.shape;
    const view = this.deps.source.view;
    if (!shape || shape.x * shape.y <= (this.deps.backgroundPixels ?? LIVE_PREDICTION_PIXELS)) return undefined;
    const limit = this.deps.livePixels ?? LIVE_PREDICTION_PIXELS;
    const shown = view ? view.box.width * view.box.height : shape.x * shape.y;
    if (shown <= limit) return undefined;
    return `Zoom in to see predictions: the view shows ${(shown / 1e6).toFixed(0)} megapixels, live predictions cover up to ${(limit / 1e6).toFixed(0)} (Predict Workspace and Export predict the whole image)`;
  }

  /**
   * Predicts the tiles of the viewed plane not yet predicted with the current forest, `concurrency` at a
   * time. The next tile is chosen when a worker becomes free, from the view at that moment: visible
   * tiles first (nearest the view centre first), then the rest — so panning or changing z mid-run
   * re-prioritises the remaining work; within each group, tiles whose features are cached come first
   * (they can be shown at once). `mode`: 'preview' predicts only the visible tiles (the full forest
   * follows), 'full' is the pass after training, 'view' one after the view changed.
   */
  async predictPlane(signal: AbortSignal, mode: 'preview' | 'full' | 'view'): Promise<void> {
    const { source, status, controller, features } = this.deps;
    const forest = source.forest;
    const doc = this.doc;
    if (!forest || !doc.image) return;
    const generation = source.generation;
    const nClasses = forest.nClasses;
    const inFlight = new Set<string>();
    const onlyVisible = mode === 'preview';
    const stage = source.preview ? `Preview (${forest.trees.length} trees): ` : '';
    let done = 0;
    const started = Date.now();
    const pick = (): TileJob | undefined => {
      const { t, z } = this.plane();
      const shape = doc.shape!;
      const tileSize = controller.settings().tileSize;
      const view = source.view && source.view.t === t && source.view.z === z ? source.view.box : undefined;
      const { visible, rest } = this.xyTiles(view);
      // The xy plane's visible tiles, then the crosshair's xz and yz planes (shown whole), then the rest of xy.
      const groups: { orientation: Orientation; z: number; tiles: PixelBox[]; visible: boolean }[] = [{ orientation: 'xy', z, tiles: visible, visible: true }];
      for (const p of this.orthoPlanes()) {
        const size = planeSizeOf(shape, p.orientation);
        groups.push({ orientation: p.orientation, z: p.z, tiles: tileOrder(size.width, size.height, tileSize).rest, visible: true });
      }
      if (!onlyVisible) groups.push({ orientation: 'xy', z, tiles: rest, visible: false });
      for (const group of groups) {
        let uncached: TileJob | undefined;
        for (const tile of group.tiles) {
          const key = viewTileKey(group.orientation, t, group.z, tile);
          if (this.predicted.has(key) || inFlight.has(key)) continue;
          const job = { orientation: group.orientation, t, z: group.z, tile, key, visible: group.visible };
          if (features.peek(this.featureKey(t, group.z, tile, group.orientation))) return job;
          uncached ??= job;
        }
        if (uncached) return uncached;
      }
      return undefined;
    };
    const remaining = () => {
      const { t, z } = this.plane();
      return this.missingTiles(t, z, onlyVisible).length + this.missingOrthoTiles();
    };
    const total0 = remaining();
    if (total0 === 0) {
      const note = this.zoomNote();
      if (note) status.set('idle', 1, note);
      else if (mode === 'full') status.set('idle', 1, 'Up to date');
      return;
    }
    status.set('predicting', 0, `${stage}Predicting ${total0} tiles`);
    const worker = async () => {
      for (let job = pick(); job; job = pick()) {
        const { orientation, t, z, tile, key } = job;
        inFlight.add(key);
        try {
          // Visible tiles get a higher pool priority than the rest.
          const priority = job.visible ? 2 : 0;
          const computed = await this.tileFeaturesAndProbabilities(t, z, tile, signal, priority, orientation, forest);
          signal.throwIfAborted();
          const probabilities = computed.probabilities
            ?? await this.deps.compute.predict(forest, computed.features!, tile.width * tile.height, signal, priority);
          signal.throwIfAborted();
          if (source.forest !== forest) return;
          const q = quantizeTile(volumeOrderToPlane(orientation, tile, probabilities, nClasses), nClasses, tile);
          this.predicted.set(key, { orientation, t, z, box: tile, window: q.window, windowUncertainty: q.windowUncertainty, bytes: q.bytes });
          controller.broadcast({
            type: 'prediction/tile', ...(orientation === 'xy' ? {} : { orientation }), t, z, box: tile, nClasses, generation, probabilities: q.bytes.slice().buffer,
          });
        } finally {
          inFlight.delete(key);
        }
        done++;
        if (done === 1) this.deps.logger.info(`${doc.fileName}: ${stage}first tile after ${Date.now() - started} ms`);
        const left = remaining();
        status.set('predicting', done / (done + left), `${stage}Predicted ${done} tiles, ${left} to go`);
      }
    };
    const n = Math.max(1, this.deps.concurrency);
    await Promise.all(Array.from({ length: n }, worker));
    signal.throwIfAborted();
    this.deps.logger.info(`${doc.fileName}: ${stage}predicted ${done} tiles in ${Date.now() - started} ms (feature cache ${features.size} tiles, ${(features.bytes / 1048576).toFixed(0)} MiB)`);
    if (source.preview) status.set('predicting', 1, `Preview (${forest.trees.length} trees) shown`);
    else status.set('idle', 1, this.zoomNote() ?? 'Up to date');
  }

  /** Sends the current predictions to one (re-created) webview. */
  replay(send: (message: HostToWebviewMessage) => void): void {
    const forest = this.deps.source.forest;
    if (!forest) return;
    for (const tile of this.predicted.values()) {
      send({ type: 'prediction/tile', ...(tile.orientation === 'xy' ? {} : { orientation: tile.orientation }), t: tile.t, z: tile.z, box: tile.box, nClasses: forest.nClasses, generation: this.deps.source.generation, probabilities: tile.bytes.slice().buffer });
    }
  }

  /** The predicted tile of plane (t, z) with the most uncertain window, if any tile is predicted. */
  mostUncertain(t: number, z: number): PredictedTile | undefined {
    let best: PredictedTile | undefined;
    for (const tile of this.predicted.values()) {
      if (tile.orientation !== 'xy' || tile.t !== t || tile.z !== z) continue;
      if (!best || tile.windowUncertainty > best.windowUncertainty) best = tile;
    }
    return best;
  }
}
