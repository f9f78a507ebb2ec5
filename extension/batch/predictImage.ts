/**
 * Predicts one image and writes one export (issue #6), streaming: the image is cut into tiles (a z-slab × a band
 * of rows × a run of columns); each tile's source block (tile + feature halo) is read, its features and
 * probabilities computed (in a worker when a pool is given), and the results assembled into bands that are
 * written as soon as they are complete and in order. The feature stack of the whole image never exists;
 * memory is bounded by the tile size (derived from `memoryLimitBytes`) and the number of tiles in flight.
 * Results do not depend on the tiling (features of a tile equal the whole-image features), so the CLI and the
 * extension — or two memory limits — write identical bytes.
 */
import * as path from 'node:path';
import { featureChannelCount, featureHaloZYX, requiredSourceBox } from '../core/features/computeFeatureBlock';
import { featureChannels } from '../core/features/featureSet';
import type { Box } from '../core/features/box';
import { ImageError, type ImageSource, type PixelArray } from '../core/image/imageModel';
import type { LabelStore } from '../core/labels/labelVolume';
import { openImage } from '../node/openImage';
import type { ExportSettings, PixelClassifierProject } from '../project/projectSchema';
import type { WorkerPool } from '../workers/workerPool';
import { PngSink, TiffSink, type ExportSink, type SinkShape } from './exportSink';
import { Hdf5Sink } from './hdf5Sink';
import { downsampleMethodFor, omeZarrPixelSize, ZarrSink, type ZarrSinkOptions } from './zarrSink';
import { hdf5InternalPath, omeZarrVersionOf, type ExportProvenance } from './exportProvenance';
import { pixelSizeFromMetadata } from '../core/image/pixelSize';
import { ownsBlock, type Shard } from './shard';
import { planExport, type ExportPlan } from './exportPlan';
import { BandBuffers } from './bandBuffers';
import { predictTile, type PredictTilePayload, type PredictTileResult } from '../core/tiles/predictTile';
import { readSourceBlock } from '../core/image/readSourceBlock';
import { selectionForImage, type FeatureImage } from '../core/features/selectionForImage';
import { featureImageOf } from '../core/features/featureImageOf';
import type { Forest } from '../core/forest/index';

/** Default memory limit (issue #6: 16384² uint16 with 49 features within 1.5 GB RSS). */
export const DEFAULT_MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024;

/** The classifier as batch prediction needs it. */
export interface BatchClassifier {
  forest: Forest;
  /** serializeForest bytes (sent to workers once per worker and cached there). */
  forestBytes: Uint8Array;
  /** Identifies the forest in worker caches. */
  modelKey: string;
}

/** Options of {@link predictImage}. */
export interface PredictImageOptions {
  /** Absolute path of the input image. */
  input: string;
  project: PixelClassifierProject;
  settings: ExportSettings;
  /** Output files, one per {@link ExportPlan.resultTypes} entry (see planImageExport). */
  outputs: string[];
  /** Needed unless the source is `labels`. */
  classifier?: BatchClassifier;
  /** Needed for the `labels` source. */
  labels?: LabelStore;
  /** Compute tiles on these workers; inline when absent. */
  pool?: WorkerPool;
  /** @default {@link DEFAULT_MEMORY_LIMIT_BYTES} */
  memoryLimitBytes?: number;
  signal?: AbortSignal;
  /** Fraction of the image done, 0..1. */
  onProgress?: (fraction: number) => void;
  /** The project's pixel size override for this image (its `images[i].pixelSize`), else the file's is used. */
  pixelSize?: { x: number; y: number; z?: number; unit: string };
  /** An already opened source (closed by the caller); opened from `input` otherwise. */
  source?: ImageSource;
  /** Overrides of the tile geometry (tests use small tiles to check tiling does not change results). */
  tiles?: Partial<TileGeometry>;
  /** Band buffers shared by the images of a batch run (reused instead of allocated anew). */
  bandBuffers?: BandBuffers;
  /** Provenance embedded in each output (same order as `outputs`; issue 19). */
  provenance?: ExportProvenance[];
  /**
   * OME-Zarr output only: compute and write only this task's blocks of the image into the shared store
   * (issue #13, one image across many machines); the pyramid comes from `--finalize`.
   */
  blockShard?: Pick<Shard, 'index' | 'count'>;
}

