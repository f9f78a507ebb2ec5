/**
 * The live training/prediction loop of one document (issue #5: "Features and live results").
 *
 * After a stroke (debounced, when live update is on) or on "Update now": cancel stale work → extract
 * training samples from every labelled pixel of every image of the project (features only around the
 * labels: their bounding boxes plus halo, assembled from cached feature tiles) → train the seeded forest
 * on the worker pool → predict the visible tiles first, then the rest of the plane, tile by tile, each
 * tile's features from an LRU cache under a memory budget (so repainting never recomputes them) →
 * `prediction/tile` messages carrying a generation counter, and `status/update` with progress, OOB error,
 * label counts and top feature importances.
 *
 * Progressive update: when training the full forest takes longer than a moment (measured on the last full
 * training, scaled to the current number of samples and trees), after a stroke a small *preview* forest
 * (a few trees on a seeded, class-stratified subsample of the labelled pixels) is trained first and the
 * visible tiles are predicted with it (its own generation); then the full forest is trained and the
 * plane re-predicted, visible tiles first (the next generation). A new stroke cancels both stages. The
 * preview forest never becomes `forestHash`'s forest, so it is never written to the model cache. When the
 * full forest is predicted to train within {@link PreviewSettings.skipBelowMs}, it goes first directly.
 *
 * Samples and forest options come from the engine's one trainer (extension/core/training/projectTraining.ts),
 * which the batch trainer and the CLI call too, so the model written to `<name>.pixelclass.model` on save is
 * the one the CLI would retrain from the JSON.
 *
 * This file decides what to do when; the parts live beside it: liveScheduler.ts (debounce, serialised runs,
 * cancellation), liveTrainer.ts (samples and forests), tilePredictor.ts (tile features and prediction),
 * liveModelCache.ts (the model cache), liveStatus.ts (the status the webviews show), previewForest.ts and
 * quantizeTile.ts.
 */
import { featureChannels } from '../core/features/featureSet';
import { featureImportances, serializeForest, type Forest } from '../core/forest/index';
import { trainingHash } from '../project/trainingHash';
import type { PixelClassifierProject } from '../project/projectSchema';
import type { ClassifierStatus, HostToWebviewMessage, PixelBox } from '../protocol';
import type { DocumentController, LiveLoop } from './documentController';
import { FeatureCache } from './featureCache';
import type { LiveCompute } from './liveCompute';
import { modelCacheName, readCachedForest, writeModelCacheIfCurrent } from './liveModelCache';
import { LiveStatus } from './liveStatus';
import { LiveScheduler } from './liveScheduler';
import { LiveTrainer, NotTrainable } from './liveTrainer';
import { FeatureImageError } from '../core/features/selectionForImage';
import type { ImageOpener, LabelDocument } from './labelDocument';
import { errorText, type Logger } from './logger';
import type { PreviewSettings } from './previewForest';
import { TilePredictor } from './tilePredictor';

/** Stands in for the image's sha256 in the live loop's training identity until the file is hashed (never saved). */
const PROVISIONAL_SHA256 = 'sha256-pending';

/** The training hash of `snapshot` with the image's real sha256 in place of the stand-in, once `sha256` is known. */
function settledTrainingHash(snapshot: PixelClassifierProject, hash: string, sha256: string | undefined): string {
  if (sha256 === undefined || !snapshot.images.some((image) => image.sha256 === PROVISIONAL_SHA256)) return hash;
  const images = snapshot.images.map((image) => (image.sha256 === PROVISIONAL_SHA256 ? { ...image, sha256 } : image));
  return trainingHash({ ...snapshot, images });
}

/** Environment of a live session. */
export interface LiveSessionDeps {
  compute: LiveCompute;
  logger: Logger;
  /** Feature cache budget in bytes. */
  featureCacheBytes: number;
  /** Live predictions cover at most this many pixels of the view (issue #13). @default 16 Mpx */
  livePredictionPixels?: number;
  /** Planes up to this many pixels are predicted whole after the visible part. @default 16 Mpx */
  backgroundPredictionPixels?: number;
  /** Opens the other images of a multi-image project. */
  openImage: ImageOpener;
  /** Delay after the last stroke before retraining. @default {@link LIVE_DEBOUNCE_MS} */
  debounceMs?: number;
  /** Tiles predicted concurrently (each tile's prediction is itself spread over the pool). @default 2 */
  concurrency?: number;
  /** The quick preview stage (see module docs); `false` turns it off. @default DEFAULT_PREVIEW of previewForest.ts */
  preview?: Partial<PreviewSettings> | false;
}

