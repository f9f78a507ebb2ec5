/**
 * `export-model` (issue 17): the project's trained classifier as a model other tools run — one ONNX graph
 * from raw image to class probabilities, or a bioimage.io model package around it. The classifier comes
 * from the model cache (retrained from the labels when stale, exactly as predict does); the graph's input
 * geometry (2D or 3D, number of channels) is the labelled images'.
 */
import { files as fs } from '../core/platform/platform';
import * as path from 'node:path';
import type { Margins } from '../core/features/box';
import { buildClassifierOnnx, type ClassifierOnnx } from '../core/onnx/classifierOnnx';
import type { PixelClassifierProject } from '../project/projectSchema';
import { readProject, writeFileAtomic } from '../project/projectFile';
import type { WorkerPool } from '../workers/workerPool';
import type { ImageInfo } from '../core/image/imageModel';
import { openImage } from '../node/openImage';
import { resolveProjectPath } from '../project/projectPaths';
import { buildBioimageioPackage } from './bioimageioPackage';
import { modelGeometry, trainingProvenance, type ModelGeometry } from './modelGeometry';
import { loadProjectClassifier, type ProjectClassifier } from './trainProject';

/** Model formats of `export-model --format`. */
export const MODEL_FORMATS = ['onnx', 'bioimageio'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** Options of {@link exportModel}. */
export interface ExportModelOptions {
  /** Project file (relative to `baseDir` or absolute). */
  projectFile: string;
  format: ModelFormat;
  /** Output file (relative to `baseDir` or absolute): `.onnx` or `.zip`. */
  output: string;
  baseDir: string;
  /** Folders image paths may resolve into. @default [baseDir, project folder] */
  allowedRoots?: string[];
  /** Used when the classifier must be retrained. */
  pool?: WorkerPool;
  /** Written into the model's provenance. */
  producerVersion: string;
  onMessage?: (message: string) => void;
  /** bioimage.io only: author names. @default ["Pixel Classifier user"] */
  authors?: string[];
  /** bioimage.io only: SPDX license id. @default "CC-BY-4.0" */
  license?: string;
}

/** What was exported. */
export interface ExportModelSummary {
  project: string;
  output: string;
  format: ModelFormat;
  bytes: number;
  classes: string[];
  spatialDims: 2 | 3;
  inputChannels: number;
  features: number;
  trees: number;
  treeNodes: number;
  /** Pixels per side each output needs beyond it (the feature halo). */
  halo: Margins;
  classifier: { source: ProjectClassifier['source']; reason?: string; trainingHash: string };
  seconds: number;
}

/** Builds the ONNX model of a project's classifier. */
export function projectOnnx(project: PixelClassifierProject, projectFile: string, classifier: ProjectClassifier, geometry: ModelGeometry, producerVersion: string): ClassifierOnnx {
  return buildClassifierOnnx({
    selection: geometry.selection,
    spatialDims: geometry.spatialDims,
    nInputChannels: geometry.nInputChannels,
    forest: classifier.forest,
    classNames: project.classes.map((c) => c.name),
    producerVersion,
    metadata: trainingProvenance(project, projectFile, classifier),
  });
}

/** The first labelled image's info (pixel size, alpha channel), or undefined when it cannot be opened. */
async function referenceImageInfo(project: PixelClassifierProject, projectDir: string, roots: readonly string[]): Promise<ImageInfo | undefined> {
  const reference = project.images.find((image) => project.labels[image.path] && Object.keys(project.labels[image.path]).length > 0);
  if (!reference) return undefined;
  try {
    const source = await openImage(resolveProjectPath(projectDir, reference.path, roots));
    try { return source.info; } finally { await source.close(); }
  } catch {
    return undefined; // the classifier load below reports a missing image
  }
}

/**
 * Exports the project's classifier.
 * @throws ProjectError for a bad project; Error when nothing is labelled or the classifier cannot be trained
 */
export async function exportModel(options: ExportModelOptions): Promise<ExportModelSummary> {
  const started = performance.now();
  const projectFile = path.resolve(options.baseDir, options.projectFile);
  const output = path.resolve(options.baseDir, options.output);
  const roots = options.allowedRoots ?? [options.baseDir, path.dirname(projectFile)];
  const project = await readProject(projectFile);
  const geometry = modelGeometry(project, await referenceImageInfo(project, path.dirname(projectFile), roots));
  const classifier = await loadProjectClassifier(project, projectFile, { pool: options.pool, allowedRoots: roots, onProgress: options.onMessage });
  if (classifier.source === 'trained') options.onMessage?.(`classifier retrained (${classifier.reason})`);
  const onnx = projectOnnx(project, projectFile, classifier, geometry, options.producerVersion);
  const bytes = options.format === 'onnx' ? onnx.bytes : await buildBioimageioPackage({
    project, projectFile, classifier, geometry, onnx, roots, producerVersion: options.producerVersion,
    authors: options.authors ?? ['Pixel Classifier user'], license: options.license ?? 'CC-BY-4.0',
  });
  await fs.mkdir(path.dirname(output), { recursive: true });
  await writeFileAtomic(output, bytes);
  return {
    project: projectFile,
    output,
    format: options.format,
    bytes: bytes.length,
    classes: project.classes.map((c) => c.name),
    spatialDims: geometry.spatialDims,
    inputChannels: geometry.nInputChannels,
    features: onnx.nFeatures,
    trees: onnx.forest.trees,
    treeNodes: onnx.forest.nodes,
    halo: geometry.halo,
    classifier: { source: classifier.source, reason: classifier.reason, trainingHash: classifier.trainingHash },
    seconds: (performance.now() - started) / 1000,
  };
}