/** Tile geometry chosen for an image. */
export interface TileGeometry {
  slabDepth: number;
  bandRows: number;
  tileColumns: number;
}

/**
 * Bytes per voxel of a tile in flight: its features and probabilities, the source block's input channels
 * and the feature engine's temporaries (float32 each).
 */
function tileBytesPerVoxel(nFeatures: number, nClasses: number, nInput: number): number {
  return 4 * (nFeatures + nClasses + 4 * nInput + 12);
}

/**
 * Chooses tile sizes so that the tiles in flight (2 per worker: one computing, one queued) with their features,
 * probabilities, source blocks and feature-engine temporaries fit in half of the memory limit (the rest is
 * Node itself, the band buffers, spools and image reading). Bands are made as tall as that allows (less halo
 * recomputed) and their number per slab is rounded up to a multiple of the worker count, so a 1024² image
 * on 2 workers is 2 equal bands rather than 3 unequal ones with one worker idle at the end.
 */
export function chooseTiles(shape: { z: number; y: number; x: number }, nFeatures: number, nInput: number, nClasses: number, is3D: boolean, workers: number, memoryLimitBytes: number): TileGeometry {
  const w = Math.max(1, workers);
  const tileBudget = Math.max(32 << 20, (memoryLimitBytes - (384 << 20)) / 2);
  const maxVoxels = Math.max(4096, Math.floor(tileBudget / (2 * w * tileBytesPerVoxel(nFeatures, nClasses, nInput))));
  const slabDepth = is3D ? Math.min(shape.z, 16) : 1;
  const tileColumns = Math.min(shape.x, 1024);
  const maxRows = Math.max(1, Math.min(512, Math.floor(maxVoxels / (slabDepth * tileColumns))));
  const across = Math.ceil(shape.x / tileColumns);
  let bands = Math.ceil(shape.y / maxRows);
  // (not for small images: bands under 64 rows would recompute more halo than the idle worker costs)
  if (across < w && Math.ceil(shape.y / (Math.ceil(bands / w) * w)) >= 64) bands = Math.ceil(bands / w) * w;
  const bandRows = Math.max(1, Math.min(shape.y, Math.ceil(shape.y / bands)));
  return { slabDepth, bandRows, tileColumns };
}

/**
 * Bytes the whole image (one time point) would occupy in the tile pipeline, per voxel as
 * {@link chooseTiles} counts them. Batch runs use
 * it to decide whether two images may be predicted at once within the memory limit.
 */
export function imageWorkingBytes(project: PixelClassifierProject, image: FeatureImage): number {
  const { shape } = image;
  const selection = selectionForImage(project.features, image);
  const nFeatures = featureChannelCount(selection, shape.c, shape.z > 1);
  return shape.z * shape.y * shape.x * tileBytesPerVoxel(nFeatures, project.classes.length, shape.c);
}

/**
 * The export plan of an image (channel names from the project's classes and features).
 * @param image the image as the features see it; without it (checking settings up front) feature names are not listed
 */
export function planImageExport(project: PixelClassifierProject, settings: ExportSettings, shape: { t: number; z: number; c: number; y: number; x: number }, image?: FeatureImage): ExportPlan {
  const names = settings.source === 'features' && image
    ? featureChannels(selectionForImage(project.features, image), shape.c, shape.z > 1).map((c) => c.name) : [];
  return planExport(settings, shape, project.classes.map((c) => c.name), names);
}

