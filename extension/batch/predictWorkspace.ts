/**
 * Predict many images with a saved project and export the results (issue #6): the one function behind
 * both `pixel-classifier predict` and the extension's "Predict Workspace…" command, so both write the same
 * bytes. Each input is independent: a corrupt file is reported and the rest go on. Each input is first compared
 * with the training images (core/compatibility): one the classifier cannot be applied to is refused with a plain
 * reason, one unlike them is predicted with warnings. Outputs whose embedded provenance names the same inputs are
 * skipped unless `force`; others that exist are overwritten, or the `onConflict` question decides (Export).
 */
import type { AllowedRoots } from '../project/projectPaths';
import { files as fs, platform } from '../core/platform/platform';
import * as path from 'node:path';
import { sha256File, sha256Of } from '../project/fileHash';
import { projectLabels, readProject } from '../project/projectFile';
import { resolveProjectPath } from '../project/projectPaths';
import type { ExportSettings, PixelClassifierProject } from '../project/projectSchema';
import type { WorkerPool } from '../workers/workerPool';
import { checkOutputs, keepBothPaths, makeProvenance, type OutputConflict } from './exportProvenance';
import { removeLegacyRecord } from './legacyExportRecord';
import { resolveOutputPath } from './outputTemplate';
import { featureImageOf } from '../core/features/featureImageOf';
import type { FeatureImage } from '../core/features/selectionForImage';
import { DEFAULT_MEMORY_LIMIT_BYTES, imageWorkingBytes, planImageExport, predictImage, sinkShapeOf, zarrSinkOptions, type BatchClassifier, type PredictImageOptions } from './predictImage';
import { finalizeZarrExport } from './zarrSink';
import { trainingHash } from '../project/trainingHash';
import { MemoryGate } from './memoryGate';
import { selectShard, type Shard } from './shard';
import { loadProjectClassifier } from './trainProject';
import { openImage } from '../node/openImage';
import type { LabelStore } from '../core/labels/labelVolume';
import { imageCompatibility, type ImageProfile } from '../core/compatibility/imageCompatibility';
import { sampleIntensities } from '../core/image/sampleIntensities';
import type { ImageSource } from '../core/image/imageModel';
import { measureTrainingProfiles } from './trainingProfiles';
import { BandBuffers } from './bandBuffers';

/** Outcome of one input. */
export interface FileResult {
  input: string;
  status: 'ok' | 'skipped' | 'error' | 'cancelled';
  outputs: string[];
  seconds: number;
  error?: string;
  /** Why the file was (re)done or skipped. */
  reason?: string;
  /** Why its results may be wrong (sample type or intensities unlike the training images), one sentence each. */
  warnings?: string[];
}

/** Outcome of a batch. */
export interface BatchSummary {
  project: string;
  shard: { index: number; count: number };
  settings: ExportSettings;
  /** Where the classifier came from (model cache or retrained). */
  classifier?: { source: 'cache' | 'trained'; reason?: string; trainingHash: string };
  files: FileResult[];
  /** True when every input succeeded (ok or skipped). */
  ok: boolean;
  /** Every file's warnings, in input order (results of a file with warnings are written but may be wrong). */
  warnings: string[];
  seconds: number;
}

/** Options of {@link predictWorkspace}. */
export interface PredictWorkspaceOptions {
  /** Project file (absolute or relative to `baseDir`). */
  projectFile: string;
  /** Input images (absolute, already expanded). */
  inputs: string[];
  /** Overrides of the project's export settings. */
  settings?: Partial<ExportSettings>;
  /** Folder relative templates and paths resolve against (CLI: cwd; extension: workspace folder). */
  baseDir: string;
  /** Folders outputs of relative templates (and project image paths) must stay in. @default [baseDir, project folder] */
  allowedRoots?: string[];
  /**
   * Where the project's own (training) images may be: ANYWHERE for the CLI and trusted workspaces (issue #19,
   * "images anywhere"); the inputs and outputs stay within `allowedRoots`. @default allowedRoots
   */
  imageRoots?: AllowedRoots;
  /**
   * Process only this shard of the (sorted) inputs. @default all
   * One input with an OME-Zarr output is split by blocks instead: this task writes its share of the image's chunks
   * into the shared store (issue #13) and {@link finalize} completes it.
   */
  shard?: Pick<Shard, 'index' | 'count'>;
  /** Complete OME-Zarr stores written by block-sharded tasks: check every chunk is there, build the pyramid, write the root attributes. */
  finalize?: boolean;
  /** Redo outputs even when their record says they are up to date. */
  force?: boolean;
  pool?: WorkerPool;
  memoryLimitBytes?: number;
  /** Tile geometry overrides (see predictImage). */
  tiles?: PredictImageOptions['tiles'];
  signal?: AbortSignal;
  /** Progress of the current file (index within this shard's inputs) and overall fraction. */
  onProgress?: (progress: { input: string; index: number; total: number; fileFraction: number; fraction: number }) => void;
  /** Called when a file is finished (any status). */
  onFileDone?: (result: FileResult) => void;
  /** Called with human-readable notes (classifier retrained, …). */
  onMessage?: (message: string) => void;
  /**
   * Asked (one question at a time) when, without `force`, an input's outputs exist but are not the record of
   * the same inputs (another classifier, other settings, or not our export at all): overwrite them, write
   * beside them (`name-2.tif`), or cancel the run. Without it they are overwritten (the CLI's semantics).
   */
  onConflict?: (input: string, conflicts: OutputConflict[]) => Promise<ConflictChoice>;
}

