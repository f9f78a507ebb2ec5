/**
 * The host ⇄ webview contract of the Pixel Classifier editor.
 *
 * This file imports nothing: the webview bundle may `import type` from it, and the host validates every
 * incoming message against it (see extension/editor/messageValidation.ts) because the webview is
 * untrusted input. Message types are `noun/verb` strings. Pixels always travel as ArrayBuffers in the
 * transfer list of `postMessage`, never as JSON number arrays.
 *
 * Coordinates: `row`/`column` are image pixel indices (0-based); boxes are half-open
 * `{ column, row, width, height }` in image pixels of one (t, z) plane.
 *
 * Views (issue #15): a message about a plane may name its `orientation` (absent = 'xy'). Then `z` is the index of
 * the slice along the axis the view cuts — z for xy, y for xz, x for yz — and rows/columns are the plane's: xz has
 * rows = z and columns = x, yz has rows = y and columns = z (extension/core/views/slicePlane.ts).
 */

/** Which plane of a volume a view shows (see the header). */
export type ViewOrientation = 'xy' | 'xz' | 'yz';

/** Envelope around every message in both directions. */
export interface Envelope<B> {
  /** Unique per sender, increasing. */
  messageId: number;
  /** Set on replies to a request. */
  inReplyTo?: number;
  body: B;
}

/** A rectangle of one plane, in image pixels (half-open). */
export interface PixelBox {
  column: number;
  row: number;
  width: number;
  height: number;
}

/** Sample type of a raw plane (same names as the image model's DType). */
export type PlaneDType = 'uint8' | 'uint16' | 'uint32' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** One label class. Class ids are 1..N in list order; 0 means "unlabelled". */
export interface LabelClass {
  id: number;
  name: string;
  /** CSS colour "#rrggbb". */
  color: string;
}

/** ilastik's feature grid as plain data (identical to core's FeatureSelection). */
export interface FeatureSelectionData {
  scales: { sigma: number; in2D: boolean }[];
  /** selected[featureId][i] refers to scales[i]. */
  selected: Record<string, boolean[]>;
  /** σ in pixels (absent, the default) or in µm per axis from the pixel size (`physical`; issue #15). */
  scaleUnit?: 'pixels' | 'physical';
  /** 0-based input channels that feed the features; absent = every channel but alpha. */
  featureChannels?: number[];
}

/** Shape and metadata of the open image, as the webview needs it. */
export interface ImageDescriptor {
  fileName: string;
  /** Sizes of T, Z, C, Y, X (all ≥ 1). */
  shape: { t: number; z: number; c: number; y: number; x: number };
  axes: string;
  dtype: PlaneDType;
  channelNames: string[];
  /** The alpha channel (RGBA, gray+alpha), not a feature channel by default. */
  alphaChannel?: number;
  /** Physical pixel size (from the project when the user set it, else from the file), if known. */
  pixelSize?: PixelSizeData;
  /**
   * Big images (issue #13): the view is made of tiles at resolution levels (`image/requestTile`,
   * `labels/requestTile`) instead of whole planes. Absent: whole planes (`image/requestPlane`).
   */
  tiled?: TiledImage;
}

/** A pixel's physical size and where it came from (OME-XML, ImageJ, TIFF resolution, HDF5 axistags, project). */
export interface PixelSizeData {
  x: number;
  y: number;
  z?: number;
  unit: string;
  source: string;
}

/** The pixel size changed (set, reset or undone). *//** How a big image is tiled: the edge of a tile and the resolution levels (level 0 = full resolution). */
export interface TiledImage {
  tileSize: number;
  /**
   * `computed`: the level is not in the file but made by the host from the level below (2×2 means), so its first tile
   * may cost reading much of the image (absent = stored in the file).
   */
  levels: { width: number; height: number; scale: number; computed?: boolean }[];
}

/** One tile of one plane at a resolution level (the answer to `image/requestTile`; transferred). */
export interface ImageTileMessage {
  type: 'image/tile';
  t: number;
  z: number;
  c: number;
  level: number;
  /** Tile indices at that level (pixels column·tileSize …). */
  column: number;
  row: number;
  width: number;
  height: number;
  dtype: PlaneDType;
  data: ArrayBuffer;
  /** Statistics of the whole plane (from a coarse level), for auto contrast: the same for every tile of the plane. */
  stats: { min: number; max: number; low: number; high: number };
  /**
   * True when `stats` are this tile's own: the plane's were not ready yet (a big image without a pyramid, whose coarse
   * level needs the whole file). The webview uses them until a tile brings the plane's.
   */
  statsPartial?: boolean;
}