/** Converts a tile's probabilities/features into the export channels of the band. */
function fillBand(plan: ExportPlan, settings: ExportSettings, tile: PredictTileResult, target: Box, bandY0: number, bandZ0: number, width: number, bandRows: number, channels: PixelArray[], nClasses: number): void {
  const n = target.nz * target.ny * target.nx;
  const nx = target.nx;
  const source = settings.source;
  // Row by row: features and float32 probabilities are row copies (`set` converts element by element exactly as an
  // assignment would); only the derived results need a per-pixel loop.
  const copyRows = (values: Float32Array, count: number, rowBase: number, tileBase: number): void => {
    for (let c = 0; c < count; c++) channels[c].set(values.subarray(c * n + tileBase, c * n + tileBase + nx), rowBase);
  };
  for (let dz = 0; dz < target.nz; dz++) {
    for (let dy = 0; dy < target.ny; dy++) {
      const rowBase = ((target.z0 - bandZ0 + dz) * bandRows + (target.y0 - bandY0 + dy)) * width + target.x0;
      const tileBase = (dz * target.ny + dy) * nx;
      if (source === 'features') {
        copyRows(tile.features!, plan.channels, rowBase, tileBase);
        continue;
      }
      const probs = tile.probabilities!;
      if (source === 'probabilities') {
        if (plan.dtype !== 'uint8') {
          copyRows(probs, nClasses, rowBase, tileBase);
          continue;
        }
        for (let k = 0; k < nClasses; k++) {
          const out = channels[k];
          for (let dx = 0; dx < nx; dx++) out[rowBase + dx] = Math.round(255 * probs[k * n + tileBase + dx]);
        }
        continue;
      }
      for (let dx = 0; dx < nx; dx++) {
        const p = tileBase + dx;
        const o = rowBase + dx;
        // Argmax (ties → lowest class) and the second-best probability.
        let best = 0;
        let pBest = probs[p];
        let pSecond = -Infinity;
        for (let k = 1; k < nClasses; k++) {
          const v = probs[k * n + p];
          if (v > pBest) { pSecond = pBest; pBest = v; best = k; } else if (v > pSecond) pSecond = v;
        }
        if (source === 'simple-segmentation') channels[0][o] = best + 1;
        else {
          const u = nClasses > 1 ? 1 - (pBest - pSecond) : 0;
          channels[0][o] = plan.dtype === 'uint8' ? Math.round(255 * u) : u;
        }
      }
    }
  }
}

function axesOf(shape: { t: number; z: number }, channels: number): string {
  return `${shape.t > 1 ? 'T' : ''}${shape.z > 1 ? 'Z' : ''}${channels > 1 ? 'C' : ''}YX`;
}

/**
 * Predicts `input` and writes the export to `outputs`.
 * @throws ImageError for unreadable inputs or a channel count the classifier was not trained on;
 *   ExportSettingsError for impossible exports; AbortError when cancelled (partial outputs are removed)
 */
