/**
 * The `pixelClassifier.*` settings the editor uses, read through an injected getter so the defaults
 * and clamping are unit tested without VS Code. Keep in sync with package.json `contributes.configuration`.
 */

/** Anything with `get(key, default)`, e.g. `vscode.workspace.getConfiguration('pixelClassifier')`. */
export interface ConfigurationLike {
  get<T>(key: string, defaultValue: T): T;
  /** Where a value comes from (VS Code's `inspect`): used to tell a value the user set from package.json's default. */
  inspect?(key: string): { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown } | undefined;
}

/** Defaults of one extension host that differ from package.json's, used for the settings the user has not set. */
export interface HostSettingDefaults {
  /** `tiledViewAboveMegapixels` of this host (see {@link WEB_TILED_VIEW_ABOVE_MEGAPIXELS}). */
  tiledViewAboveMegapixels?: number;
}

/**
 * `tiledViewAboveMegapixels` in the browser (issue #20): there the page holds the workbench, the webview, the extension
 * host and its workers in one renderer, within the webview's 500 MB bound. A plane shown whole keeps about 30 bytes per
 * pixel in the webview (image, label and prediction canvases of 4 bytes per pixel, the raw plane, the class
 * probabilities, the compositor's copies), 120 MB at 4 megapixels; shown as tiles it keeps only the tiles in view.
 * Measured with `npm run bench -- web` (2048², 4.2 megapixels, 49 features): the page's renderer grew 389–403 MiB with
 * whole planes, 341–377 MiB with tiles. The desktop keeps package.json's 16 (its extension host is not in the page).
 */
export const WEB_TILED_VIEW_ABOVE_MEGAPIXELS = 2;

/** True when the user (or the workspace) set `key`, rather than package.json's default applying. */
function userSet(config: ConfigurationLike, key: string): boolean {
  const where = config.inspect?.(key);
  return where?.globalValue !== undefined || where?.workspaceValue !== undefined || where?.workspaceFolderValue !== undefined;
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

/**
 * Reads and clamps the settings (invalid values fall back to the defaults).
 * @param host this extension host's own defaults, used where the user set nothing
 */
export function readEditorConfig(config: ConfigurationLike, host: HostSettingDefaults = {}): EditorConfig {
  const tile = clampNumber(config.get('tileSize', 256), 32, 2048, 256);
  const tiledDefault = host.tiledViewAboveMegapixels ?? 16;
  const tiledMegapixels = host.tiledViewAboveMegapixels !== undefined && !userSet(config, 'tiledViewAboveMegapixels')
    ? tiledDefault
    : clampNumber(config.get('tiledViewAboveMegapixels', tiledDefault), 0.01, 1e6, tiledDefault);
  return {
    imageMemoryLimitBytes: clampNumber(config.get('imageMemoryLimitMB', 4096), 16, 1024 * 1024, 4096) * MiB,
    featureCacheBytes: clampNumber(config.get('featureCacheMB', 1024), 16, 64 * 1024, 1024) * MiB,
    liveUpdate: config.get<boolean>('liveUpdate', true) !== false,
    tileSize: Math.round(tile),
    offThreadDecodeBytes: clampNumber(config.get('offThreadDecodeMB', 4), 0, 1024 * 1024, 4) * MiB,
    defaultTrees: Math.round(clampNumber(config.get('trees', 100), 1, 1000, 100)),
    batchMemoryLimitBytes: clampNumber(config.get('batchMemoryLimitMB', 1536), 256, 1024 * 1024, 1536) * MiB,
    tiledViewAbovePixels: tiledMegapixels * 1e6,
    livePredictionPixels: clampNumber(config.get('livePredictionMegapixels', 16), 0.06, 1e4, 16) * 1e6,
    backgroundPredictionPixels: clampNumber(config.get('backgroundPredictionMegapixels', 16), 0, 1e6, 16) * 1e6,
  };
}