/** The labels of one tile at a level (class ids; coarser levels show a label where any pixel of the block has one). */
export interface LabelsTileMessage {
  type: 'labels/tile';
  t: number;
  z: number;
  level: number;
  column: number;
  row: number;
  width: number;
  height: number;
  data: ArrayBuffer;
}


export interface PixelSizeMessage {
  type: 'image/pixelSize';
  pixelSize?: PixelSizeData;
}

/** The user sets the pixel size of this image (saved in the project), or resets it to the file's (`pixelSize` absent). */
export interface SetPixelSizeMessage {
  type: 'image/setPixelSize';
  pixelSize?: { x: number; y: number; z?: number; unit: string };
}

/** Display and editing settings the host owns (configuration + project). */
export interface EditorSettings {
  liveUpdate: boolean;
  /** True in restricted (untrusted) workspaces or read-only files: painting and saving disabled. */
  readOnly: boolean;
  /** Tile edge in pixels used for prediction tiles. */
  tileSize: number;
}

/** Summary of the classifier state shown in the side panel. */
export interface ClassifierStatus {
  state: 'idle' | 'computing-features' | 'training' | 'predicting' | 'error';
  /** 0..1 while busy. */
  progress: number;
  message?: string;
  /** Out-of-bag error of the current forest, 0..1. */
  oobError?: number;
  /** Top feature importances (channel name, Gini importance), largest first. */
  importances?: { name: string; value: number }[];
  /** Labelled pixel count per class id (index = class id, index 0 unused). */
  labelCounts: number[];
  /** Number of feature channels of the current selection. */
  featureChannels: number;
  /** Estimated feature memory for the visible plane in bytes. */
  featureMemoryBytes: number;
}

// ---------------------------------------------------------------- host → webview

/** First message, the answer to `ready`: everything the webview needs to start. */
export interface InitMessage {
  type: 'init';
  image: ImageDescriptor;
  classes: LabelClass[];
  features: FeatureSelectionData;
  settings: EditorSettings;
  status: ClassifierStatus;
  /** Project file the labels are saved in (relative to the image folder) and warnings about it. */
  projectFile: string;
  warnings: string[];
}

/** One raw plane of the image for display (transferred). */
export interface ImagePlaneMessage {
  type: 'image/plane';
  /** Absent = 'xy'; for xz/yz, `z` is the slice index and width/height the plane's. */
  orientation?: ViewOrientation;
  t: number;
  z: number;
  c: number;
  width: number;
  height: number;
  dtype: PlaneDType;
  /** Row-major samples in `dtype`. */
  data: ArrayBuffer;
  /** 0.1 and 99.9 percentiles and the full range of this plane, for auto contrast. */
  stats: { min: number; max: number; low: number; high: number };
}

/** The whole label plane of (t, z): uint8 class ids, row-major. */
export interface LabelsPlaneMessage {
  type: 'labels/plane';
  /** Absent = 'xy'; for xz/yz, `z` is the slice index and width/height the plane's. */
  orientation?: ViewOrientation;
  t: number;
  z: number;
  width: number;
  height: number;
  data: ArrayBuffer;
}

/** Part of a label plane changed (paint, erase, undo, redo, class deletion). */
export interface LabelsPatchMessage {
  type: 'labels/patch';
  t: number;
  z: number;
  box: PixelBox;
  /** uint8 class ids of the box, row-major (box.width × box.height). */
  data: ArrayBuffer;
  /** Total labelled pixels in the document after this change. */
  labelCount: number;
}

/** Classes changed (added, renamed, recoloured, deleted) or label counts changed. */
export interface ClassesUpdateMessage {
  type: 'classes/update';
  classes: LabelClass[];
}

/** Feature selection changed (from the host's point of view: after validation). */
export interface FeaturesUpdateMessage {
  type: 'features/update';
  features: FeatureSelectionData;
}

/** Classifier progress and results summary. */
export interface StatusMessage {
  type: 'status/update';
  status: ClassifierStatus;
}

/** One predicted tile of (t, z). */
export interface PredictionTileMessage {
  type: 'prediction/tile';
  /** Absent = 'xy'; for xz/yz, `z` is the slice index and `box` is in the plane's rows/columns. */
  orientation?: ViewOrientation;
  t: number;
  z: number;
  box: PixelBox;
  nClasses: number;
  /** Generation counter: tiles of an older generation than the last `prediction/clear` are stale. */
  generation: number;
  /** uint8 probabilities round(255·p), class-major [class][row][column] (nClasses × box.height × box.width). */
  probabilities: ArrayBuffer;
}

/** All predictions are stale (labels/features/classes changed and live update is off, or a new generation starts). */
export interface PredictionClearMessage {
  type: 'prediction/clear';
  generation: number;
}

/** Move the view (e.g. "go to the most uncertain region"). */
export interface NavigateMessage {
  type: 'view/navigate';
  t: number;
  z: number;
  box: PixelBox;
}