/**
 * Delay after a stroke before retraining. A stroke reaches the host once, when it ends, so the delay only merges
 * strokes painted in quick succession; the retraining it starts is cancelled by the next stroke anyway. It is part
 * of the stroke → first tile time (`npm run bench -- live`: 150 ms was most of a 200 ms target).
 */
export const LIVE_DEBOUNCE_MS = 50;

/** The live loop of one document; created by the controller. */
export class LiveSession implements LiveLoop {
  enabled = true;
  /** Incremented for every newly trained forest; tiles carry it. */
  generation = 0;
  /**
   * The forest predictions come from (undefined until trained or loaded from the model cache): the
   * full forest, or for a moment after a stroke the preview forest (then `preview` is true).
   */
  forest: Forest | undefined;
  /** True while `forest` is the preview forest (never cached: `forestHash` is undefined then). */
  preview = false;
  /** Training hash the full forest was trained for; undefined while there is no full forest. */
  forestHash: string | undefined;
  readonly features: FeatureCache;
  /** The viewed plane and region, once a webview reported it. */
  view: { t: number; z: number; box: PixelBox; cursor?: { y: number; x: number } } | undefined;
  /** Samples and forests. */
  readonly trainer: LiveTrainer;
  private readonly tiles: TilePredictor;
  private readonly statusLine: LiveStatus;

  private readonly scheduler: LiveScheduler;
  private modelCacheTried = false;
  private disposed = false;

  constructor(private readonly controller: DocumentController, private readonly deps: LiveSessionDeps) {
    this.features = new FeatureCache(deps.featureCacheBytes);
    this.scheduler = new LiveScheduler(deps.debounceMs ?? LIVE_DEBOUNCE_MS);
    this.statusLine = new LiveStatus(controller);
    this.tiles = new TilePredictor({
      controller, compute: deps.compute, features: this.features, status: this.statusLine, logger: deps.logger,
      source: this, concurrency: deps.concurrency ?? 2,
      livePixels: deps.livePredictionPixels, backgroundPixels: deps.backgroundPredictionPixels,
    });
    this.trainer = new LiveTrainer({
      controller, compute: deps.compute, status: this.statusLine, logger: deps.logger, openImage: deps.openImage, preview: deps.preview,
      tileFeatures: (t, z, tile, signal, priority) => this.tiles.tileFeatures(t, z, tile, signal, priority),
    });
  }

