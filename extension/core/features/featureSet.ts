/**
 * The ilastik pixel-classification filter bank as data: stable feature ids, default scales,
 * selections, output channel order/names and the halo a block needs (issue #3).
 *
 * Everything here is plain JSON-compatible data so a {@link FeatureSelection} can be stored in a
 * project file and sent to the webview as-is.
 */

/** Stable ids of the six feature families, in ilastik's channel order. Never rename: projects store them. */
export const FEATURE_IDS = [
  'GaussianSmoothing',
  'LaplacianOfGaussian',
  'GaussianGradientMagnitude',
  'DifferenceOfGaussians',
  'StructureTensorEigenvalues',
  'HessianOfGaussianEigenvalues',
] as const;

/** One of the six feature families. */
export type FeatureId = (typeof FEATURE_IDS)[number];

/** Human-readable family names exactly as ilastik shows them. */
export const FEATURE_NAMES: Record<FeatureId, string> = {
  GaussianSmoothing: 'Gaussian Smoothing',
  LaplacianOfGaussian: 'Laplacian of Gaussian',
  GaussianGradientMagnitude: 'Gaussian Gradient Magnitude',
  DifferenceOfGaussians: 'Difference of Gaussians',
  StructureTensorEigenvalues: 'Structure Tensor Eigenvalues',
  HessianOfGaussianEigenvalues: 'Hessian of Gaussian Eigenvalues',
};

/** Smallest scale ilastik allows per family (OpBaseFilter.minimum_scale): 0.3 for smoothing, 0.7 otherwise. */
export const MIN_SCALE: Record<FeatureId, number> = {
  GaussianSmoothing: 0.3,
  LaplacianOfGaussian: 0.7,
  GaussianGradientMagnitude: 0.7,
  DifferenceOfGaussians: 0.7,
  StructureTensorEigenvalues: 0.7,
  HessianOfGaussianEigenvalues: 0.7,
};

/** ilastik's default scale columns (σ in pixels). */
export const DEFAULT_SCALES: readonly number[] = [0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0];

/** Largest σ accepted in a selection (pixels). Larger scales need halos nobody can afford interactively. */
export const MAX_SCALE = 100;

/** σ in pixels along each axis (z = slices, y = rows, x = columns). */
export interface AxisSigmas {
  z: number;
  y: number;
  x: number;
}

/**
 * One scale column: σ (in pixels, or in the pixel size's unit — µm — when the selection's
 * {@link FeatureSelection.scaleUnit} is `physical`), and whether a z-stack is filtered slice by slice.
 */
export interface FeatureScale {
  sigma: number;
  /** Filter each z-slice alone ("compute in 2D"). Ignored (always 2D) for 2D images. */
  in2D: boolean;
  /**
   * The σ of each axis in pixels, resolved for one image by selectionForImage() in physical mode
   * (σ / pixelSize per axis; issue #15). Absent = `sigma` pixels on every axis. Never stored in projects.
   */
  pixelSigmas?: AxisSigmas;
}

/** How scale σ values are read: pixels (ilastik's behaviour, the default) or physical units (µm). */
export type ScaleUnit = 'pixels' | 'physical';

/**
 * Which features to compute: scale columns, and per family one boolean per column
 * (`selected[id][i]` refers to `scales[i]`). Plain JSON data.
 */
export interface FeatureSelection {
  scales: FeatureScale[];
  selected: Record<FeatureId, boolean[]>;
  /** @default 'pixels' (absent). `physical`: σ in µm, σ_axis = σ / pixelSize_axis (issue #15). */
  scaleUnit?: ScaleUnit;
  /**
   * Input channels (0-based, ascending) that feed the features; absent = every channel except an alpha
   * channel (issue #15). The output has features of these channels only.
   */
  featureChannels?: number[];
}

/** Which definition of the filters to use. See ilastik-features.md. */
export type FeatureVariant = 'ilastik' | 'direct';

/** One output channel of the feature computation. */
export interface FeatureChannel {
  featureId: FeatureId;
  sigma: number;
  /** True when this scale is computed slice by slice on a 3D image (always false for 2D images). */
  in2D: boolean;
  /** Eigenvalue index (0 = largest), 0 for scalar features. */
  component: number;
  /** Input channel this feature channel was computed from. */
  inputChannel: number;
  /** ilastik-style channel name, e.g. `Hessian of Gaussian Eigenvalues (σ=1.0) [0]`. */
  name: string;
}

function defaultScaleColumns(): FeatureScale[] {
  return DEFAULT_SCALES.map((sigma) => ({ sigma, in2D: false }));
}

function fill(scales: FeatureScale[], pick: (id: FeatureId, sigma: number) => boolean): Record<FeatureId, boolean[]> {
  const selected = {} as Record<FeatureId, boolean[]>;
  for (const id of FEATURE_IDS) selected[id] = scales.map((s) => s.sigma >= MIN_SCALE[id] - 1e-9 && pick(id, s.sigma));
  return selected;
}

