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
 * Sample order and forest options are the same as the batch trainer's (extension/batch/trainProject.ts),
 * so the model written to `<name>.pixelclass.model` on save is the one the CLI would retrain from the JSON.
 */
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Box } from '../core/features/box';
import { featureHaloZYX, requiredSourceBox } from '../core/features/computeFeatureBlock';
import { featureChannels, type FeatureSelection } from '../core/features/featureSet';
import { deserializeForest, featureImportances, serializeForest, type Forest, type ForestOptions } from '../core/forest/index';
import { concatSamples, extractTrainingSamples, labelledBoxes, type TrainingSamples } from '../core/labels/trainingSamples';
import type { LabelVolume } from '../core/labels/labelVolume';
import type { ImageSource } from '../core/image/imageModel';
import { mappedSharedBuffer } from '../core/memory/mappedBuffer';
import { featureCountForShape, selectionForShape } from '../batch/trainProject';
import { readSourceBlock } from '../batch/readSourceBlock';
import { decodeModelCache, encodeModelCache } from '../project/modelCache';
import { modelCachePath, projectLabels, writeFileAtomic } from '../project/projectFile';
import { resolveProjectPath } from '../project/projectPaths';
import type { PixelClassifierProject } from '../project/projectSchema';
import { trainingHash } from '../project/trainingHash';
import type { ClassifierStatus, HostToWebviewMessage, PixelBox } from '../protocol';
import type { LiveLoop } from './documentController';
import type { DocumentController } from './documentController';
import { FeatureCache } from './featureCache';
import type { LiveCompute } from './liveCompute';
import type { ImageOpener, LabelDocument } from './labelDocument';
import { errorText, type Logger } from './logger';
import { tileKey, tileOrder } from './tiling';

/** Environment of a live session. */
export interface LiveSessionDeps {
  compute: LiveCompute;
  logger: Logger;
  /** Feature cache budget in bytes. */
  featureCacheBytes: number;
  /** Opens the other images of a multi-image project. */
  openImage: ImageOpener;
  /** Delay after the last stroke before retraining. @default 150 */
  debounceMs?: number;
  /** Tiles predicted concurrently (each tile's prediction is itself spread over the pool). @default 2 */
  concurrency?: number;
  /** The quick preview stage (see module docs); `false` turns it off. @default {@link DEFAULT_PREVIEW} */
  preview?: Partial<PreviewSettings> | false;
}

/** Settings of the preview forest trained before the full forest after each stroke. */
export interface PreviewSettings {
  /** Trees of the preview forest. */
  trees: number;
  /** Training samples of the preview forest at most (seeded, class-stratified subsample). */
  maxSamples: number;
  /**
   * No preview when the full training is about as cheap: when `nSamples × fullTrees` (the work of the
   * full forest, in sample-trees) is at most this.
   */
  minFullWork: number;
  /**
   * No preview when the full forest is predicted to train within this many milliseconds, the prediction
   * being the last full training's time per sample-tree on this machine times the current work: on a
   * fast machine the full forest itself is the quickest route to the 100-tree result.
   */
  skipBelowMs: number;
}

/**
 * Preview defaults, from `npm run bench -- live` (2048², 49 features, ~20k labelled pixels): 10 trees on
 * ≤ 2000 samples train in well under 100 ms and predict a 256² tile about 10× faster than 100 trees,
 * with probabilities close to the full forest's. Below 200k sample-trees (e.g. 2000 pixels × 100 trees)
 * the full forest itself is quick, so no preview.
 */
export const DEFAULT_PREVIEW: PreviewSettings = { trees: 10, maxSamples: 2000, minFullWork: 200_000, skipBelowMs: 250 };

/** What the session remembers about a predicted tile. */
interface PredictedTile {
  t: number;
  z: number;
  box: PixelBox;
  /** The window of the tile with the highest mean uncertainty, and that mean. */
  window: PixelBox;
  windowUncertainty: number;
  /** The uint8 probabilities sent, kept so a re-created webview gets them again. */
  bytes: Uint8Array;
}

/** Edge of the windows uncertainty is averaged over when looking for the most uncertain region. */
const UNCERTAINTY_WINDOW = 64;

/** Thrown when training is impossible (fewer than two classes labelled). */
class NotTrainable extends Error {}

function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || /abort|cancel/i.test(e.message));
}

