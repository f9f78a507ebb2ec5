/**
 * ilastik's feature grid as pure data operations for the features panel (no DOM): presets, scale column
 * edits, channel count and memory estimate.
 *
 * The feature ids, their order and ilastik's default scales mirror extension/core/features (the webview
 * may not import the engine); the host validates every selection it receives.
 */
import type { FeatureSelectionData } from '../../extension/protocol';

/** The six feature families in ilastik order. */
export const FEATURE_FAMILIES = [
  { id: 'GaussianSmoothing', name: 'Gaussian Smoothing', short: 'Gaussian', channels2D: 1, channels3D: 1 },
  { id: 'LaplacianOfGaussian', name: 'Laplacian of Gaussian', short: 'Laplacian', channels2D: 1, channels3D: 1 },
  { id: 'GaussianGradientMagnitude', name: 'Gaussian Gradient Magnitude', short: 'Gradient mag.', channels2D: 1, channels3D: 1 },
  { id: 'DifferenceOfGaussians', name: 'Difference of Gaussians', short: 'DoG', channels2D: 1, channels3D: 1 },
  { id: 'StructureTensorEigenvalues', name: 'Structure Tensor Eigenvalues', short: 'Structure tensor', channels2D: 2, channels3D: 3 },
  { id: 'HessianOfGaussianEigenvalues', name: 'Hessian of Gaussian Eigenvalues', short: 'Hessian', channels2D: 2, channels3D: 3 },
] as const;

/** ilastik's default scale columns (σ in pixels). */
export const DEFAULT_SIGMAS = [0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0] as const;

/** Smallest σ every family accepts; below it only Gaussian smoothing is meaningful (ilastik greys those cells out). */
export const MIN_SIGMA_ALL_FAMILIES = 0.7;
/** Range of σ a user may enter. */
export const SIGMA_RANGE = { min: 0.3, max: 100 } as const;

/** Smallest σ (µm) a user may enter in physical units; each axis must still give ≥ 0.1 pixel (checked by the host). */
export const PHYSICAL_SIGMA_MIN = 0.001;

/**
 * True when family `id` may be selected at σ (ilastik: σ < 0.7 only for Gaussian smoothing). In physical units
 * every cell is allowed: ilastik's minimum is in pixels, and σ in µm becomes pixels only per image and axis.
 */
export function cellAllowed(id: string, sigma: number, physical = false): boolean {
  return physical || id === 'GaussianSmoothing' || sigma >= MIN_SIGMA_ALL_FAMILIES;
}

/** The σ a user may enter for `sel`: ilastik's range in pixels; down to {@link PHYSICAL_SIGMA_MIN} µm in physical units. */
export function sigmaRange(sel: Pick<FeatureSelectionData, 'scaleUnit'>): { min: number; max: number } {
  return sel.scaleUnit === 'physical' ? { min: PHYSICAL_SIGMA_MIN, max: SIGMA_RANGE.max } : SIGMA_RANGE;
}

function defaultScales(): FeatureSelectionData['scales'] {
  return DEFAULT_SIGMAS.map((sigma) => ({ sigma, in2D: true }));
}

/** No feature selected, default scales. */
export function presetNone(): FeatureSelectionData {
  const scales = defaultScales();
  const selected: Record<string, boolean[]> = {};
  for (const f of FEATURE_FAMILIES) selected[f.id] = scales.map(() => false);
  return { scales, selected };
}

/** `target` with the scale unit and feature channels of `from` (the grid edits keep them). */
export function withSettings(target: FeatureSelectionData, from: FeatureSelectionData): FeatureSelectionData {
  return {
    ...target,
    ...(from.scaleUnit === 'physical' ? { scaleUnit: 'physical' as const } : {}),
    ...(from.featureChannels ? { featureChannels: [...from.featureChannels] } : {}),
  };
}

/** The channels that feed the features by default: all but alpha (unless alpha is the only one). */
export function defaultFeatureChannels(nChannels: number, alpha?: number): number[] {
  const all = Array.from({ length: nChannels }, (_, k) => k);
  const rest = all.filter((k) => k !== alpha);
  return rest.length > 0 ? rest : all;
}

/** The input channels a selection uses on an image of `nChannels` channels (alpha `alpha`). */
export function usedChannels(sel: FeatureSelectionData, nChannels: number, alpha?: number): number[] {
  return sel.featureChannels ? sel.featureChannels.filter((k) => k < nChannels) : defaultFeatureChannels(nChannels, alpha);
}

/**
 * Checks or unchecks channel `channel`; the last checked channel cannot be unchecked. The default set (all but
 * alpha) is stored as no `featureChannels` key, so the project stays unchanged until the user deviates from it.
 */
export function toggleChannel(sel: FeatureSelectionData, channel: number, on: boolean, nChannels: number, alpha?: number): FeatureSelectionData {
  const current = new Set(usedChannels(sel, nChannels, alpha));
  if (on) current.add(channel); else current.delete(channel);
  if (current.size === 0) return normalizeSelection(sel);
  const list = [...current].sort((a, b) => a - b);
  const norm = normalizeSelection(sel);
  const isDefault = JSON.stringify(list) === JSON.stringify(defaultFeatureChannels(nChannels, alpha));
  const { featureChannels: _old, ...rest } = norm;
  return isDefault ? rest : { ...rest, featureChannels: list };
}

