/**
 * The Pixel Classifier project file `<name>.pixelclass.json` (issues #4, #5, #6), saved beside the data.
 *
 * Top-level key order (written by {@link stringifyProject}): format, version, provenance, classes, classifier,
 * features, export, images, labels — the small settings first, the (long) labels last.
 * Class ids are 1..N in list order; 0 means unlabelled. Image paths are relative to the project's folder
 * with forward slashes. Labels are keyed by the same relative path, then by plane (`"t0z0"`), one RLE
 * string per non-empty row (see extension/core/labels/labelRle.ts).
 */
import type { FeatureSelection } from '../core/features/featureSet';
import type { EncodedLabels } from '../core/labels/labelRle';

/** Value of the `format` field. */
export const PROJECT_FORMAT = 'pixel-classifier-project';
/** Current `version`; {@link migrateProject} upgrades older files. */
export const PROJECT_VERSION = 1;
/** File name suffix of projects. */
export const PROJECT_SUFFIX = '.pixelclass.json';
/** File name suffix of the model cache beside a project. */
export const MODEL_SUFFIX = '.pixelclass.model';

/** One label class. */
export interface ProjectClass {
  name: string;
  /** CSS colour "#rrggbb". */
  color: string;
}

/** Random-forest settings. */
export interface ClassifierSettings {
  /** Number of trees. @default 100 */
  trees: number;
  /** Seed: the same labels and seed give the same model. @default 0 */
  seed: number;
  maxDepth?: number;
  minSamplesLeaf?: number;
}

/** Export sources (ilastik's names, kebab-cased). */
export const EXPORT_SOURCES = ['probabilities', 'simple-segmentation', 'uncertainty', 'features', 'labels'] as const;
export type ExportSource = (typeof EXPORT_SOURCES)[number];
export const EXPORT_DTYPES = ['float32', 'uint8'] as const;
export type ExportDType = (typeof EXPORT_DTYPES)[number];
export const EXPORT_FORMATS = ['tiff', 'png', 'hdf5', 'zarr'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_COMPRESSIONS = ['none', 'deflate'] as const;
export type ExportCompression = (typeof EXPORT_COMPRESSIONS)[number];

/** Export settings, saved in the project (ilastik forgets them). */
export interface ExportSettings {
  source: ExportSource;
  /** Sample type of probabilities/uncertainty: float32, or uint8 = round(255·p). */
  dtype: ExportDType;
  format: ExportFormat;
  /** Output path template with `{dataset_dir}`, `{nickname}`, `{result_type}`. */
  filenameFormat: string;
  /** TIFF compression. */
  compression: ExportCompression;
  /** HDF5 only: dataset path inside the file (ilastik's OutputInternalPath). @default "exported_data" */
  internalPath?: string;
  /** OME-Zarr only: 0.4 (Zarr v2) or 0.5 (Zarr v3). @default "0.4" */
  omeZarrVersion?: '0.4' | '0.5';
}

/** ilastik's default output template. */
export const DEFAULT_FILENAME_FORMAT = '{dataset_dir}/{nickname}_{result_type}.tif';

/** Default export settings. */
export function defaultExportSettings(): ExportSettings {
  return { source: 'probabilities', dtype: 'float32', format: 'tiff', filenameFormat: DEFAULT_FILENAME_FORMAT, compression: 'none' };
}

/** Image shape (the image model's five axes). */
export interface ProjectImageShape {
  t: number;
  z: number;
  c: number;
  y: number;
  x: number;
}

/** An image of the project. */
export interface ProjectImage {
  /** Relative to the project folder, forward slashes. */
  path: string;
  /** sha256 of the file's bytes (lowercase hex). */
  sha256: string;
  shape: ProjectImageShape;
  /** Sample type (informational). */
  dtype?: string;
  /** The pixel size the user set (it overrides the file's metadata; issue #15). */
  pixelSize?: { x: number; y: number; z?: number; unit: string };
}

/** Where the project and its last training come from. */
export interface Provenance {
  /** Version of the extension/CLI that last wrote the file. */
  extensionVersion: string;
  /** ISO time of the last training. */
  lastTrained?: string;
  /** Out-of-bag error of the last training (0..1). */
  oobError?: number;
  /** Training hash of the last training (see trainingHash.ts); the model cache must carry the same. */
  trainingHash?: string;
}

/** A whole project, as in memory after {@link readProject}/{@link migrateProject}. */
export interface PixelClassifierProject {
  format: typeof PROJECT_FORMAT;
  version: number;
  provenance: Provenance;
  classes: ProjectClass[];
  classifier: ClassifierSettings;
  features: FeatureSelection;
  export: ExportSettings;
  images: ProjectImage[];
  /** Image path → plane key → RLE rows. */
  labels: Record<string, EncodedLabels>;
}

/** ilastik's first class colours (yellow, blue, red, green, …). */
export const DEFAULT_CLASS_COLORS = [
  '#ffff00', '#0000ff', '#ff0000', '#00ff00', '#00ffff', '#ff00ff', '#ff8000', '#808080', '#ff80ff', '#80ff80',
];

/** Default name and colour of class `id` (1-based). */
export function defaultClass(id: number): ProjectClass {
  return { name: `Label ${id}`, color: DEFAULT_CLASS_COLORS[(id - 1) % DEFAULT_CLASS_COLORS.length] };
}

/**
 * A new, empty project.
 * @param features feature selection to store (copied)
 * @param extensionVersion written to provenance
 */
export function createProject(features: FeatureSelection, extensionVersion: string, nClasses = 2): PixelClassifierProject {
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    provenance: { extensionVersion },
    classes: Array.from({ length: nClasses }, (_, i) => defaultClass(i + 1)),
    classifier: { trees: 100, seed: 0 },
    features: JSON.parse(JSON.stringify(features)) as FeatureSelection,
    export: defaultExportSettings(),
    images: [],
    labels: {},
  };
}
