/**
 * The `pixelClassifier.*` settings the editor uses, read through an injected getter so the defaults
 * and clamping are unit tested without VS Code. Keep in sync with package.json `contributes.configuration`.
 */

/** Anything with `get(key, default)`, e.g. `vscode.workspace.getConfiguration('pixelClassifier')`. */
export interface ConfigurationLike {
  get<T>(key: string, defaultValue: T): T;
}

/** Validated editor configuration. */
export interface EditorConfig {
  /** Largest image (decoded bytes) the editor opens; checked against the header before allocating. */
  imageMemoryLimitBytes: number;
  /** Memory budget of the per-document feature cache. */
  featureCacheBytes: number;
  /** Live update on by default for newly opened editors. */
  liveUpdate: boolean;
  /** Prediction tile edge in pixels. */
  tileSize: number;
  /** Planes bigger than this are decoded in a worker thread instead of the extension host. */
  offThreadDecodeBytes: number;
  /** Trees of a newly created project's forest. */
  defaultTrees: number;
  /** Peak memory target of Predict Workspace / Export (the CLI's --memory-limit). */
  batchMemoryLimitBytes: number;
  /** Planes with more pixels than this are shown as tiles at resolution levels (issue #13). */
  tiledViewAbovePixels: number;
  /** Live predictions cover at most this many pixels of the view (more: "zoom in to predict"), issue #13. */
  livePredictionPixels: number;
  /** Planes up to this many pixels are predicted whole in the background after the visible part. */
  backgroundPredictionPixels: number;
}

const MiB = 1024 * 1024;

/**
 * Feature-cache cap of an image shown as tiles (issue #13): its live loop covers only the view (a 1600×900 view at 1:1
 * with 61 features is ~350 MB of features), and the extension host with its workers must stay within 1 GB whatever
 * the image size. Images shown whole keep the setting (a 2048² plane of 49 features is 784 MB).
 */
export const TILED_FEATURE_CACHE_BYTES = 384 * MiB;

/** The feature-cache budget of one image: the setting, capped at {@link TILED_FEATURE_CACHE_BYTES} for tiled images. */
export function featureCacheBudget(settingBytes: number, tiled: boolean): number {
  return tiled ? Math.min(settingBytes, TILED_FEATURE_CACHE_BYTES) : settingBytes;
}

function clampNumber(v: unknown, min: number, max: number, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

/** Reads and clamps the settings (invalid values fall back to the defaults). */
export function readEditorConfig(config: ConfigurationLike): EditorConfig {
  const tile = clampNumber(config.get('tileSize', 256), 32, 2048, 256);
  return {
    imageMemoryLimitBytes: clampNumber(config.get('imageMemoryLimitMB', 4096), 16, 1024 * 1024, 4096) * MiB,
    featureCacheBytes: clampNumber(config.get('featureCacheMB', 1024), 16, 64 * 1024, 1024) * MiB,
    liveUpdate: config.get<boolean>('liveUpdate', true) !== false,
    tileSize: Math.round(tile),
    offThreadDecodeBytes: clampNumber(config.get('offThreadDecodeMB', 4), 0, 1024 * 1024, 4) * MiB,
    defaultTrees: Math.round(clampNumber(config.get('trees', 100), 1, 1000, 100)),
    batchMemoryLimitBytes: clampNumber(config.get('batchMemoryLimitMB', 1536), 256, 1024 * 1024, 1536) * MiB,
    tiledViewAbovePixels: clampNumber(config.get('tiledViewAboveMegapixels', 16), 0.01, 1e6, 16) * 1e6,
    livePredictionPixels: clampNumber(config.get('livePredictionMegapixels', 16), 0.06, 1e4, 16) * 1e6,
    backgroundPredictionPixels: clampNumber(config.get('backgroundPredictionMegapixels', 16), 0, 1e6, 16) * 1e6,
  };
}