/** Switches σ between pixels and physical units (µm). */
export function setScaleUnit(sel: FeatureSelectionData, physical: boolean): FeatureSelectionData {
  const { scaleUnit: _old, ...rest } = normalizeSelection(sel);
  return physical ? { ...rest, scaleUnit: 'physical' } : rest;
}

/** ilastik's "all": every allowed cell of the default scales (49 channels for one 2D input channel). */
export function presetAll(): FeatureSelectionData {
  const scales = defaultScales();
  const selected: Record<string, boolean[]> = {};
  for (const f of FEATURE_FAMILIES) selected[f.id] = scales.map((s) => cellAllowed(f.id, s.sigma));
  return { scales, selected };
}

/** A light default: σ 0.7, 1.6 and 3.5 for every family, plus Gaussian smoothing at 0.3 (13 channels in 2D). */
export function presetLight(): FeatureSelectionData {
  const scales = defaultScales();
  const picked = new Set([0.7, 1.6, 3.5]);
  const selected: Record<string, boolean[]> = {};
  for (const f of FEATURE_FAMILIES) {
    selected[f.id] = scales.map((s) => picked.has(s.sigma) || (f.id === 'GaussianSmoothing' && s.sigma === 0.3));
  }
  return { scales, selected };
}

/** Deep copy with every family present and every row as long as `scales` (missing cells are false). */
export function normalizeSelection(sel: FeatureSelectionData): FeatureSelectionData {
  const scales = sel.scales.map((s) => ({ sigma: s.sigma, in2D: s.in2D }));
  const selected: Record<string, boolean[]> = {};
  for (const f of FEATURE_FAMILIES) {
    const row = sel.selected[f.id] ?? [];
    selected[f.id] = scales.map((s, i) => row[i] === true && cellAllowed(f.id, s.sigma, sel.scaleUnit === 'physical'));
  }
  return withSettings({ scales, selected }, sel);
}

/** Adds a scale column (kept sorted by σ); no-op if σ already exists or is out of range. */
export function addScale(sel: FeatureSelectionData, sigma: number, in2D = true): FeatureSelectionData {
  const range = sigmaRange(sel);
  if (!(sigma >= range.min && sigma <= range.max)) return sel;
  if (sel.scales.some((s) => Math.abs(s.sigma - sigma) < 1e-9)) return sel;
  const norm = normalizeSelection(sel);
  const index = norm.scales.findIndex((s) => s.sigma > sigma);
  const at = index < 0 ? norm.scales.length : index;
  norm.scales.splice(at, 0, { sigma, in2D });
  for (const f of FEATURE_FAMILIES) norm.selected[f.id].splice(at, 0, false);
  return norm;
}

/** Removes scale column `index`. */
export function removeScale(sel: FeatureSelectionData, index: number): FeatureSelectionData {
  const norm = normalizeSelection(sel);
  if (index < 0 || index >= norm.scales.length) return norm;
  norm.scales.splice(index, 1);
  for (const f of FEATURE_FAMILIES) norm.selected[f.id].splice(index, 1);
  return norm;
}

/** Changes σ of column `index` (re-sorted; selection moves with the column; disallowed cells drop). */
export function editScale(sel: FeatureSelectionData, index: number, sigma: number): FeatureSelectionData {
  const norm = normalizeSelection(sel);
  if (index < 0 || index >= norm.scales.length) return norm;
  const range = sigmaRange(norm);
  if (!(sigma >= range.min && sigma <= range.max)) return norm;
  if (norm.scales.some((s, i) => i !== index && Math.abs(s.sigma - sigma) < 1e-9)) return norm;
  const cols = norm.scales.map((s, i) => ({ scale: i === index ? { ...s, sigma } : s, cells: FEATURE_FAMILIES.map((f) => norm.selected[f.id][i]) }));
  cols.sort((a, b) => a.scale.sigma - b.scale.sigma);
  return normalizeSelection(withSettings({
    scales: cols.map((c) => c.scale),
    selected: Object.fromEntries(FEATURE_FAMILIES.map((f, k) => [f.id, cols.map((c) => c.cells[k])])),
  }, norm));
}

/**
 * Feature channels of a selection: per selected cell, the family's component count (2D: 1,1,1,1,2,2;
 * 3D: 1,1,1,1,3,3 — a column is 3D when the image has z > 1 and the column's in2D flag is off), times the
 * number of input channels that feed the features (see {@link usedChannels}).
 */
export function channelCount(sel: FeatureSelectionData, nInputChannels: number, hasZ: boolean): number {
  let n = 0;
  for (const f of FEATURE_FAMILIES) {
    const row = sel.selected[f.id] ?? [];
    sel.scales.forEach((s, i) => {
      if (row[i]) n += hasZ && !s.in2D ? f.channels3D : f.channels2D;
    });
  }
  return n * nInputChannels;
}

/** Feature memory of one plane: channels × plane pixels × 4 bytes (float32). */
export function memoryEstimate(channels: number, width: number, height: number): number {
  return channels * width * height * 4;
}

/** Two selections are identical. */
export function sameSelection(a: FeatureSelectionData, b: FeatureSelectionData): boolean {
  return JSON.stringify(normalizeSelection(a)) === JSON.stringify(normalizeSelection(b));
}
