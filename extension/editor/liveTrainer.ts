/**
 * Training in the live loop: the project's training samples through the engine's one trainer
 * ({@link projectTrainingSet}, the same samples and forest options as the batch trainer and the CLI), the
 * open image's samples gathered from cached feature tiles, other images' samples computed from their files
 * (cached until their labels or the features change), the preview forest and the full forest.
 */
import { featureImageOf } from '../core/features/featureImageOf';
import type { FeatureImage } from '../core/features/selectionForImage';
import type { ImageShape } from '../core/image/imageModel';
import * as path from 'node:path';
import type { Forest } from '../core/forest/index';
import type { ImageSource } from '../core/image/imageModel';
import { labelledBoxes, type TrainingSamples } from '../core/labels/trainingSamples';
import type { LabelStore } from '../core/labels/labelVolume';
import { mappedSharedBuffer } from '../core/memory/mappedBuffer';
import { boxFeatureSamples, projectTrainingSet, type ImageTrainingPlan, type ProjectTrainingSet } from '../core/training/projectTraining';
import { projectLabels } from '../project/projectFile';
import { ANYWHERE, resolveProjectPath } from '../project/projectPaths';
import type { PixelClassifierProject } from '../project/projectSchema';
import type { PixelBox } from '../protocol';
import type { DocumentController } from './documentController';
import type { LiveCompute } from './liveCompute';
import type { LiveStatus } from './liveStatus';
import type { ImageOpener } from './labelDocument';
import { errorText, type Logger } from './logger';
import { choosePreview, previewSubsample, type PreviewSettings } from './previewForest';

/** Thrown when training is impossible (fewer than two classes labelled). */
export class NotTrainable extends Error {}

/** The training set of a run, with the time its features took. */
export type LiveTrainingSet = ProjectTrainingSet & { featuresMs: number };

/** Environment of a {@link LiveTrainer}. */
export interface LiveTrainerDeps {
  controller: DocumentController;
  compute: LiveCompute;
  status: LiveStatus;
  logger: Logger;
  /** Opens the other images of a multi-image project. */
  openImage: ImageOpener;
  /** Preview settings of the session (`false`: no preview). */
  preview: Partial<PreviewSettings> | false | undefined;
  /** Features of a tile of the open image (from the session's feature cache). */
  tileFeatures(t: number, z: number, tile: PixelBox, signal: AbortSignal, priority?: number): Promise<Float32Array>;
}

/** Turns the document's project into forests. */
export class LiveTrainer {
  /** Milliseconds per sample-tree of the last full training (decides whether a preview is worth it). */
  private fullTrainMsPerWork: number | undefined;
  private otherSamples = new Map<string, { key: string; samples: TrainingSamples }>();
  /** Reused shared buffers of the open image's training samples (see currentSamples). */
  private sampleBuffers: { X: SharedArrayBuffer; y: SharedArrayBuffer } | undefined;
  /** Reused shared buffers of the project's samples when several images are labelled (see trainingSet). */
  private projectBuffers: { X: SharedArrayBuffer; y: SharedArrayBuffer } | undefined;

  constructor(private readonly deps: LiveTrainerDeps) {}

  private get doc() {
    return this.deps.controller.document;
  }

  /** All training samples of the project and the forest options (throws NotTrainable with < 2 classes). */
  async trainingSet(snapshot: PixelClassifierProject, signal: AbortSignal): Promise<LiveTrainingSet> {
    const doc = this.doc;
    const labelled = new Set<number>();
    doc.labelCounts().forEach((n, k) => k > 0 && n > 0 && labelled.add(k));
    for (const image of snapshot.images) {
      if (image.path === doc.relativePath || !snapshot.labels[image.path]) continue;
      for (const rows of Object.values(snapshot.labels[image.path])) {
        for (const row of rows) for (const m of row.matchAll(/=(\d+)/g)) labelled.add(Number(m[1]));
      }
    }
    if (labelled.size < 2) throw new NotTrainable('Paint at least two classes to train the classifier.');

    const started = Date.now();
    const status = this.deps.status;
    status.set('computing-features', 0, 'Computing features around the labels');
    const set = await projectTrainingSet(snapshot, (plan, s) => (plan.image.path === doc.relativePath
      ? this.currentSamples(doc.labels!, plan, s!)
      : this.otherImageSamples(snapshot, plan, s!)), {
      signal,
      featureImage: (image) => (image.path === doc.relativePath ? Promise.resolve(doc.featureImage()!) : this.otherFeatureImage(image)),
      onImage: (_plan, i, n, done) => { if (done) status.set('computing-features', (i + 1) / n, 'Computing features around the labels'); },
      // Several labelled images: joined into shared buffers reused while strokes keep coming (500,000 samples are
      // 98 MB: a fresh array per stroke costs ~24,000 page faults, and the pool would copy it into shared memory).
      allocate: (nSamples, nFeatures) => {
        const need = 4 * nSamples * nFeatures;
        if (!this.projectBuffers || this.projectBuffers.X.byteLength < need || this.projectBuffers.y.byteLength < nSamples) {
          this.projectBuffers = { X: mappedSharedBuffer(Math.ceil(need * 1.25) + 4), y: mappedSharedBuffer(Math.ceil(nSamples * 1.25) + 1) };
        }
        return { X: new Float32Array(this.projectBuffers.X, 0, nSamples * nFeatures), y: new Uint8Array(this.projectBuffers.y, 0, nSamples) };
      },
    });
    return { ...set, featuresMs: Date.now() - started };
  }