/**
 * Converts class-major float probabilities of a tile to uint8 round(255·p) and finds the window with the
 * highest mean uncertainty 1 − (p_max − p_second).
 */
export function quantizeTile(
  probabilities: Float32Array, nClasses: number, box: PixelBox, window = UNCERTAINTY_WINDOW,
): { bytes: Uint8Array; window: PixelBox; windowUncertainty: number } {
  const n = box.width * box.height;
  const bytes = new Uint8Array(nClasses * n);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(255 * Math.min(1, Math.max(0, probabilities[i])));
  const wx = Math.ceil(box.width / window);
  const wy = Math.ceil(box.height / window);
  const sums = new Float64Array(wx * wy);
  const counts = new Uint32Array(wx * wy);
  for (let r = 0; r < box.height; r++) {
    for (let c = 0; c < box.width; c++) {
      const p = r * box.width + c;
      let first = 0;
      let second = 0;
      for (let k = 0; k < nClasses; k++) {
        const v = probabilities[k * n + p];
        if (v > first) {
          second = first;
          first = v;
        } else if (v > second) second = v;
      }
      const w = Math.floor(r / window) * wx + Math.floor(c / window);
      sums[w] += 1 - (first - second);
      counts[w]++;
    }
  }
  let best = 0;
  let bestMean = -1;
  for (let w = 0; w < sums.length; w++) {
    const mean = sums[w] / counts[w];
    if (mean > bestMean) {
      bestMean = mean;
      best = w;
    }
  }
  const column = box.column + (best % wx) * window;
  const row = box.row + Math.floor(best / wx) * window;
  return {
    bytes,
    window: { column, row, width: Math.min(window, box.column + box.width - column), height: Math.min(window, box.row + box.height - row) },
    windowUncertainty: bestMean,
  };
}

/**
 * A seeded, class-stratified subsample of at most `maxSamples` training samples (all of them when there
 * are no more): each class keeps a share proportional to its count, but at least `min(count, 20)`, so
 * a thinly labelled class is not lost. Chosen by a partial Fisher–Yates shuffle per class driven by
 * mulberry32(seed); kept in the original sample order. Deterministic for given samples and seed.
 */