/** Settings changed (live update toggled elsewhere, trust changed). */
export interface SettingsUpdateMessage {
  type: 'settings/update';
  settings: EditorSettings;
}

/** An error to show in the editor (`#error-banner`). */
export interface ErrorMessage {
  type: 'error/show';
  message: string;
  /** Fatal errors replace the editor content (e.g. the image cannot be read). */
  fatal: boolean;
}

/**
 * Something the user should know that is not an error, shown in the editor's info banner until dismissed
 * (e.g. "cells.pixelclass.json was reloaded from disk"). Questions that can wait go here, not to toasts.
 */
export interface NoticeMessage {
  type: 'notice/show';
  message: string;
  /** Set for a question: the webview answers with `notice/answer` and this id. */
  questionId?: string;
  /** Button labels of a question (the banner's close button answers with no action). */
  actions?: string[];
}

/** The project file the labels are saved to changed (the image joined another project). */
export interface ProjectFileMessage {
  type: 'project/file';
  /** Relative to the image's folder. */
  projectFile: string;
}

/** A question from a `notice/show` banner answered (or dismissed: no `action`). */
export interface NoticeAnswerMessage {
  type: 'notice/answer';
  questionId: string;
  action?: string;
}

/**
 * One feature image (family × σ) of the region the webview asked for with `features/preview`, computed with the
 * engine's feature code, for the feature preview layer.
 */
export interface FeaturePreviewMessage {
  type: 'features/previewImage';
  /** Echo of the request id (a newer request makes older answers stale). */
  requestId: number;
  t: number;
  z: number;
  box: PixelBox;
  /** ilastik-style channel name, e.g. `Gaussian Smoothing (σ=1.0)`. */
  name: string;
  /** float32 values, row-major box.height × box.width. */
  data: ArrayBuffer;
  /** Display range: the 1st and 99th percentiles of `data`. */
  min: number;
  max: number;
}

/** What the walkthrough's buttons ask an open editor to show. */
export type UiCommand = 'chooseFeatures' | 'startLabelling' | 'showUncertainty';

/** A walkthrough step's command for the editor: open a section, pick a tool or a result view. */
export interface UiCommandMessage {
  type: 'ui/command';
  command: UiCommand;
}

export type HostToWebviewMessage =
  | InitMessage
  | ImageTileMessage
  | LabelsTileMessage
  | UiCommandMessage
  | FeaturePreviewMessage
  | ImagePlaneMessage
  | LabelsPlaneMessage
  | LabelsPatchMessage
  | ClassesUpdateMessage
  | FeaturesUpdateMessage
  | StatusMessage
  | PredictionTileMessage
  | PredictionClearMessage
  | NavigateMessage
  | SettingsUpdateMessage
  | ErrorMessage
  | NoticeMessage
  | ProjectFileMessage
  | PixelSizeMessage;

// ---------------------------------------------------------------- webview → host

/** The webview has loaded and wants `init`. */
export interface ReadyMessage {
  type: 'ready';
}

/** Ask for one display plane. */
export interface RequestPlaneMessage {
  type: 'image/requestPlane';
  orientation?: ViewOrientation;
  t: number;
  z: number;
  c: number;
}

/** Ask for one tile of a plane at a resolution level (tiled images). */
export interface RequestTileMessage {
  type: 'image/requestTile';
  t: number;
  z: number;
  c: number;
  level: number;
  column: number;
  row: number;
}

/** Ask for the labels of one tile at a level (tiled images). */
export interface RequestLabelsTileMessage {
  type: 'labels/requestTile';
  t: number;
  z: number;
  level: number;
  column: number;
  row: number;
}

/** Ask for the label plane of (t, z). */
export interface RequestLabelsMessage {
  type: 'labels/requestPlane';
  orientation?: ViewOrientation;
  t: number;
  z: number;
}

/**
 * One finished brush or eraser stroke. The host rasterises it (round brush, segments between the
 * points interpolated) and records it as one undoable edit.
 */
export interface PaintMessage {
  type: 'labels/paint';
  /** The view painted in (absent = 'xy'; `z` is then that view's slice index, points are in its plane). */
  orientation?: ViewOrientation;
  t: number;
  z: number;
  /** Class id to paint; 0 erases. */
  classId: number;
  /** Brush diameter in image pixels, 1..61. */
  brushSize: number;
  /** Float32Array of (column, row) pairs in image pixel coordinates (pixel centres at .5 are not required). */
  points: ArrayBuffer;
  /** Only write unlabelled pixels ("preserve labels"). */
  preserveLabels?: boolean;
}