/** Every family at every default scale it allows: 49 channels per input channel in 2D, 61 in 3D. */
export function selectionAll(scales: FeatureScale[] = defaultScaleColumns()): FeatureSelection {
  return { scales: scales.map((s) => ({ ...s })), selected: fill(scales, () => true) };
}

/** Nothing selected, default scale columns. */
export function selectionNone(scales: FeatureScale[] = defaultScaleColumns()): FeatureSelection {
  return { scales: scales.map((s) => ({ ...s })), selected: fill(scales, () => false) };
}

/**
 * A light default for interactive work: smoothing at 0.3, 1.0, 3.5; edges (gradient magnitude,
 * LoG) at 1.0 and 3.5; Hessian eigenvalues and DoG at 1.0 and 3.5 (13 channels in 2D).
 */
export function selectionDefaultLight(): FeatureSelection {
  const scales = defaultScaleColumns();
  const pick: Record<FeatureId, number[]> = {
    GaussianSmoothing: [0.3, 1.0, 3.5],
    LaplacianOfGaussian: [1.0, 3.5],
    GaussianGradientMagnitude: [1.0, 3.5],
    DifferenceOfGaussians: [1.0, 3.5],
    StructureTensorEigenvalues: [],
    HessianOfGaussianEigenvalues: [1.0, 3.5],
  };
  return { scales, selected: fill(scales, (id, sigma) => pick[id].includes(sigma)) };
}

/** Number of output components of a family: eigenvalue families have one per dimension. */
export function componentCount(id: FeatureId, dims: 2 | 3): number {
  return id === 'StructureTensorEigenvalues' || id === 'HessianOfGaussianEigenvalues' ? dims : 1;
}

/** σ as Python's `str(float)` writes it, which is what ilastik puts in channel names (1 → "1.0"). */
export function formatSigma(sigma: number): string {
  const text = String(sigma);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * Problems with a selection, one sentence each (empty when valid): scale count mismatches,
 * non-finite or out-of-range σ, a family selected below its minimum scale, duplicate scales.
 */
export function validateSelection(selection: FeatureSelection): string[] {
  const problems: string[] = [];
  if (!selection || !Array.isArray(selection.scales) || typeof selection.selected !== 'object' || selection.selected === null) {
    return ['feature selection must have "scales" (array) and "selected" (object)'];
  }
  const seen = new Set<string>();
  selection.scales.forEach((scale, i) => {
    // Never stringify arbitrary JSON here: a hostile project nests arrays deep enough to overflow the stack (found by fuzzing).
    const sigma: unknown = scale?.sigma;
    if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0 || sigma > MAX_SCALE) {
      problems.push(`scale ${i}: σ must be a number in (0, ${MAX_SCALE}], got ${typeof sigma === 'number' ? sigma : sigma === null ? 'null' : typeof sigma}`);
    }
    if (typeof scale?.in2D !== 'boolean') problems.push(`scale ${i}: in2D must be true or false`);
    const axisSigmas: unknown = scale?.pixelSigmas;
    if (axisSigmas !== undefined && !validAxisSigmas(axisSigmas)) problems.push(`scale ${i}: pixelSigmas must be {z, y, x} with σ in (0, ${MAX_PIXEL_SIGMA}] pixels`);
    const key = `${typeof sigma === 'number' ? sigma : typeof sigma}/${scale?.in2D === true}`;
    if (seen.has(key)) problems.push(`scale ${i}: σ=${scale?.sigma} appears twice`);
    seen.add(key);
  });
  const unit: unknown = selection.scaleUnit;
  if (unit !== undefined && unit !== 'pixels' && unit !== 'physical') problems.push('scaleUnit must be "pixels" or "physical"');
  const channels: unknown = selection.featureChannels;
  if (channels !== undefined) {
    if (!Array.isArray(channels) || channels.length === 0 || channels.length > MAX_FEATURE_CHANNELS
      || !channels.every((c, k) => Number.isInteger(c) && (c as number) >= 0 && (c as number) < MAX_FEATURE_CHANNELS && (k === 0 || (c as number) > (channels[k - 1] as number)))) {
      problems.push('featureChannels must be a non-empty ascending list of distinct channel indices (0-based), e.g. [0, 2]');
    }
  }
  for (const key of Object.keys(selection.selected)) {
    if (!(FEATURE_IDS as readonly string[]).includes(key)) problems.push(`unknown feature id "${key}"`);
  }
  for (const id of FEATURE_IDS) {
    const flags = selection.selected[id];
    if (flags === undefined) { problems.push(`selected.${id} is missing`); continue; }
    if (!Array.isArray(flags) || flags.length !== selection.scales.length) {
      problems.push(`selected.${id} must have one boolean per scale (${selection.scales.length})`);
      continue;
    }
    flags.forEach((on, i) => {
      if (typeof on !== 'boolean') problems.push(`selected.${id}[${i}] must be a boolean`);
      // ilastik's minimum scales are in pixels; σ in µm is checked per axis in pixels when resolved for an image.
      else if (on && selection.scaleUnit !== 'physical' && typeof selection.scales[i]?.sigma === 'number' && selection.scales[i].sigma < MIN_SCALE[id] - 1e-9) {
        problems.push(`${FEATURE_NAMES[id]} needs σ ≥ ${MIN_SCALE[id]}, scale ${i} has σ=${selection.scales[i].sigma}`);
      }
    });
  }
  return problems;
}