export function previewSubsample(
  samples: Pick<TrainingSamples, 'X' | 'y' | 'nSamples' | 'nFeatures'>, maxSamples: number, seed: number,
): { X: Float32Array; y: Uint8Array; nSamples: number } {
  const { X, y, nSamples: n, nFeatures: F } = samples;
  if (n <= maxSamples) return { X, y, nSamples: n };
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) (byClass.get(y[i]) ?? byClass.set(y[i], []).get(y[i])!).push(i);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const chosen: number[] = [];
  for (const k of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(k)!;
    const quota = Math.min(members.length, Math.max(20, Math.floor((maxSamples * members.length) / n)));
    for (let i = 0; i < quota; i++) {
      const j = i + Math.floor(next() * (members.length - i));
      const m = members[j];
      members[j] = members[i];
      members[i] = m;
      chosen.push(m);
    }
  }
  chosen.sort((a, b) => a - b);
  const outX = new Float32Array(chosen.length * F);
  const outY = new Uint8Array(chosen.length);
  chosen.forEach((i, s) => {
    outX.set(X.subarray(i * F, (i + 1) * F), s * F);
    outY[s] = y[i];
  });
  return { X: outX, y: outY, nSamples: chosen.length };
}

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
  /** Milliseconds per sample-tree of the last full training (decides whether a preview is worth it). */
  private fullTrainMsPerWork: number | undefined;
  /** Training hash the full forest was trained for; undefined while there is no full forest. */
  forestHash: string | undefined;
  readonly features: FeatureCache;

  private state: Omit<ClassifierStatus, 'labelCounts' | 'featureChannels' | 'featureMemoryBytes'> = { state: 'idle', progress: 0 };
  private view: { t: number; z: number; box: PixelBox } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private trainAbort: AbortController | undefined;
  private predictAbort: AbortController | undefined;
  private running: Promise<void> = Promise.resolve();
  private predicting: Promise<void> = Promise.resolve();
  private predicted = new Map<string, PredictedTile>();
  private modelCacheTried = false;
  private otherSamples = new Map<string, { key: string; samples: TrainingSamples }>();
  /** Reused shared buffers of the open image's training samples (see currentSamples). */
  private sampleBuffers: { X: SharedArrayBuffer; y: SharedArrayBuffer } | undefined;
  private disposed = false;

  constructor(private readonly controller: DocumentController, private readonly deps: LiveSessionDeps) {
    this.features = new FeatureCache(deps.featureCacheBytes);
  }

  private get doc(): LabelDocument {
    return this.controller.document;
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  // ---------------------------------------------------------------- status

  /** The current status, with label counts and the feature channel count / memory estimate. */
  status(): ClassifierStatus {
    const doc = this.doc;
    const shape = doc.shape;
    const channels = shape ? featureCountForShape(doc.project.features, shape) : 0;
    return {
      ...this.state,
      labelCounts: doc.labelCounts(),
      featureChannels: channels,
      featureMemoryBytes: shape ? channels * shape.y * shape.x * 4 : 0,
    };
  }

  private setState(state: ClassifierStatus['state'], progress: number, message?: string, extra: Partial<ClassifierStatus> = {}): void {
    const keep = state === 'idle' || state === 'predicting' ? { oobError: this.state.oobError, importances: this.state.importances } : {};
    this.state = { state, progress, ...(message ? { message } : {}), ...keep, ...extra };
    if (!this.disposed) this.controller.broadcast({ type: 'status/update', status: this.status() });
  }

  // ---------------------------------------------------------------- triggers

  /** Predictions are stale: cancel work; retrain after the debounce when live, else clear predictions. */
  invalidate(reason: 'labels' | 'classes' | 'features' | 'reloaded'): void {
    if (this.disposed) return;
    const nClasses = this.doc.project.classes.length;
    // Renaming or recolouring a class does not change the model.
    if (reason === 'classes' && this.forest && this.forest.nClasses === nClasses) {
      this.controller.broadcast({ type: 'status/update', status: this.status() });
      return;
    }
    this.cancel();
    if (reason === 'features' || reason === 'reloaded') this.features.clear();
    if (reason !== 'labels' || !this.enabled) this.dropPredictions(reason === 'labels' ? 'Labels changed: press Update now to retrain.' : undefined);
    if (this.enabled) this.schedule();
  }

  /** Retrain and predict now. */
  updateNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.start();
  }

  /** The visible region changed: predict its missing tiles first (with the current forest). */
  setView(t: number, z: number, box: PixelBox): void {
    const planeChanged = !this.view || this.view.t !== t || this.view.z !== z;
    this.view = { t, z, box };
    if (!this.forest) {
      if (!this.modelCacheTried) void this.loadModelCache();
      return;
    }
    // A running training/prediction pass picks its next tile from the current view anyway.
    if (this.trainAbort) return;
    if (planeChanged || this.missingTiles(t, z).length > 0) void this.startPrediction();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, this.deps.debounceMs ?? 150);
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.trainAbort?.abort();
    this.trainAbort = undefined;
    this.predictAbort?.abort();
    this.predictAbort = undefined;
  }

  private dropPredictions(message?: string): void {
    this.forest = undefined;
    this.forestHash = undefined;
    this.preview = false;
    this.predicted.clear();
    this.generation++;
    this.controller.broadcast({ type: 'prediction/clear', generation: this.generation });
    this.setState('idle', 0, message, { oobError: undefined, importances: undefined });
  }

  /** Starts a training run (cancelling any other) and returns when it has finished. */
  private start(): Promise<void> {
    this.cancel();
    if (this.controller.settings().readOnly) {
      this.setState('idle', 0, 'Training is disabled in Restricted Mode (trust the workspace to train).');
      return this.running;
    }
    const abort = new AbortController();
    this.trainAbort = abort;
    const previous = this.running;
    this.running = (async () => {
      await previous.catch(() => undefined);
      if (abort.signal.aborted || this.disposed) return;
      try {
        await this.trainAndPredict(abort.signal);
      } catch (e) {
        if (abort.signal.aborted || isAbort(e)) return;
        if (e instanceof NotTrainable) {
          this.dropPredictions(e.message);
          return;
        }
        const message = `${this.doc.fileName}: training failed: ${errorText(e)}`;
        this.log.error(message);
        this.setState('error', 0, message);
      } finally {
        if (this.trainAbort === abort) this.trainAbort = undefined;
        // Idle (no newer run): give the sample buffers back. Kept, they would hold 4·n·F bytes for as long as
        // the editor is open, growing with the labels (soak, #7); a burst of strokes still reuses them.
        if (!this.trainAbort) this.sampleBuffers = undefined;
      }
    })();
    return this.running;
  }

  // ---------------------------------------------------------------- training

  private selection(): FeatureSelection {
    return selectionForShape(this.doc.project.features, this.doc.shape!);
  }

  /** Trains from all labels (or reuses the forest when the training inputs did not change), then predicts. */
  private async trainAndPredict(signal: AbortSignal): Promise<void> {
    const doc = this.doc;
    if (!doc.image || !doc.labels) return;
    const snapshot = await doc.snapshot();
    const hash = trainingHash(snapshot);
    if (!this.forest || this.forestHash !== hash) {
      const samples = await this.trainingSamples(snapshot, signal);
      const preview = this.previewSettings(samples.nSamples, snapshot.classifier.trees);
      if (preview) {
        // Stage 1: a quick forest for the visible tiles while the full one trains.
        const started = Date.now();
        const sub = previewSubsample(samples, preview.maxSamples, snapshot.classifier.seed);
        const previewForest = await this.deps.compute.train(sub.X, sub.y, samples.nFeatures, {
          ...this.forestOptions(snapshot), nTrees: preview.trees,
        }, signal);
        signal.throwIfAborted();
        this.log.info(`${doc.fileName}: preview: ${preview.trees} trees on ${sub.nSamples} of ${samples.nSamples} samples in ${Date.now() - started} ms`);
        this.usePreview(previewForest);
        await this.predictPlane(signal, 'preview');
        signal.throwIfAborted();
      }
      // Stage 2: the full seeded forest (the one the batch trainer and the model cache have).
      const forest = await this.trainFull(snapshot, samples, signal, preview ? `preview (${preview.trees} trees) shown; ` : '');
      signal.throwIfAborted();
      this.useForest(forest, hash);
    }
    await this.predictPlane(signal, 'full');
  }

  /** The preview settings to use for `nSamples` samples and a `fullTrees`-tree forest, or undefined for no preview. */
  private previewSettings(nSamples: number, fullTrees: number): PreviewSettings | undefined {
    if (this.deps.preview === false) return undefined;
    const settings = { ...DEFAULT_PREVIEW, ...this.deps.preview };
    if (nSamples * fullTrees <= settings.minFullWork || settings.trees >= fullTrees) return undefined;
    if (this.fullTrainMsPerWork !== undefined && this.fullTrainMsPerWork * nSamples * fullTrees <= settings.skipBelowMs) return undefined;
    return settings;
  }

  /** Shows the preview forest: a new generation whose OOB error / importances are not shown (they are the full forest's). */
  private usePreview(forest: Forest): void {
    this.forest = forest;
    this.forestHash = undefined;
    this.preview = true;
    this.generation++;
    this.predicted.clear();
    this.state = { ...this.state, oobError: undefined, importances: undefined };
  }

  private useForest(forest: Forest, hash: string): void {
    this.forest = forest;
    this.forestHash = hash;
    this.preview = false;
    this.generation++;
    this.predicted.clear();
    const shape = this.doc.shape!;
    const names = featureChannels(this.selection(), shape.c, shape.z > 1).map((c) => c.name);
    const importances = Array.from(featureImportances(forest), (value, i) => ({ name: names[i] ?? `feature ${i}`, value }))
      .sort((a, b) => b.value - a.value)
      .slice(0, 5);
    const oob = Number.isFinite(forest.oobError) ? forest.oobError : undefined;
    this.state = { ...this.state, oobError: oob, importances };
    this.doc.trainingInfo = { trainingHash: hash, oobError: oob, lastTrained: new Date().toISOString() };
  }

  /** Forest options of the project, as the batch trainer passes them. */
  private forestOptions(snapshot: PixelClassifierProject): Omit<ForestOptions, 'treeRange'> {
    return {
      nClasses: snapshot.classes.length,
      nTrees: snapshot.classifier.trees,
      seed: snapshot.classifier.seed,
      maxDepth: snapshot.classifier.maxDepth,
      minSamplesLeaf: snapshot.classifier.minSamplesLeaf,
    };
  }

  /** All training samples of the project, in the batch trainer's order (throws NotTrainable with < 2 classes). */
  private async trainingSamples(snapshot: PixelClassifierProject, signal: AbortSignal): Promise<TrainingSamples & { featuresMs: number }> {
    const doc = this.doc;
    const shape = doc.shape!;
    const labelled = new Set<number>();
    const counts = doc.labelCounts();
    counts.forEach((n, k) => k > 0 && n > 0 && labelled.add(k));
    for (const image of snapshot.images) {
      if (image.path === doc.relativePath || !snapshot.labels[image.path]) continue;
      for (const rows of Object.values(snapshot.labels[image.path])) {
        for (const row of rows) for (const m of row.matchAll(/=(\d+)/g)) labelled.add(Number(m[1]));
      }
    }
    if (labelled.size < 2) throw new NotTrainable('Paint at least two classes to train the classifier.');

    const started = Date.now();
    this.setState('computing-features', 0, 'Computing features around the labels');
    const nFeatures = featureCountForShape(snapshot.features, shape);
    const parts: TrainingSamples[] = [];
    const withLabels = snapshot.images.filter((i) => snapshot.labels[i.path]);
    for (let i = 0; i < withLabels.length; i++) {
      const image = withLabels[i];
      signal.throwIfAborted();
      if (image.path === doc.relativePath) parts.push(await this.currentSamples(doc.labels!, nFeatures, signal));
      else parts.push(await this.otherImageSamples(snapshot, image.path, nFeatures, signal));
      this.setState('computing-features', (i + 1) / withLabels.length, 'Computing features around the labels');
    }
    // One image (the usual case): no copy.
    const all = parts.length === 1 ? parts[0] : concatSamples(parts);
    return { ...all, featuresMs: Date.now() - started };
  }

  /** Trains the full seeded forest on `samples` (same options and sample order as the batch trainer). */
  private async trainFull(
    snapshot: PixelClassifierProject, samples: TrainingSamples & { featuresMs: number }, signal: AbortSignal, prefix: string,
  ): Promise<Forest> {
    const started = Date.now();
    const { nSamples, nFeatures } = samples;
    this.setState('training', 0, `${prefix}Training ${snapshot.classifier.trees} trees on ${nSamples} labelled pixels × ${nFeatures} features`);
    const forest = await this.deps.compute.train(samples.X, samples.y, nFeatures, this.forestOptions(snapshot), signal);
    const trainingMs = Date.now() - started;
    this.fullTrainMsPerWork = trainingMs / Math.max(1, nSamples * forest.trees.length);
    this.log.info(
      `${this.doc.fileName}: trained ${forest.trees.length} trees on ${nSamples} samples × ${nFeatures} features ` +
        `(features ${samples.featuresMs} ms, training ${trainingMs} ms, OOB error ${forest.oobError.toFixed(3)})`,
    );
    return forest;
  }

  /** Box grouping options identical to the batch trainer's (same boxes → same sample order → same forest). */
  private boxOptions(selection: FeatureSelection, depth: number): { halo: number; tileDepth: number } {
    const is3D = depth > 1;
    const halo = featureHaloZYX(selection, 'ilastik', is3D);
    return { halo: halo.y, tileDepth: is3D && halo.z > 0 ? Math.min(depth, 16) : 1 };
  }

  /**
   * Samples of the open image, gathered pixel by pixel from the cached feature tiles (no box-sized
   * feature array is ever built). The order is extractTrainingSamples' order — labelled boxes with the
   * batch trainer's options, then z, row, column — so the forest equals the one the CLI retrains.
   */
  private async currentSamples(labels: LabelVolume, nFeatures: number, signal: AbortSignal): Promise<TrainingSamples> {
    const selection = this.selection();
    const tileSize = this.controller.settings().tileSize;
    const { x: width, y: height } = labels.shape;
    const boxes = labelledBoxes(labels, this.boxOptions(selection, labels.shape.z));
    let nSamples = 0;
    for (const box of boxes) {
      for (let dz = 0; dz < box.depth; dz++) {
        const plane = labels.plane(box.t, box.z + dz);
        for (let r = box.row; r < box.row + box.height; r++) {
          for (let c = box.column; c < box.column + box.width; c++) if (plane[r * width + c] !== 0) nSamples++;
        }
      }
    }
    // Shared from the start: the pool's training jobs read them in place (no 4·n·F-byte copy per training).
    // The buffers are reused from one training to the next while strokes keep coming (fresh ones cost ~1000
    // page faults per update) and released when the loop goes idle. Runs are serialised, and a cancelled job
    // still reading them only produces a result that is thrown away.
    const need = 4 * nSamples * nFeatures;
    if (!this.sampleBuffers || this.sampleBuffers.X.byteLength < need || this.sampleBuffers.y.byteLength < nSamples) {
      this.sampleBuffers = {
        // mapped (see mappedBuffer), so that releasing them gives the memory back to the OS
        X: mappedSharedBuffer(Math.ceil(need * 1.25) + 4),
        y: mappedSharedBuffer(Math.ceil(nSamples * 1.25) + 1),
      };
    }
    const X = new Float32Array(this.sampleBuffers.X, 0, nSamples * nFeatures);
    const y = new Uint8Array(this.sampleBuffers.y, 0, nSamples);
    let s = 0;
    for (const box of boxes) {
      for (let dz = 0; dz < box.depth; dz++) {
        const z = box.z + dz;
        const plane = labels.plane(box.t, z);
        let tileKeyNow = '';
        let f: Float32Array | undefined;
        let tile: PixelBox | undefined;
        for (let r = box.row; r < box.row + box.height; r++) {
          for (let c = box.column; c < box.column + box.width; c++) {
            const label = plane[r * width + c];
            if (label === 0) continue;
            const tr = Math.floor(r / tileSize) * tileSize;
            const tc = Math.floor(c / tileSize) * tileSize;
            const key = `${tr}/${tc}`;
            if (key !== tileKeyNow) {
              signal.throwIfAborted();
              tile = { column: tc, row: tr, width: Math.min(tileSize, width - tc), height: Math.min(tileSize, height - tr) };
              f = await this.tileFeatures(box.t, z, tile, signal, 1);
              tileKeyNow = key;
            }
            const tileN = tile!.width * tile!.height;
            const p = (r - tile!.row) * tile!.width + (c - tile!.column);
            const out = s * nFeatures;
            for (let ch = 0; ch < nFeatures; ch++) X[out + ch] = f![ch * tileN + p];
            y[s++] = label;
          }
        }
      }
    }
    return { X, y, nSamples, nFeatures, boxes };
  }

  /** Samples of another image of the project (cached until its labels or the features change). */
  private async otherImageSamples(snapshot: PixelClassifierProject, relative: string, nFeatures: number, signal: AbortSignal): Promise<TrainingSamples> {
    const entry = snapshot.images.find((i) => i.path === relative)!;
    const key = JSON.stringify([entry.sha256, snapshot.labels[relative], snapshot.features]);
    const cached = this.otherSamples.get(relative);
    if (cached && cached.key === key) return cached.samples;
    const projectDir = path.dirname(this.doc.projectFile);
    const absolute = resolveProjectPath(projectDir, relative);
    let image: ImageSource;
    try {
      image = await this.deps.openImage(absolute, {});
    } catch (e) {
      throw new Error(`${relative} (labelled in the project) cannot be opened: ${errorText(e)}`);
    }
    try {
      const shape = image.info.shape;
      const s = entry.shape;
      if (shape.t !== s.t || shape.z !== s.z || shape.c !== s.c || shape.y !== s.y || shape.x !== s.x) {
        throw new Error(`${relative}: the image's shape differs from the one recorded in the project`);
      }
      const count = featureCountForShape(snapshot.features, shape);
      if (count !== nFeatures) {
        throw new Error(`${relative}: gives ${count} feature channels but ${this.doc.fileName} gives ${nFeatures} (different channel counts or 2D/3D)`);
      }
      const selection = selectionForShape(snapshot.features, shape);
      const volume = { z: shape.z, y: shape.y, x: shape.x };
      const labels = projectLabels(snapshot, relative);
      const samples = await extractTrainingSamples(labels, async (box) => {
        const target: Box = { z0: box.z, y0: box.row, x0: box.column, nz: box.depth, ny: box.height, nx: box.width };
        const sourceBox = requiredSourceBox(target, volume, selection);
        const source = await readSourceBlock(image, box.t, sourceBox);
        return this.deps.compute.tileFeatures({ selection, image: volume, nInputChannels: shape.c, source, sourceBox, target }, signal, 1);
      }, nFeatures, this.boxOptions(selection, shape.z), signal);
      this.otherSamples.set(relative, { key, samples });
      return samples;
    } finally {
      await image.close().catch(() => undefined);
    }
  }

  // ---------------------------------------------------------------- features and prediction

  /** Features of one tile of the open image, from the cache or computed (then cached). */
  tileFeatures(t: number, z: number, tile: PixelBox, signal: AbortSignal, priority = 0): Promise<Float32Array> {
    const doc = this.doc;
    const selection = this.selection();
    const key = this.featureKey(t, z, tile);
    return this.features.get(key, async () => {
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

  private plane(): { t: number; z: number; box?: PixelBox } {
    return this.view ?? { t: 0, z: 0 };
  }

  private missingTiles(t: number, z: number, onlyVisible = false): PixelBox[] {
    const shape = this.doc.shape!;
    const { visible, rest } = tileOrder(shape.x, shape.y, this.controller.settings().tileSize, this.view?.t === t && this.view.z === z ? this.view.box : undefined);
    return (onlyVisible ? visible : [...visible, ...rest]).filter((tile) => !this.predicted.has(tileKey(t, z, tile)));
  }

  private startPrediction(): Promise<void> {
    if (this.predictAbort && !this.predictAbort.signal.aborted) return this.predicting;
    const abort = new AbortController();
    this.predictAbort = abort;
    this.predicting = this.predictPlane(abort.signal, 'view')
      .catch((e) => {
        if (abort.signal.aborted || isAbort(e)) return;
        const message = `${this.doc.fileName}: prediction failed: ${errorText(e)}`;
        this.log.error(message);
        this.setState('error', 0, message);
      })
      .finally(() => {
        if (this.predictAbort === abort) this.predictAbort = undefined;
      });
    return this.predicting;
  }

  /**
   * Predicts the tiles of the viewed plane not yet predicted with the current forest, `concurrency` at a
   * time. The next tile is chosen when a worker becomes free, from the view at that moment: visible
   * tiles first (nearest the view centre first), then the rest — so panning or changing z mid-run
   * re-prioritises the remaining work; within each group, tiles whose features are cached come first
   * (they can be shown at once). `mode`: 'preview' predicts only the visible tiles (the full forest
   * follows), 'full' is the pass after training, 'view' one after the view changed.
   */
  private async predictPlane(signal: AbortSignal, mode: 'preview' | 'full' | 'view'): Promise<void> {
    const forest = this.forest;
    const doc = this.doc;
    if (!forest || !doc.image) return;
    const generation = this.generation;
    const nClasses = forest.nClasses;
    const inFlight = new Set<string>();
    const onlyVisible = mode === 'preview';
    const stage = this.preview ? `Preview (${forest.trees.length} trees): ` : '';
    let done = 0;
    const started = Date.now();
    const pick = (): { t: number; z: number; tile: PixelBox; key: string; visible: boolean } | undefined => {
      const { t, z } = this.plane();
      const shape = doc.shape!;
      const view = this.view && this.view.t === t && this.view.z === z ? this.view.box : undefined;
      const { visible, rest } = tileOrder(shape.x, shape.y, this.controller.settings().tileSize, view);
      const groups = onlyVisible ? [[visible, true] as const] : [[visible, true] as const, [rest, false] as const];
      for (const [list, isVisible] of groups) {
        let uncached: { t: number; z: number; tile: PixelBox; key: string; visible: boolean } | undefined;
        for (const tile of list) {
          const key = tileKey(t, z, tile);
          if (this.predicted.has(key) || inFlight.has(key)) continue;
          if (this.features.peek(this.featureKey(t, z, tile))) return { t, z, tile, key, visible: isVisible };
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
      if (mode === 'full') this.setState('idle', 1, 'Up to date');
      return;
    }
    this.setState('predicting', 0, `${stage}Predicting ${total0} tiles`);
    const worker = async () => {
      for (let job = pick(); job; job = pick()) {
        const { t, z, tile, key } = job;
        inFlight.add(key);
        try {
          // Visible tiles get a higher pool priority than the rest.
          const priority = job.visible ? 2 : 0;
          const features = await this.tileFeatures(t, z, tile, signal, priority);
          signal.throwIfAborted();
          const probabilities = await this.deps.compute.predict(forest, features, tile.width * tile.height, signal, priority);
          signal.throwIfAborted();
          if (this.forest !== forest) return;
          const q = quantizeTile(probabilities, nClasses, tile);
          this.predicted.set(key, { t, z, box: tile, window: q.window, windowUncertainty: q.windowUncertainty, bytes: q.bytes });
          this.controller.broadcast({
            type: 'prediction/tile', t, z, box: tile, nClasses, generation, probabilities: q.bytes.slice().buffer,
          });
        } finally {
          inFlight.delete(key);
        }
        done++;
        if (done === 1) this.log.info(`${doc.fileName}: ${stage}first tile after ${Date.now() - started} ms`);
        const left = remaining();
        this.setState('predicting', done / (done + left), `${stage}Predicted ${done} tiles, ${left} to go`);
      }
    };
    const n = Math.max(1, this.deps.concurrency ?? 2);
    await Promise.all(Array.from({ length: n }, worker));
    signal.throwIfAborted();
    this.log.info(`${doc.fileName}: ${stage}predicted ${done} tiles in ${Date.now() - started} ms (feature cache ${this.features.size} tiles, ${(this.features.bytes / 1048576).toFixed(0)} MiB)`);
    if (this.preview) this.setState('predicting', 1, `Preview (${forest.trees.length} trees) shown`);
    else this.setState('idle', 1, 'Up to date');
  }

  /** Sends the current predictions to one (re-created) webview, after its `init`. */
  replay(send: (message: HostToWebviewMessage) => void): void {
    const forest = this.forest;
    if (!forest) return;
    for (const tile of this.predicted.values()) {
      send({ type: 'prediction/tile', t: tile.t, z: tile.z, box: tile.box, nClasses: forest.nClasses, generation: this.generation, probabilities: tile.bytes.slice().buffer });
    }
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
      await this.running.catch(() => undefined);
    }
    const { t, z } = this.plane();
    if (this.missingTiles(t, z).length > 0) await this.startPrediction();
    if (this.disposed) return;
    let best: PredictedTile | undefined;
    for (const tile of this.predicted.values()) {
      if (tile.t !== t || tile.z !== z) continue;
      if (!best || tile.windowUncertainty > best.windowUncertainty) best = tile;
    }
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
      const snapshot = await doc.snapshot();
      if (Object.keys(snapshot.labels).length === 0) return;
      const hash = trainingHash(snapshot);
      const file = modelCachePath(doc.projectFile);
      const bytes = await fs.readFile(file).catch(() => undefined);
      const decoded = bytes ? decodeModelCache(new Uint8Array(bytes)) : undefined;
      if (decoded && !('invalid' in decoded) && decoded.trainingHash === hash) {
        const forest = deserializeForest(decoded.forestBytes, file);
        if (forest.nClasses === snapshot.classes.length && !this.forest) {
          this.log.info(`${doc.fileName}: using the cached model ${path.basename(file)}`);
          this.useForest(forest, hash);
          this.doc.trainingInfo = { ...this.doc.trainingInfo!, lastTrained: snapshot.provenance.lastTrained ?? this.doc.trainingInfo!.lastTrained };
          await this.startPrediction();
          return;
        }
      }
      // Restricted Mode: a valid cached model may be shown (viewing), but nothing is trained.
      const canTrain = this.enabled && !this.controller.settings().readOnly;
      this.log.info(`${doc.fileName}: ${decoded ? ('invalid' in decoded ? decoded.invalid : 'model cache is stale') : 'no model cache'}; ${canTrain ? 'retraining' : 'not retraining (live update off or Restricted Mode)'}`);
      if (canTrain) this.updateNow();
    } catch (e) {
      this.log.warn(`${doc.fileName}: model cache not used: ${errorText(e)}`);
    }
  }

  /** After a save: writes the model cache when the current forest matches the saved labels. */
  async afterSave(): Promise<void> {
    const doc = this.doc;
    if (!this.forest || !this.forestHash || doc.projectFile === '') return;
    const snapshot = await doc.snapshot();
    if (trainingHash(snapshot) !== this.forestHash) return;
    const file = modelCachePath(doc.projectFile);
    try {
      await writeFileAtomic(file, encodeModelCache(this.forestHash, serializeForest(this.forest)));
      this.log.info(`Wrote model cache ${file}`);
    } catch (e) {
      this.log.warn(`Could not write the model cache ${file}: ${errorText(e)}`);
    }
  }

  /** Resolves when the current training run (if any) has finished; for tests and commands. */
  idle(): Promise<void> {
    return this.running.catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
    this.features.clear();
    this.otherSamples.clear();
  }
}