/** The labelling tools beyond the brush (issue #16); each use is one undoable edit. */
export type LabelToolMessage = {
  type: 'labels/tool';
  /** The view the tool was used in (absent = 'xy'; `z` is then that view's slice index). */
  orientation?: ViewOrientation;
  t: number;
  z: number;
  /** Class to write (≥ 1; the fill also accepts 0 to clear a region). */
  classId: number;
  preserveLabels: boolean;
} & (
  /** Bucket fill of the clicked pixel's 4-connected region; `confirmed` after the user agreed to a huge one. */
  | { tool: 'fill'; column: number; row: number; confirmed?: boolean }
  /** Polygon or lasso outline (Float32Array of column,row pairs), closed automatically. */
  | { tool: 'polygon'; points: ArrayBuffer }
  /** Magic wand from (column, row) with `tolerance` in raw values of channel `c`, limited to `box`. */
  | { tool: 'wand'; column: number; row: number; tolerance: number; c: number; box: PixelBox }
  /** Superpixel brush: whole SLIC superpixels (of channel `c`) touched by the stroke. */
  | { tool: 'superpixel'; c: number; brushSize: number; points: ArrayBuffer }
);

/** Copy the labels of slice `fromZ` to slice `toZ` (one edit). */
export interface CopySliceMessage {
  type: 'labels/copySlice';
  /** The view whose slices are copied (absent = 'xy'; then fromZ/toZ are that view's slice indices). */
  orientation?: ViewOrientation;
  t: number;
  fromZ: number;
  toZ: number;
  preserveLabels: boolean;
}

export interface AddClassMessage {
  type: 'classes/add';
}

export interface RenameClassMessage {
  type: 'classes/rename';
  classId: number;
  name: string;
}

export interface RecolorClassMessage {
  type: 'classes/recolor';
  classId: number;
  color: string;
}

/** Delete a class; the host asks for confirmation and removes its labels as one undoable edit. */
export interface DeleteClassMessage {
  type: 'classes/delete';
  classId: number;
}

export interface SetFeaturesMessage {
  type: 'features/set';
  features: FeatureSelectionData;
}

export interface SetLiveUpdateMessage {
  type: 'live/set';
  enabled: boolean;
}

export interface UpdateNowMessage {
  type: 'live/updateNow';
}

/** The visible region changed: the host predicts it first. */
export interface ViewChangedMessage {
  type: 'view/changed';
  t: number;
  z: number;
  /** Visible part of the plane in image pixels (clipped to the image). */
  box: PixelBox;
  /**
   * With three views shown: the crosshair's row and column, i.e. the slices the xz (`y`) and yz (`x`) views show;
   * the host predicts those planes right after the visible part of the xy plane.
   */
  cursor?: { y: number; x: number };
}

/** "Go to the most uncertain region". */
export interface MostUncertainMessage {
  type: 'navigate/mostUncertain';
}

/** Show one feature (family × σ) of the visible region as the displayed layer. */
export interface FeaturePreviewRequestMessage {
  type: 'features/preview';
  requestId: number;
  /** Feature family id (e.g. `GaussianSmoothing`). */
  featureId: string;
  sigma: number;
  /** Compute slice by slice (z-stacks; ignored for 2D images). */
  in2D: boolean;
  t: number;
  z: number;
  /** Input channel the feature is computed from. */
  c: number;
  /** Visible part of the plane in image pixels. */
  box: PixelBox;
}

/** Forward a webview log line to the output channel. */
export interface LogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}

export type WebviewToHostMessage =
  | ReadyMessage
  | RequestTileMessage
  | RequestLabelsTileMessage
  | RequestPlaneMessage
  | RequestLabelsMessage
  | PaintMessage
  | AddClassMessage
  | RenameClassMessage
  | RecolorClassMessage
  | DeleteClassMessage
  | SetFeaturesMessage
  | SetLiveUpdateMessage
  | UpdateNowMessage
  | ViewChangedMessage
  | MostUncertainMessage
  | FeaturePreviewRequestMessage
  | LogMessage
  | NoticeAnswerMessage
  | LabelToolMessage
  | CopySliceMessage
  | SetPixelSizeMessage;

/** Limits the host enforces on webview messages. */
export const PROTOCOL_LIMITS = {
  maxBrushSize: 61,
  minBrushSize: 1,
  /** Max points in one stroke message. */
  maxStrokePoints: 100_000,
  /** Largest region (pixels) the magic wand may grow in: the visible region plus a margin. */
  maxToolBoxPixels: 4096 * 4096,
  maxClasses: 32,
  maxClassNameLength: 100,
  maxLogLength: 10_000,
  maxScales: 16,
  /** Most input channels a feature selection may list (`featureChannels`) when no image is open. */
  maxFeatureChannels: 1024,
  /** Largest region (pixels) of one feature preview. */
  maxPreviewPixels: 4096 * 4096,
} as const;