/** Largest per-axis σ in pixels a resolved scale may have (a physical σ over a tiny pixel). */
export const MAX_PIXEL_SIGMA = 1000;
/** Largest channel index accepted in `featureChannels`. */
export const MAX_FEATURE_CHANNELS = 1024;

function validAxisSigmas(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return (['z', 'y', 'x'] as const).every((a) => typeof o[a] === 'number' && Number.isFinite(o[a]) && (o[a] as number) > 0 && (o[a] as number) <= MAX_PIXEL_SIGMA);
}

/** The input channels that feed the features: `selection.featureChannels`, or all `nInputChannels`. */
export function inputChannelsOf(selection: FeatureSelection, nInputChannels: number): number[] {
  return selection.featureChannels ? [...selection.featureChannels] : Array.from({ length: nInputChannels }, (_, c) => c);
}

/** Throws an Error listing every problem of {@link validateSelection}. */
export function assertValidSelection(selection: FeatureSelection): void {
  const problems = validateSelection(selection);
  if (problems.length > 0) throw new Error(`invalid feature selection: ${problems.join('; ')}`);
}

/** A selected (family, scale) pair in channel order. */
export interface SelectedFeature {
  featureId: FeatureId;
  /** Index into `selection.scales`. */
  scaleIndex: number;
  sigma: number;
  in2D: boolean;
}

/**
 * Selected (family, scale) pairs in ilastik order: family (table order), then σ ascending.
 * Scales with equal σ keep their column order.
 */
export function selectedFeatures(selection: FeatureSelection, is3D: boolean): SelectedFeature[] {
  const order = selection.scales.map((_, i) => i).sort((a, b) => selection.scales[a].sigma - selection.scales[b].sigma || a - b);
  const out: SelectedFeature[] = [];
  for (const featureId of FEATURE_IDS) {
    for (const i of order) {
      if (!selection.selected[featureId]?.[i]) continue;
      out.push({ featureId, scaleIndex: i, sigma: selection.scales[i].sigma, in2D: !is3D || selection.scales[i].in2D });
    }
  }
  return out;
}

/**
 * The output channels of a selection in ilastik order: family, then σ ascending, then input channel,
 * then eigenvalue index (largest first). Only `selection.featureChannels` (when set) are input channels.
 * Names follow ilastik: `Gaussian Smoothing (σ=1.0)`,
 * `… in 2D` for a 2D scale on a 3D image, ` [k]` for the k-th eigenvalue; with several input
 * channels ` [channel c]` is inserted before the eigenvalue index.
 *
 * @example featureChannels(selectionAll(), 1, false).length === 49
 */
export function featureChannels(selection: FeatureSelection, nInputChannels: number, is3D: boolean): FeatureChannel[] {
  const out: FeatureChannel[] = [];
  const inputs = inputChannelsOf(selection, nInputChannels);
  for (const f of selectedFeatures(selection, is3D)) {
    const dims: 2 | 3 = f.in2D ? 2 : 3;
    const n = componentCount(f.featureId, dims);
    for (const inputChannel of inputs) {
      for (let component = 0; component < n; component++) {
        let name = `${FEATURE_NAMES[f.featureId]} (σ=${formatSigma(f.sigma)})`;
        if (is3D && f.in2D) name += ' in 2D';
        if (nInputChannels > 1) name += ` [channel ${inputChannel}]`;
        if (n > 1) name += ` [${component}]`;
        out.push({ featureId: f.featureId, sigma: f.sigma, in2D: is3D ? f.in2D : false, component, inputChannel, name });
      }
    }
  }
  return out;
}

/**
 * Largest σ in pixels of any selected feature (0 when nothing is selected): a resolved scale's largest per-axis σ
 * (`pixelSigmas`, physical units), else its σ.
 */
export function largestSelectedSigma(selection: FeatureSelection): number {
  let largest = 0;
  selection.scales.forEach((s, i) => {
    if (!FEATURE_IDS.some((id) => selection.selected[id]?.[i])) return;
    largest = Math.max(largest, s.pixelSigmas ? Math.max(s.pixelSigmas.z, s.pixelSigmas.y, s.pixelSigmas.x) : s.sigma);
  });
  return largest;
}

/**
 * Halo (pixels on each side) a block needs so that its features equal the whole-image ones:
 * 3 + ceil(3.5 · largest selected σ in pixels), as ilastik's presmoothed pipeline needs (an upper bound on every
 * axis; for a selection in physical units, resolve it with selectionForImage first). Use
 * {@link featureHaloZYX} (in computeFeatureBlock.ts) for the exact per-axis halo of a variant.
 */
export function featureHalo(selection: FeatureSelection): number {
  const sigma = largestSelectedSigma(selection);
  return sigma === 0 ? 0 : 3 + Math.ceil(3.5 * sigma);
}