/** Answer to {@link PredictWorkspaceOptions.onConflict}. */
export type ConflictChoice = 'overwrite' | 'keep-both' | 'cancel';

let modelCounter = 0;

/** An input the classifier cannot be applied to (its message is the plain reason, naming the file). */
export class IncompatibleImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompatibleImageError';
  }
}

function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

/**
 * Runs the batch. Never throws for a bad input (it is reported in the summary); throws for a bad project,
 * bad export settings, or a classifier that cannot be trained.
 */
export async function predictWorkspace(options: PredictWorkspaceOptions): Promise<BatchSummary> {
  const started = performance.now();
  const projectFile = path.resolve(options.baseDir, options.projectFile);
  const projectDir = path.dirname(projectFile);
  const roots = options.allowedRoots ?? [options.baseDir, projectDir];
  const project = await readProject(projectFile);
  const settings: ExportSettings = { ...project.export, ...stripUndefined(options.settings ?? {}) };
  const shard = options.shard ?? { index: 0, count: 1 };
  const allInputs = options.inputs.map((i) => path.resolve(options.baseDir, i));
  if (options.settings?.omeZarrVersion !== undefined && settings.format !== 'zarr') throw new Error('--ome-zarr-version needs --output-format zarr (OME-Zarr outputs)');
  if (options.finalize && settings.format !== 'zarr') throw new Error('--finalize completes OME-Zarr outputs of a block-sharded run: use it with --output-format zarr');
  // One image, many tasks: each task writes its own chunks of one OME-Zarr store (issue #13).
  const blockShard = settings.format === 'zarr' && shard.count > 1 && new Set(allInputs).size === 1 && !options.finalize ? shard : undefined;
  const inputs = blockShard || options.finalize ? [...new Set(allInputs)].sort() : selectShard(allInputs, shard);
  const summary: BatchSummary = { project: projectFile, shard: { index: shard.index, count: shard.count }, settings, files: [], ok: true, warnings: [], seconds: 0 };

  // Impossible combinations (PNG of float data, uint8 features) fail the whole run up front; the ones that
  // depend on an image (PNG of a z-stack) fail per file below.
  planImageExport(project, settings, { t: 1, z: 1, c: 1, y: 1, x: 1 });

  let classifier: BatchClassifier | undefined;
  let trainingHashValue = 'labels-only';
  if (options.finalize) {
    // The pyramid and the provenance need no classifier: only its training hash.
    if (settings.source !== 'labels') trainingHashValue = trainingHash(project);
  } else if (settings.source !== 'labels' && inputs.length > 0) {
    const loaded = await loadProjectClassifier(project, projectFile, { pool: options.pool, allowedRoots: options.imageRoots ?? roots, signal: options.signal, onProgress: options.onMessage });
    if (loaded.source === 'trained') options.onMessage?.(`classifier retrained (${loaded.reason})`);
    classifier = { forest: loaded.forest, forestBytes: loaded.forestBytes, modelKey: `batch-${platform().processId}-${++modelCounter}-${loaded.trainingHash.slice(0, 12)}` };
    trainingHashValue = loaded.trainingHash;
    summary.classifier = { source: loaded.source, reason: loaded.reason, trainingHash: loaded.trainingHash };
  }

  // Files overlap: while one image is computed, the next is opened, hashed and planned, and two *small*
  // images (whole working set ≤ ¼ of the memory limit) are predicted at once, so the workers do not sit
  // idle while the main thread reads, assembles and writes. Larger images take the whole gate and run
  // one at a time, each within the memory limit. Results are reported in input order.
  const memoryLimit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  const gate = new MemoryGate(1);
  // Band buffers reused from image to image (dropped with the run).
  const bandBuffers = new BandBuffers();
  const results: (FileResult | undefined)[] = new Array(inputs.length);
  // Fraction done of each file, so the overall fraction counts every file in flight.
  const fileFractions = new Float64Array(inputs.length);
  let fractionSum = 0;
  const setFileFraction = (index: number, fraction: number): number => {
    fractionSum += fraction - fileFractions[index];
    fileFractions[index] = fraction;
    return Math.min(1, fractionSum / inputs.length);
  };
  // The training images' profiles, measured once per run when the first input needs the classifier: first what
  // their headers say (for the structural check, before predicting), then their intensities.
  let trainingStructure: Promise<ImageProfile[]> | undefined;
  let trainingIntensities: Promise<ImageProfile[]> | undefined;
  /** Refuses an image the classifier cannot apply to (IncompatibleImageError); returns its profile. */
  const checkStructure = async (input: string, source: ImageSource, featureImage: FeatureImage): Promise<ImageProfile> => {
    trainingStructure ??= measureTrainingProfiles(project, projectFile, roots, options.onMessage, { intensities: false });
    const { shape, dtype } = source.info;
    const profile: ImageProfile = { ...featureImage, name: path.basename(input), shape, dtype };
    const structure = imageCompatibility(profile, await trainingStructure, project.features);
    if (!structure.compatible) throw new IncompatibleImageError(structure.refusal!);
    return profile;
  };
  /** The warnings of an image the classifier applies to: intensities or pixel sizes unlike the training images'. */
  const compatibilityWarnings = async (profile: ImageProfile, source: ImageSource): Promise<string[]> => {
    trainingIntensities ??= measureTrainingProfiles(project, projectFile, roots, options.onMessage);
    const profiles = await trainingIntensities;
    profile.intensity = await sampleIntensities(source);
    return imageCompatibility(profile, profiles, project.features).warnings;
  };
  let questions: Promise<unknown> = Promise.resolve();
  const askConflict = (input: string, conflicts: OutputConflict[]): Promise<ConflictChoice> => {
    const answer = questions.then(() => options.onConflict!(input, conflicts));
    questions = answer.catch(() => undefined);
    return answer;
  };
  let reported = 0;
  let cancelled = false;
  const report = (): void => {
    while (reported < inputs.length && results[reported]) {
      const result = results[reported]!;
      summary.files.push(result);
      summary.warnings.push(...(result.warnings ?? []));
      options.onFileDone?.(result);
      reported++;
    }
  };
  const processFile = async (index: number): Promise<FileResult> => {
    const input = inputs[index];
    const fileStarted = performance.now();
    const result: FileResult = { input, status: 'ok', outputs: [], seconds: 0 };
    try {
      options.signal?.throwIfAborted();
      const source = await openImage(input, { memoryLimitBytes: Math.max(memoryLimit, 64 << 20) });
      let warnings: Promise<string[]> | undefined;
      try {
        const inputHash = await sha256File(input);
        // The project's pixel size for this image (when it is one of the project's images) overrides the file's.
        const ownEntry = findImage(project, projectDir, input, inputHash, roots);
        const pixelSize = project.images.find((image) => image.path === ownEntry)?.pixelSize;
        const featureImage = featureImageOf(path.basename(input), source.info, pixelSize);
        const plan = planImageExport(project, settings, source.info.shape, featureImage);
        result.outputs = plan.resultTypes.map((resultType) => resolveOutputPath({
          template: settings.filenameFormat, input, resultType, format: settings.format,
          baseDir: options.baseDir, allowedRoots: roots, inputs: allInputs,
        }));
        // The intensity check (a sample of the image and of the training images) runs beside the prediction: on the
        // first image it would otherwise hold the workers back for a tenth of a second.
        if (plan.needsProbabilities && !options.finalize) {
          warnings = compatibilityWarnings(await checkStructure(input, source, featureImage), source);
          warnings.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
        }
        // The label source records the labels' hash instead of the classifier's.
        let labels: LabelStore | undefined;
        let recordHash = trainingHashValue;
        if (settings.source === 'labels') {
          const entry = findImage(project, projectDir, input, inputHash, roots);
          if (!entry) throw new Error('has no labels in the project (it is not one of the project\'s images)');
          labels = projectLabels(project, entry);
          recordHash = sha256Labels(project, entry);
        }
        const expected = { inputSha256: inputHash, trainingHash: recordHash, settings };
        const check = options.force ? { reason: 'forced', conflicts: [] } : await checkOutputs(result.outputs, expected);
        let choice: ConflictChoice = 'overwrite';
        // Tasks of one block-sharded store never ask: they all write into it (and --finalize completes it).
        if (check.reason !== undefined && check.conflicts.length > 0 && options.onConflict && !blockShard && !options.finalize) choice = await askConflict(input, check.conflicts);
        if (choice === 'cancel') {
          const error = new Error(`kept the existing ${check.conflicts.map((c) => path.basename(c.output)).join(', ')}`);
          error.name = 'AbortError';
          throw error;
        }
        if (choice === 'keep-both') result.outputs = await keepBothPaths(result.outputs);
        const reason = check.reason;
        if (reason === undefined) {
          result.status = 'skipped';
          result.reason = 'up to date';
        } else if (options.finalize) {
          const provenance = plan.resultTypes.map((resultType) => makeProvenance(expected, { input, project: projectFile, resultType }));
          await finalizeZarrExport(result.outputs[0], sinkShapeOf(source.info.shape, plan), zarrSinkOptions(source, settings, plan, { provenance, signal: options.signal }));
          result.reason = 'finalized';
        } else {
          result.reason = choice === 'keep-both' ? `${reason}; kept the existing outputs` : reason;
          const small = imageWorkingBytes(project, featureImage) <= memoryLimit / 4;
          const release = await gate.acquire(small ? 0.5 : 1, options.signal);
          try {
            for (const output of result.outputs) await fs.mkdir(path.dirname(output), { recursive: true });
            await predictImage({
              input, project, settings, outputs: result.outputs, classifier, labels, pool: options.pool, source, pixelSize, bandBuffers,
              memoryLimitBytes: options.memoryLimitBytes, signal: options.signal, tiles: options.tiles,
              onProgress: (fileFraction) => options.onProgress?.({ input, index, total: inputs.length, fileFraction, fraction: setFileFraction(index, fileFraction) }),
              provenance: plan.resultTypes.map((resultType) => makeProvenance(expected, { input, project: projectFile, resultType })),
              blockShard,
            });
            // Outputs carry their provenance now (issue 19): a sidecar record of an earlier version goes.
            if (choice !== 'keep-both') await removeLegacyRecord(result.outputs[0]);
            if (blockShard) result.reason = `${result.reason}; wrote the blocks of shard ${blockShard.index}/${blockShard.count} (run --finalize once every task is done)`;
          } finally {
            release();
          }
        }
        const found = await warnings;
        if (found?.length) result.warnings = found;
      } finally {
        // (a failed file's intensity sample must end before its source closes)
        await warnings?.catch(() => undefined);
        await source.close();
      }
    } catch (error) {
      if (isAbort(error, options.signal)) {
        result.status = 'cancelled';
        result.error = error instanceof Error && error.name === 'AbortError' && !options.signal?.aborted && error.message ? `cancelled: ${error.message}` : 'cancelled';
      } else {
        result.status = 'error';
        const message = error instanceof Error ? error.message : String(error);
        result.error = message.includes(input) || error instanceof IncompatibleImageError ? message : `${input}: ${message}`;
      }
    }
    result.seconds = (performance.now() - fileStarted) / 1000;
    setFileFraction(index, 1);
    return result;
  };

  // Without workers everything runs on this thread: nothing to overlap.
  const maxFiles = options.pool ? 2 : 1;
  const running = new Set<Promise<void>>();
  for (let index = 0; index < inputs.length && !cancelled; index++) {
    while (running.size >= maxFiles) await Promise.race(running);
    if (cancelled) break;
    const job: Promise<void> = processFile(index).then((result) => {
      results[index] = result;
      if (result.status === 'cancelled') cancelled = true;
      report();
    }).finally(() => running.delete(job));
    running.add(job);
  }
  await Promise.all(running);
  for (let index = 0; index < inputs.length; index++) {
    results[index] ??= { input: inputs[index], status: 'cancelled', outputs: [], seconds: 0, error: 'cancelled' };
  }
  report();
  summary.ok = summary.files.every((f) => f.status === 'ok' || f.status === 'skipped');
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The project image that `input` is: same resolved path, else same content hash. */
function findImage(project: PixelClassifierProject, projectDir: string, input: string, hash: string, roots: string[]): string | undefined {
  for (const image of project.images) {
    try {
      if (resolveProjectPath(projectDir, image.path, roots) === path.resolve(input)) return image.path;
    } catch { /* unsafe paths never match */ }
  }
  return project.images.find((image) => image.sha256 === hash)?.path;
}

function sha256Labels(project: PixelClassifierProject, image: string): string {
  // Labels exports depend only on the labels of that image.
  return sha256Of(JSON.stringify(project.labels[image] ?? {}));
}