  /** The preview forest for `set`, or undefined when no preview is worth it (see choosePreview). */
  async trainPreview(set: LiveTrainingSet, signal: AbortSignal): Promise<{ forest: Forest; settings: PreviewSettings } | undefined> {
    const { samples, forestOptions } = set;
    const settings = choosePreview(this.deps.preview, samples.nSamples, forestOptions.nTrees, this.fullTrainMsPerWork);
    if (!settings) return undefined;
    const started = Date.now();
    const sub = previewSubsample(samples, settings.maxSamples, forestOptions.seed);
    const forest = await this.deps.compute.train(sub.X, sub.y, samples.nFeatures, { ...forestOptions, nTrees: settings.trees }, signal);
    signal.throwIfAborted();
    this.deps.logger.info(`${this.doc.fileName}: preview: ${settings.trees} trees on ${sub.nSamples} of ${samples.nSamples} samples in ${Date.now() - started} ms`);
    return { forest, settings };
  }

  /** Trains the full seeded forest on `set` (the forest the batch trainer and the model cache have). */
  async trainFull(set: LiveTrainingSet, signal: AbortSignal, prefix: string): Promise<Forest> {
    const started = Date.now();
    const { samples, forestOptions } = set;
    const { nSamples, nFeatures } = samples;
    this.deps.status.set('training', 0, `${prefix}Training ${forestOptions.nTrees} trees on ${nSamples} labelled pixels × ${nFeatures} features`);
    const forest = await this.deps.compute.train(samples.X, samples.y, nFeatures, forestOptions, signal);
    const trainingMs = Date.now() - started;
    this.fullTrainMsPerWork = trainingMs / Math.max(1, nSamples * forest.trees.length);
    this.deps.logger.info(
      `${this.doc.fileName}: trained ${forest.trees.length} trees on ${nSamples} samples × ${nFeatures} features ` +
        `(features ${set.featuresMs} ms, training ${trainingMs} ms, OOB error ${forest.oobError.toFixed(3)})`,
    );
    return forest;
  }

