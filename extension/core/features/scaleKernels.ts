/**
 * The 1-D kernels of one scale column, per filtered axis (issue #15: anisotropic σ in physical units).
 * The engine (computeFeatureBlock.ts) and the ONNX export (onnx/featureGraph.ts) both take their kernels from
 * here, so they agree bit for bit.
 *
 * Per-axis rule: every axis a gets its own σ_a in pixels (`scale.pixelSigmas`, else the isotropic `scale.sigma`)
 * and every kernel rule of ilastik-features.md is applied to σ_a alone, with the same windows (truncation
 * radius max(1, floor(window·σ_a + 0.5)) per axis):
 * - direct: G/∂/∂² at σ_a (window 3.5), DoG's smaller Gaussian at 0.66·σ_a, structure-tensor outer 0.5·σ_a;
 * - ilastik (presmoothed): presmoothing at σp_a = √(σ_a² − 1) if σ_a > 1 else σ_a (window 3.5), then the
 *   families at σ'_a = min(σ_a, 1) (window 2.0), DoG at 0.66·σ'_a, outer 0.5·σ'_a. Since Gaussians compose
 *   (σ² adds), the effective scale along a is exactly σ_a when σ_a > 1 and √2·σ_a otherwise — per axis, the
 *   same statement ilastik makes for an isotropic scale. With all σ_a equal this is ilastik's pipeline exactly.
 */
import type { Axis } from './convolveAxis';
import type { AxisSigmas, FeatureScale, FeatureVariant } from './featureSet';
import { gaussianKernel, type Kernel1D } from './gaussianKernel';

/** Window (truncation, in σ) of the direct filters and of ilastik's presmoothing. */
export const DIRECT_WINDOW = 3.5;
/** Window of ilastik's small feature kernels (OpBaseFilter.window_size_feature). */
export const ILASTIK_FEATURE_WINDOW = 2.0;
/** DoG: G(σ) − G(0.66σ). */
export const DOG_RATIO = 0.66;
/** Structure tensor outer scale = 0.5 × inner scale (ilastik). */
export const STRUCTURE_TENSOR_OUTER_RATIO = 0.5;

/** Kernels of one scale along one axis. */
export interface AxisKernels {
  /** σ along this axis in pixels (before the ilastik split into presmoothing and feature scale). */
  sigma: number;
  /** ilastik variant only: the presmoothing Gaussian. */
  presmooth?: Kernel1D;
  /** '0' Gaussian, '1' first and '2' second derivative, 'd' the smaller DoG Gaussian. */
  k: Record<'0' | '1' | '2' | 'd', Kernel1D>;
  /** Structure-tensor outer smoothing. */
  outer: Kernel1D;
}

/** Kernels of one scale: the filtered axes in pass order (x, y[, z]) and each axis's kernels. */
export interface ScaleKernels {
  axes: Axis[];
  /** Indexed by axis (0 = z, 1 = y, 2 = x); only the filtered axes are set. */
  perAxis: Partial<Record<Axis, AxisKernels>>;
}

const AXIS_NAMES = ['z', 'y', 'x'] as const;

/** σ in pixels of `scale` along `axis`. */
export function axisSigma(scale: Pick<FeatureScale, 'sigma' | 'pixelSigmas'>, axis: Axis): number {
  return scale.pixelSigmas ? scale.pixelSigmas[AXIS_NAMES[axis]] : scale.sigma;
}

/** The kernels of σ (pixels) along one axis for `variant`. */
export function axisKernels(sigma: number, variant: FeatureVariant): AxisKernels {
  const sf = variant === 'ilastik' ? Math.min(sigma, 1) : sigma;
  const w = variant === 'ilastik' ? ILASTIK_FEATURE_WINDOW : DIRECT_WINDOW;
  return {
    sigma,
    presmooth: variant === 'ilastik' ? gaussianKernel(sigma > 1 ? Math.sqrt(sigma * sigma - 1) : sigma, 0, DIRECT_WINDOW) : undefined,
    k: { 0: gaussianKernel(sf, 0, w), 1: gaussianKernel(sf, 1, w), 2: gaussianKernel(sf, 2, w), d: gaussianKernel(DOG_RATIO * sf, 0, w) },
    outer: gaussianKernel(STRUCTURE_TENSOR_OUTER_RATIO * sf, 0, w),
  };
}

/**
 * Kernels of a scale column: x and y always, z too unless `in2D`.
 * @example scaleKernels({ sigma: 1, in2D: false, pixelSigmas: { z: 0.5, y: 2, x: 2 } }, false, 'direct').perAxis[0]!.k[0].radius === 2
 */
export function scaleKernels(scale: Pick<FeatureScale, 'sigma' | 'pixelSigmas'>, in2D: boolean, variant: FeatureVariant): ScaleKernels {
  const axes: Axis[] = in2D ? [2, 1] : [2, 1, 0];
  const perAxis: Partial<Record<Axis, AxisKernels>> = {};
  for (const axis of axes) perAxis[axis] = axisKernels(axisSigma(scale, axis), variant);
  return { axes, perAxis };
}

/** σ in pixels per axis of a physical σ: σ / pixel size (same unit) per axis. */
export function pixelSigmasFor(sigma: number, pixelSize: AxisSigmas): AxisSigmas {
  return { z: sigma / pixelSize.z, y: sigma / pixelSize.y, x: sigma / pixelSize.x };
}