export async function predictImage(options: PredictImageOptions): Promise<void> {
  const { input, project, settings } = options;
  const memoryLimit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  const source = options.source ?? await openImage(input, { memoryLimitBytes: Math.max(memoryLimit, 64 << 20) });
  let sink: ExportSink | undefined;
  try {
    const shape = source.info.shape;
    const featureImage = featureImageOf(path.basename(input), source.info, options.pixelSize);
    const plan = planImageExport(project, settings, shape, featureImage);
    if (options.outputs.length !== plan.resultTypes.length) throw new Error(`expected ${plan.resultTypes.length} output paths, got ${options.outputs.length}`);
    const selection = selectionForImage(project.features, featureImage);
    const is3D = shape.z > 1;
    const nFeatures = featureChannelCount(selection, shape.c, is3D);
    const classifier = options.classifier;
    const nClasses = project.classes.length;
    if (plan.needsProbabilities) {
      if (!classifier) throw new Error('prediction needs a trained classifier');
      if (classifier.forest.nFeatures !== nFeatures) {
        throw new ImageError(input, `gives ${nFeatures} feature channels (${shape.c} channel${shape.c > 1 ? 's' : ''}, ${is3D ? '3D' : '2D'}) but the classifier was trained on ${classifier.forest.nFeatures}: wrong channel count or dimensionality for this project`);
      }
    }
    if (settings.source === 'labels') {
      const labels = options.labels;
      if (!labels) throw new ImageError(input, 'has no labels in the project');
      if (labels.shape.t !== shape.t || labels.shape.z !== shape.z || labels.shape.y !== shape.y || labels.shape.x !== shape.x) {
        throw new ImageError(input, 'its shape differs from the labels saved in the project');
      }
    }
    const sinkShape = sinkShapeOf(shape, plan);
    sink = settings.format === 'png'
      ? new PngSink(options.outputs, sinkShape, options.provenance)
      : settings.format === 'zarr'
      ? await ZarrSink.create(options.outputs[0], sinkShape, zarrSinkOptions(source, settings, plan, options))
      : settings.format === 'hdf5'
      ? await Hdf5Sink.create(options.outputs[0], sinkShape, { internalPath: hdf5InternalPath(settings), provenance: options.provenance?.[0] })
      : await TiffSink.create(options.outputs[0], sinkShape, {
        compression: settings.compression,
        channelNames: plan.channelNames,
        spoolMemoryBytes: Math.floor(memoryLimit / 6),
        axes: axesOf(shape, plan.channels),
        provenance: options.provenance?.[0],
      });

    const chunkRows = sink instanceof ZarrSink ? sink.layout.chunkHeight : undefined;
    if (settings.source === 'labels') {
      const labels = options.labels!;
      for (let t = 0; t < shape.t; t++) {
        for (let z = 0; z < shape.z; z++) {
          options.signal?.throwIfAborted();
          if (chunkRows && options.blockShard) {
            // Only this task's chunk rows (a label plane is one slab deep).
            const plane = labels.plane(t, z);
            for (let y0 = 0, row = 0; y0 < shape.y; y0 += chunkRows, row++) {
              if (!ownsBlock(options.blockShard, [t, z, row], [shape.t, shape.z, Math.ceil(shape.y / chunkRows)])) continue;
              const ny = Math.min(chunkRows, shape.y - y0);
              await sink.writeBand(t, z, 1, y0, ny, [plane.subarray(y0 * shape.x, (y0 + ny) * shape.x)]);
            }
            continue;
          }
          await sink.writeBand(t, z, 1, 0, shape.y, [labels.plane(t, z)]);
        }
        options.onProgress?.((t + 1) / shape.t);
      }
    } else {
      await streamTiles(source, options, plan, sink, selection, nFeatures, nClasses, memoryLimit, chunkRows);
    }
    await sink.finish();
  } catch (error) {
    await sink?.abort();
    throw error;
  } finally {
    if (!options.source) await source.close();
  }
}

interface Band {
  t: number;
  z0: number;
  nz: number;
  y0: number;
  ny: number;
  tiles: number;
  done: number;
  channels?: PixelArray[];
}