  /**
   * Samples of the open image, gathered pixel by pixel from the cached feature tiles (no box-sized
   * feature array is ever built). The order is boxFeatureSamples' order — the plan's labelled boxes, then
   * z, row, column — so the forest equals the one the CLI retrains. The tiles are fetched a band of tile rows
   * at a time (all tiles of a band at once, so that missing ones are computed by all workers in parallel, and
   * the next band's while this one is copied), and copied without an await per tile switch.
   */
  async currentSamples(labels: LabelStore, plan: ImageTrainingPlan, signal: AbortSignal): Promise<TrainingSamples> {
    const { nFeatures } = plan;
    const tileSize = this.deps.controller.settings().tileSize;
    const { x: width, y: height } = labels.shape;
    const boxes = labelledBoxes(labels, plan.boxes);
    /** One band of tile rows of one box slice, with the columns of the tiles holding its labels. */
    interface Band { t: number; z: number; box: (typeof boxes)[number]; row0: number; row1: number; tileRow: number; firstTile: number; tiles: (number | undefined)[] }
    const bands: Band[] = [];
    let nSamples = 0;
    for (const box of boxes) {
      const c0 = box.column;
      const c1 = box.column + box.width;
      const firstTile = Math.floor(c0 / tileSize) * tileSize;
      for (let dz = 0; dz < box.depth; dz++) {
        for (let tileRow = Math.floor(box.row / tileSize) * tileSize; tileRow < box.row + box.height; tileRow += tileSize) {
          const row0 = Math.max(box.row, tileRow);
          const row1 = Math.min(box.row + box.height, tileRow + tileSize);
          const tiles: (number | undefined)[] = [];
          for (let r = row0; r < row1; r++) {
            const line = labels.row(box.t, box.z + dz, r);
            for (let tc = firstTile; tc < c1; tc += tileSize) {
              let n = 0;
              for (let c = Math.max(c0, tc), end = Math.min(c1, tc + tileSize); c < end; c++) if (line[c] !== 0) n++;
              if (n > 0) { nSamples += n; tiles[(tc - firstTile) / tileSize] = tc; }
            }
          }
          if (tiles.length > 0) bands.push({ t: box.t, z: box.z + dz, box, row0, row1, tileRow, firstTile, tiles });
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
    const fetchBand = (band: Band) => Promise.all(band.tiles.map((tc) => (tc === undefined ? undefined : this.deps.tileFeatures(band.t, band.z, {
      column: tc, row: band.tileRow, width: Math.min(tileSize, width - tc), height: Math.min(tileSize, height - band.tileRow),
    }, signal, 1))));
    let next = bands.length > 0 ? fetchBand(bands[0]) : undefined;
    let s = 0;
    try {
      for (let b = 0; b < bands.length; b++) {
        const features = await next!;
        signal.throwIfAborted();
        next = b + 1 < bands.length ? fetchBand(bands[b + 1]) : undefined;
        const { box, t, z, row0, row1, tileRow, firstTile } = bands[b];
        const tileHeight = Math.min(tileSize, height - tileRow);
        for (let r = row0; r < row1; r++) {
          const line = labels.row(t, z, r);
          for (let c = box.column; c < box.column + box.width; c++) {
            const label = line[c];
            if (label === 0) continue;
            const slot = Math.floor((c - firstTile) / tileSize);
            const tc = firstTile + slot * tileSize;
            const f = features[slot]!;
            const tileWidth = Math.min(tileSize, width - tc);
            const tileN = tileWidth * tileHeight;
            const p = (r - tileRow) * tileWidth + (c - tc);
            const out = s * nFeatures;
            for (let ch = 0; ch < nFeatures; ch++) X[out + ch] = f[ch * tileN + p];
            y[s++] = label;
          }
        }
      }
    } finally {
      next?.catch(() => undefined); // a cancelled run leaves the next band's fetch behind
    }
    return { X, y, nSamples, nFeatures, boxes };
  }

  /** Samples of another image of the project (cached until its labels or the features change). */
  /** Another labelled image as the features see it (its file's pixel size unless the project overrides it). */
  private async otherFeatureImage(entry: { path: string; shape: ImageShape; pixelSize?: FeatureImage['pixelSize'] }): Promise<FeatureImage> {
    const projectDir = path.dirname(this.doc.projectFile);
    try {
      const image = await this.deps.openImage(resolveProjectPath(projectDir, entry.path, this.deps.controller.settings().readOnly ? [projectDir] : ANYWHERE), {});
      try { return featureImageOf(entry.path, image.info, entry.pixelSize); } finally { await image.close(); }
    } catch {
      // Unreadable: the sampling reports it; the plan only needs the project's data then.
      return { name: entry.path, shape: entry.shape, ...(entry.pixelSize ? { pixelSize: entry.pixelSize } : {}) };
    }
  }

  private async otherImageSamples(snapshot: PixelClassifierProject, plan: ImageTrainingPlan, signal: AbortSignal): Promise<TrainingSamples> {
    const relative = plan.image.path;
    const entry = snapshot.images.find((i) => i.path === relative)!;
    const key = JSON.stringify([entry.sha256, snapshot.labels[relative], snapshot.features, entry.pixelSize ?? null]);
    const cached = this.otherSamples.get(relative);
    if (cached && cached.key === key) return cached.samples;
    // Training runs only in a trusted workspace (Restricted Mode is read-only), where the project's images may
    // live outside its folder (e.g. `../data/a.tif` from `pixel-classifier train`); confined otherwise.
    const projectDir = path.dirname(this.doc.projectFile);
    const absolute = resolveProjectPath(projectDir, relative, this.deps.controller.settings().readOnly ? [projectDir] : ANYWHERE);
    let image: ImageSource;
    try {
      image = await this.deps.openImage(absolute, {});
    } catch (e) {
      throw new Error(`${relative} (labelled in the project) cannot be opened: ${errorText(e)}`);
    }
    try {
      const samples = await boxFeatureSamples(plan, image, projectLabels(snapshot, relative),
        (request) => this.deps.compute.tileFeatures(request, signal, 1), signal);
      this.otherSamples.set(relative, { key, samples });
      return samples;
    } finally {
      await image.close().catch(() => undefined);
    }
  }

  /** Gives the open image's sample buffers back (the loop went idle). */
  releaseBuffers(): void {
    this.sampleBuffers = undefined;
    this.projectBuffers = undefined;
  }

  /** Forgets cached samples of other images. */
  clear(): void {
    this.otherSamples.clear();
    this.sampleBuffers = undefined;
    this.projectBuffers = undefined;
  }
}