  private get doc(): LabelDocument {
    return this.controller.document;
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  /** The current status, with label counts and the feature channel count / memory estimate. */
  status(): ClassifierStatus {
    return this.statusLine.status();
  }

  // ---------------------------------------------------------------- triggers

  /** Predictions are stale: cancel work; retrain after the debounce when live, else clear predictions. */
  invalidate(reason: 'labels' | 'classes' | 'features' | 'reloaded'): void {
    if (this.disposed) return;
    const nClasses = this.doc.project.classes.length;
    // Renaming or recolouring a class does not change the model.
    if (reason === 'classes' && this.forest && this.forest.nClasses === nClasses) {
      this.statusLine.broadcast();
      return;
    }
    this.scheduler.cancel();
    if (reason === 'features' || reason === 'reloaded') this.features.clear();
    if (reason !== 'labels' || !this.enabled) this.dropPredictions(reason === 'labels' ? 'Labels changed: press Update now to retrain.' : undefined);
    if (this.enabled) this.scheduler.debounce(() => this.start());
  }

  /** Retrain and predict now. */
  updateNow(): void {
    this.scheduler.clearTimer();
    this.start();
  }

  /** The visible region changed: predict its missing tiles first (with the current forest). */
  setView(t: number, z: number, box: PixelBox, cursor?: { y: number; x: number }): void {
    const planeChanged = !this.view || this.view.t !== t || this.view.z !== z;
    this.view = cursor ? { t, z, box, cursor } : { t, z, box };
    if (!this.forest) {
      if (!this.modelCacheTried) void this.loadModelCache();
      return;
    }
    // A running training/prediction pass picks its next tile from the current view anyway.
    if (this.scheduler.training) return;
    if (planeChanged || this.tiles.missingTiles(t, z).length > 0 || this.tiles.missingOrthoTiles() > 0) void this.startPrediction();
    else this.showZoomNote();
  }

  /** Big images zoomed out beyond live predictions (issue #13): the status says to zoom in, or that all is shown. */
  private showZoomNote(): void {
    const note = this.tiles.zoomNote();
    const status = this.statusLine.status();
    if (status.state !== 'idle') return;
    if (note) this.statusLine.set('idle', 1, note);
    else if (status.message?.startsWith('Zoom in to see predictions')) this.statusLine.set('idle', 1, 'Up to date');
  }

  // ---------------------------------------------------------------- runs

  /** Starts a training run (cancelling any other) and returns when it has finished. */
  private start(): Promise<void> {
    if (this.controller.settings().readOnly) {
      this.scheduler.cancel();
      this.statusLine.set('idle', 0, 'Training is disabled in Restricted Mode (trust the workspace to train).');
      return this.scheduler.lastRun();
    }
    return this.scheduler.run((signal) => this.trainAndPredict(signal), {
      onError: (e) => {
        if (e instanceof NotTrainable) {
          this.dropPredictions(e.message);
          return;
        }
        // The features cannot be computed for this image (e.g. σ in µm without a pixel size): the sentence names
        // the image and the fix (issue #15).
        const message = e instanceof FeatureImageError ? e.message : `${this.doc.fileName}: training failed: ${errorText(e)}`;
        this.log.error(message);
        this.statusLine.set('error', 0, message);
      },
      // Idle (no newer run): give the sample buffers back. Kept, they would hold 4·n·F bytes for as long as
      // the editor is open, growing with the labels (soak, #7); a burst of strokes still reuses them.
      onIdle: () => this.trainer.releaseBuffers(),
    });
  }

  private startPrediction(): Promise<void> {
    return this.scheduler.predict((signal) => this.tiles.predictPlane(signal, 'view'), {
      onError: (e) => {
        const message = e instanceof FeatureImageError ? e.message : `${this.doc.fileName}: prediction failed: ${errorText(e)}`;
        this.log.error(message);
        this.statusLine.set('error', 0, message);
      },
    });
  }

  // ---------------------------------------------------------------- one run

  /** Trains from all labels (or reuses the forest when the training inputs did not change), then predicts. */
  private async trainAndPredict(signal: AbortSignal): Promise<void> {
    const doc = this.doc;
    if (!doc.image || !doc.labels) return;
    // The image's sha256 is part of the training identity, but a file of gigabytes is hashed in the background: the
    // first training must not wait for it (it did: seconds of a stroke's first tile, issue #13).
    const snapshot = doc.snapshotWithHash(PROVISIONAL_SHA256);
    const hash = trainingHash(snapshot);
    if (!this.forest || this.forestHash !== hash) {
      const set = await this.trainer.trainingSet(snapshot, signal);
      // Stage 1: a quick forest for the visible tiles while the full one trains.
      const preview = await this.trainer.trainPreview(set, signal);
      if (preview) {
        this.usePreview(preview.forest);
        await this.tiles.predictPlane(signal, 'preview');
        signal.throwIfAborted();
      }
      // Stage 2: the full seeded forest (the one the batch trainer and the model cache have).
      const forest = await this.trainer.trainFull(set, signal, preview ? `preview (${preview.settings.trees} trees) shown; ` : '');
      signal.throwIfAborted();
      // The image may have been hashed during the training.
      const settled = settledTrainingHash(snapshot, hash, doc.knownImageHash);
      this.useForest(forest, settled);
      if (settled === hash && doc.knownImageHash === undefined) this.settleWhenHashed(snapshot, hash);
    }
    await this.tiles.predictPlane(signal, 'full');
  }

  /**
   * A forest trained while the image was being hashed is keyed by a stand-in sha256; when the hash is known it becomes
   * the forest of the same snapshot with the real one (unless another forest replaced it meanwhile), so it is not
   * retrained and can be written to the model cache.
   */
  private settleWhenHashed(snapshot: PixelClassifierProject, provisionalHash: string): void {
    void this.doc.hash().then((sha256) => {
      if (this.forestHash === provisionalHash) this.forestHash = settledTrainingHash(snapshot, provisionalHash, sha256);
    }, () => undefined);
  }

  private dropPredictions(message?: string): void {
    this.forest = undefined;
    this.forestHash = undefined;
    this.preview = false;
    this.tiles.clear();
    this.generation++;
    this.controller.broadcast({ type: 'prediction/clear', generation: this.generation });
    this.statusLine.set('idle', 0, message, { oobError: undefined, importances: undefined });
  }

  /** Shows the preview forest: a new generation whose OOB error / importances are not shown (they are the full forest's). */
  private usePreview(forest: Forest): void {
    this.forest = forest;
    this.forestHash = undefined;
    this.preview = true;
    this.generation++;
    this.tiles.clear();
    this.statusLine.setResults(undefined, undefined);
  }

  private useForest(forest: Forest, hash: string): void {
    this.forest = forest;
    this.forestHash = hash;
    this.preview = false;
    this.generation++;
    this.tiles.clear();
    const shape = this.doc.shape!;
    const names = featureChannels(this.tiles.selection(), shape.c, shape.z > 1).map((c) => c.name);
    const importances = Array.from(featureImportances(forest), (value, i) => ({ name: names[i] ?? `feature ${i}`, value }))
      .sort((a, b) => b.value - a.value)
      .slice(0, 5);
    const oob = Number.isFinite(forest.oobError) ? forest.oobError : undefined;
    this.statusLine.setResults(oob, importances);
  }

  // ---------------------------------------------------------------- commands

  /** Sends the current predictions to one (re-created) webview, after its `init`. */
  replay(send: (message: HostToWebviewMessage) => void): void {
    this.tiles.replay(send);
  }

  /** Navigates every webview to the most uncertain window of the current plane (training/predicting first if needed). */
  async goToMostUncertain(): Promise<void> {
    const doc = this.doc;
    if (!doc.image) return;
    if (!this.forest) {
      await this.start();
      if (!this.forest) {
        this.controller.broadcast({ type: 'error/show', message: `${doc.fileName}: paint at least two classes before looking for uncertain regions`, fatal: false });
        return;
      }
    } else {
      await this.scheduler.lastRun();
    }
    const { t, z } = this.tiles.plane();
    if (this.tiles.missingTiles(t, z).length > 0) await this.startPrediction();
    if (this.disposed) return;
    const best = this.tiles.mostUncertain(t, z);
    if (!best) return;
    this.log.info(`${doc.fileName}: most uncertain region at column ${best.window.column}, row ${best.window.row} (mean uncertainty ${best.windowUncertainty.toFixed(3)})`);
    this.controller.broadcast({ type: 'view/navigate', t, z, box: best.window });
  }

  // ---------------------------------------------------------------- model cache

  /** Loads `<name>.pixelclass.model` when it matches the labels (no retraining needed), else trains if live. */
  private async loadModelCache(): Promise<void> {
    this.modelCacheTried = true;
    const doc = this.doc;
    if (!doc.image || !doc.labels || doc.projectFile === '') return;
    try {
      const cached = await readCachedForest(doc);
      if ('noLabels' in cached && cached.noLabels) return;
      if ('forest' in cached && !this.forest) {
        this.log.info(`${doc.fileName}: using the cached model ${modelCacheName(doc)}`);
        this.useForest(cached.forest, cached.trainingHash);
        await this.startPrediction();
        return;
      }
      const why = 'unusable' in cached ? cached.unusable : 'model cache is stale';
      // Restricted Mode: a valid cached model may be shown (viewing), but nothing is trained.
      const canTrain = this.enabled && !this.controller.settings().readOnly;
      this.log.info(`${doc.fileName}: ${why}; ${canTrain ? 'retraining' : 'not retraining (live update off or Restricted Mode)'}`);
      if (canTrain) this.updateNow();
    } catch (e) {
      this.log.warn(`${doc.fileName}: model cache not used: ${errorText(e)}`);
    }
  }

  private serialized: { hash: string; bytes: Uint8Array } | undefined;

  /** The full (not preview) forest as serializeForest bytes with its training hash ("Label Here Next" uses it). */
  currentModel(): { bytes: Uint8Array; hash: string } | undefined {
    if (!this.forest || !this.forestHash) return undefined;
    if (this.serialized?.hash !== this.forestHash) this.serialized = { hash: this.forestHash, bytes: serializeForest(this.forest) };
    return this.serialized;
  }

  /** After a save: writes the model cache when the current forest matches the saved labels. */
  async afterSave(): Promise<void> {
    if (!this.forest || !this.forestHash || this.doc.projectFile === '') return;
    // A forest keyed by a stand-in sha256 gets its real key first (settleWhenHashed runs before this continuation).
    await this.doc.hash().catch(() => undefined);
    if (!this.forest || !this.forestHash) return;
    await writeModelCacheIfCurrent(this.doc, this.forest, this.forestHash, this.log);
  }

  /** Resolves when the current training run (if any) has finished; for tests and commands. */
  idle(): Promise<void> {
    return this.scheduler.lastRun();
  }

  dispose(): void {
    this.disposed = true;
    this.statusLine.silenced = true;
    this.scheduler.stop();
    this.features.clear();
    this.trainer.clear();
  }
}