/** The largest divisor of `n` that is at most `limit` (≥ 1). */
export function largestDivisorAtMost(n: number, limit: number): number {
  for (let d = Math.max(1, Math.min(n, limit)); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/** The OME-Zarr options of an export: version, pyramid method, the input's pixel size, channel names. */
export function zarrSinkOptions(source: ImageSource, settings: ExportSettings, plan: ExportPlan, options: Pick<PredictImageOptions, 'provenance' | 'blockShard' | 'signal'>): ZarrSinkOptions {
  return {
    version: omeZarrVersionOf(settings),
    downsample: downsampleMethodFor(settings.source),
    channelNames: plan.channelNames,
    pixelSize: omeZarrPixelSize(pixelSizeFromMetadata(source.info)),
    provenance: options.provenance?.[0],
    shardTask: options.blockShard !== undefined,
    signal: options.signal,
  };
}

/** What the sinks write for an image of `shape` with this plan. */
export function sinkShapeOf(shape: { t: number; z: number; y: number; x: number }, plan: ExportPlan): SinkShape {
  return { t: shape.t, z: shape.z, channels: plan.channels, height: shape.y, width: shape.x, dtype: plan.dtype };
}

async function streamTiles(
  source: ImageSource, options: PredictImageOptions, plan: ExportPlan, sink: ExportSink,
  selection: PredictTilePayload['selection'], nFeatures: number, nClasses: number, memoryLimit: number,
  chunkRows?: number,
): Promise<void> {
  const shape = source.info.shape;
  const is3D = shape.z > 1;
  const volume = { z: shape.z, y: shape.y, x: shape.x };
  const pool = options.pool;
  const workers = pool?.size ?? 1;
  const halo = featureHaloZYX(selection, 'ilastik', is3D);
  const geometry = { ...chooseTiles(volume, nFeatures, shape.c, nClasses, is3D && halo.z > 0, workers, memoryLimit), ...options.tiles };
  // Chunked outputs: bands never straddle a chunk row, so a chunk row belongs to one block of a sharded run
  // and is complete as soon as its bands are (results do not depend on the tiling).
  if (chunkRows) geometry.bandRows = largestDivisorAtMost(chunkRows, geometry.bandRows);
  const slabs = Math.ceil(shape.z / geometry.slabDepth);
  const blockRows = chunkRows ? Math.ceil(shape.y / chunkRows) : 1;
  const bands: Band[] = [];
  for (let t = 0; t < shape.t; t++) {
    for (let z0 = 0; z0 < shape.z; z0 += geometry.slabDepth) {
      for (let y0 = 0; y0 < shape.y; y0 += geometry.bandRows) {
        if (options.blockShard && chunkRows && !ownsBlock(options.blockShard, [t, z0 / geometry.slabDepth, Math.floor(y0 / chunkRows)], [shape.t, slabs, blockRows])) continue;
        bands.push({
          t, z0, nz: Math.min(geometry.slabDepth, shape.z - z0), y0, ny: Math.min(geometry.bandRows, shape.y - y0),
          tiles: Math.ceil(shape.x / geometry.tileColumns), done: 0,
        });
      }
    }
  }
  const totalTiles = bands.reduce((n, b) => n + b.tiles, 0);
  const buffers = options.bandBuffers ?? new BandBuffers();
  let tilesDone = 0;
  let nextToWrite = 0;
  let writing: Promise<void> = Promise.resolve();
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = 2 * workers;
  let failure: unknown;

  const flush = (): void => {
    writing = writing.then(async () => {
      while (nextToWrite < bands.length && bands[nextToWrite].done === bands[nextToWrite].tiles) {
        const band = bands[nextToWrite];
        await sink.writeBand(band.t, band.z0, band.nz, band.y0, band.ny, band.channels!);
        buffers.give(band.channels!);
        band.channels = undefined;
        nextToWrite++;
      }
    });
  };

  const runTile = async (band: Band, x0: number): Promise<void> => {
    const target: Box = { z0: band.z0, y0: band.y0, x0, nz: band.nz, ny: band.ny, nx: Math.min(geometry.tileColumns, shape.x - x0) };
    const sourceBox = requiredSourceBox(target, volume, selection);
    const block = await readSourceBlock(source, band.t, sourceBox);
    const payload: PredictTilePayload = {
      selection, image: volume, nInputChannels: shape.c, source: block, sourceBox, target,
      modelKey: plan.needsProbabilities ? options.classifier!.modelKey : undefined,
      model: plan.needsProbabilities ? options.classifier!.forestBytes : undefined,
      wantFeatures: plan.needsFeatures,
    };
    let result: PredictTileResult;
    if (pool) {
      result = await pool.run('tile/predict', payload, [block.buffer as ArrayBuffer], options.signal);
    } else {
      options.signal?.throwIfAborted();
      result = predictTile(payload, () => options.signal?.throwIfAborted());
    }
    band.channels ??= buffers.take(plan.dtype, plan.channels, band.nz * band.ny * shape.x);
    fillBand(plan, options.settings, result, target, band.y0, band.z0, shape.x, band.ny, band.channels, nClasses);
    band.done++;
    tilesDone++;
    options.onProgress?.(tilesDone / totalTiles);
    if (band.done === band.tiles) flush();
  };

  for (const band of bands) {
    for (let x0 = 0; x0 < shape.x; x0 += geometry.tileColumns) {
      if (failure) break;
      options.signal?.throwIfAborted();
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      if (failure) break;
      const job: Promise<void> = runTile(band, x0).catch((error) => { failure ??= error; }).finally(() => inFlight.delete(job));
      inFlight.add(job);
    }
    // Keep the number of assembled-but-unwritten bands small: wait for the writer when it lags.
    if (band === bands[nextToWrite + maxInFlight + 1]) await writing;
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  flush();
  await writing;
  if (nextToWrite !== bands.length) throw new Error('internal: not every band was written');
}
