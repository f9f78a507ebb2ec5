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
import { tileKey, tileOrder } from './tiling';

/** What the predictor remembers about a predicted tile. */
export interface PredictedTile {
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
  /** The viewed plane and region, if a webview reported one. */
  readonly view: { t: number; z: number; box: PixelBox } | undefined;
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
}

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

  /** Features of one tile of the open image, from the cache or computed (then cached). */
  tileFeatures(t: number, z: number, tile: PixelBox, signal: AbortSignal, priority = 0): Promise<Float32Array> {
    const doc = this.doc;
    const selection = this.selection();
    return this.deps.features.get(this.featureKey(t, z, tile), async () => {
      const image = doc.image!;
      const shape = image.info.shape;
      const volume = { z: shape.z, y: shape.y, x: shape.x };
      const target: Box = { z0: z, nz: 1, y0: tile.row, ny: tile.height, x0: tile.column, nx: tile.width };
      const sourceBox = requiredSourceBox(target, volume, selection);
      const source = await readSourceBlock(image, t, sourceBox);
      signal.throwIfAborted();
      return this.deps.compute.tileFeatures({ selection, image: volume, nInputChannels: shape.c, source, sourceBox, target }, signal, priority);
    });
  }

  /** Feature cache key of a tile (the selection is part of it, so a feature change never serves stale tiles). */
  private featureKey(t: number, z: number, tile: PixelBox): string {
    return `${JSON.stringify(this.selection())}|${tileKey(t, z, tile)}`;
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
    const shape = this.doc.shape!;
    const view = this.deps.source.view;
    const { visible, rest } = tileOrder(shape.x, shape.y, this.deps.controller.settings().tileSize, view?.t === t && view.z === z ? view.box : undefined);
    return (onlyVisible ? visible : [...visible, ...rest]).filter((tile) => !this.predicted.has(tileKey(t, z, tile)));
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
    const pick = (): { t: number; z: number; tile: PixelBox; key: string; visible: boolean } | undefined => {
      const { t, z } = this.plane();
      const shape = doc.shape!;
      const view = source.view && source.view.t === t && source.view.z === z ? source.view.box : undefined;
      const { visible, rest } = tileOrder(shape.x, shape.y, controller.settings().tileSize, view);
      const groups = onlyVisible ? [[visible, true] as const] : [[visible, true] as const, [rest, false] as const];
      for (const [list, isVisible] of groups) {
        let uncached: { t: number; z: number; tile: PixelBox; key: string; visible: boolean } | undefined;
        for (const tile of list) {
          const key = tileKey(t, z, tile);
          if (this.predicted.has(key) || inFlight.has(key)) continue;
          if (features.peek(this.featureKey(t, z, tile))) return { t, z, tile, key, visible: isVisible };
          uncached ??= { t, z, tile, key, visible: isVisible };
        }
        if (uncached) return uncached;
      }
      return undefined;
    };
    const remaining = () => {
      const { t, z } = this.plane();
      return this.missingTiles(t, z, onlyVisible).length;
    };
    const total0 = remaining();
    if (total0 === 0) {
      if (mode === 'full') status.set('idle', 1, 'Up to date');
      return;
    }
    status.set('predicting', 0, `${stage}Predicting ${total0} tiles`);
    const worker = async () => {
      for (let job = pick(); job; job = pick()) {
        const { t, z, tile, key } = job;
        inFlight.add(key);
        try {
          // Visible tiles get a higher pool priority than the rest.
          const priority = job.visible ? 2 : 0;
          const tileFeatures = await this.tileFeatures(t, z, tile, signal, priority);
          signal.throwIfAborted();
          const probabilities = await this.deps.compute.predict(forest, tileFeatures, tile.width * tile.height, signal, priority);
          signal.throwIfAborted();
          if (source.forest !== forest) return;
          const q = quantizeTile(probabilities, nClasses, tile);
          this.predicted.set(key, { t, z, box: tile, window: q.window, windowUncertainty: q.windowUncertainty, bytes: q.bytes });
          controller.broadcast({
            type: 'prediction/tile', t, z, box: tile, nClasses, generation, probabilities: q.bytes.slice().buffer,
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
    else status.set('idle', 1, 'Up to date');
  }

  /** Sends the current predictions to one (re-created) webview. */
  replay(send: (message: HostToWebviewMessage) => void): void {
    const forest = this.deps.source.forest;
    if (!forest) return;
    for (const tile of this.predicted.values()) {
      send({ type: 'prediction/tile', t: tile.t, z: tile.z, box: tile.box, nClasses: forest.nClasses, generation: this.deps.source.generation, probabilities: tile.bytes.slice().buffer });
    }
  }

  /** The predicted tile of plane (t, z) with the most uncertain window, if any tile is predicted. */
  mostUncertain(t: number, z: number): PredictedTile | undefined {
    let best: PredictedTile | undefined;
    for (const tile of this.predicted.values()) {
      if (tile.t !== t || tile.z !== z) continue;
      if (!best || tile.windowUncertainty > best.windowUncertainty) best = tile;
    }
    return best;
  }
}
