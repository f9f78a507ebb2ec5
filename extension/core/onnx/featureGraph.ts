/**
 * The filter bank of a feature selection as ONNX operators, reproducing extension/core/features exactly:
 * the same sampled kernels (gaussianKernel.ts, vigra's rules), the same separable passes in the same order
 * (x, then y, then z), the same border treatment (every pass mirrors its input at the image edge without
 * repeating the edge pixel, which is ONNX `Pad` mode "reflect" followed by an unpadded `Conv`), and the
 * eigenvalues in closed form with elementwise operators (symmetricEigenvalues.ts).
 *
 * Channel order equals featureChannels(): family, σ ascending, input channel, eigenvalue (largest first).
 */
import type { Axis } from '../features/convolveAxis';
import { componentCount, inputChannelsOf, selectedFeatures, type FeatureId, type FeatureSelection, type FeatureVariant } from '../features/featureSet';
import type { Kernel1D } from '../features/gaussianKernel';
import { scaleKernels, type ScaleKernels } from '../features/scaleKernels';
import type { OnnxGraphBuilder } from './onnxGraphBuilder';

/** What the feature part of the graph computes. */
export interface FeatureGraphOptions {
  /**
   * Selection as used for training (resolved for the reference image by selectionForImage: 2D fallback for
   * z-stacks, per-axis σ in physical mode, feature channels).
   */
  selection: FeatureSelection;
  /** @default 'ilastik' */
  variant?: FeatureVariant;
  /** 2: input [1, C, Y, X]; 3: input [1, C, Z, Y, X]. */
  spatialDims: 2 | 3;
  nInputChannels: number;
}

/** Emits the filter operators of one graph; one instance per graph. */
class FilterEmitter {
  private readonly rank: number;

  constructor(private readonly b: OnnxGraphBuilder, private readonly spatialDims: 2 | 3) {
    this.rank = 2 + spatialDims;
  }

  private onnxAxis(axis: Axis): number {
    const a = this.spatialDims === 3 ? 2 + axis : 1 + axis;
    if (a < 2) throw new RangeError('a 2D graph cannot filter along z');
    return a;
  }

  /** One 1-D pass: mirror-pad by the radius along the axis, then a valid correlation with the coefficients. */
  pass(input: string, axis: Axis, kernel: Kernel1D): string {
    const a = this.onnxAxis(axis);
    const pads = new Array<number>(2 * this.rank).fill(0);
    pads[a] = kernel.radius;
    pads[this.rank + a] = kernel.radius;
    const padded = this.b.op1('Pad', [input, this.b.ints(pads, 'pads')], { mode: { s: 'reflect' } }, 'padded');
    const dims = new Array<number>(this.rank).fill(1);
    dims[a] = kernel.coefficients.length;
    const weights = this.b.float(kernel.coefficients, dims, `k_s${kernel.sigma}_o${kernel.order}_w${kernel.window}`.replace(/\./g, 'p'));
    return this.b.op1('Conv', [padded, weights], undefined, 'filtered');
  }

  /** Passes along `axes` in order, one kernel each. */
  separable(input: string, axes: Axis[], kernels: Kernel1D[]): string {
    let value = input;
    axes.forEach((axis, i) => { value = this.pass(value, axis, kernels[i]); });
    return value;
  }
}

/** Eigenvalues of [[a, b], [b, c]], larger first (symmetricEigenvalues2). */
function eigen2(b: OnnxGraphBuilder, a: string, off: string, c: string): string[] {
  const mean = b.scale(b.add(a, c), 0.5);
  const half = b.scale(b.sub(a, c), 0.5);
  const d = b.sqrt(b.add(b.square(half), b.square(off)));
  return [b.add(mean, d), b.sub(mean, d)];
}

/**
 * Eigenvalues of a symmetric 3×3 matrix, largest first, with the trigonometric closed form of
 * symmetricEigenvalues3: shift by q = trace/3, scale by p, half-determinant clamped to [−1, 1],
 * roots from cos φ and sin φ, the diagonal case selected exactly with `Where`, a min/max sorting network.
 */
function eigen3(b: OnnxGraphBuilder, a11: string, a12: string, a13: string, a22: string, a23: string, a33: string): string[] {
  const p1 = b.add(b.add(b.square(a12), b.square(a13)), b.square(a23));
  const q = b.div(b.add(b.add(a11, a22), a33), b.float(3));
  const b11 = b.sub(a11, q), b22 = b.sub(a22, q), b33 = b.sub(a33, q);
  const p2 = b.add(b.add(b.add(b.square(b11), b.square(b22)), b.square(b33)), b.scale(p1, 2));
  const zero = b.float(0);
  const diagonal = b.op1('Or', [b.op1('Equal', [p1, zero]), b.op1('Equal', [p2, zero])], undefined, 'diagonal');
  const p = b.sqrt(b.div(p2, b.float(6)));
  const inv = b.op1('Reciprocal', [p]);
  const c11 = b.mul(b11, inv), c22 = b.mul(b22, inv), c33 = b.mul(b33, inv);
  const c12 = b.mul(a12, inv), c13 = b.mul(a13, inv), c23 = b.mul(a23, inv);
  const t1 = b.mul(c11, b.sub(b.mul(c22, c33), b.mul(c23, c23)));
  const t2 = b.mul(c12, b.sub(b.mul(c12, c33), b.mul(c23, c13)));
  const t3 = b.mul(c13, b.sub(b.mul(c12, c23), b.mul(c22, c13)));
  const r = b.op1('Clip', [b.scale(b.add(b.sub(t1, t2), t3), 0.5), b.float(-1), b.float(1)]);
  const c = b.op1('Cos', [b.div(b.op1('Acos', [r]), b.float(3))]);
  const sn = b.scale(b.sqrt(b.op1('Max', [zero, b.sub(b.float(1), b.square(c))])), Math.sqrt(3));
  const e0 = b.add(q, b.mul(b.scale(p, 2), c));
  const e1 = b.sub(q, b.mul(p, b.sub(c, sn)));
  const e2 = b.sub(q, b.mul(p, b.add(c, sn)));
  const where = (x: string, y: string) => b.op1('Where', [diagonal, x, y]);
  const f0 = where(a11, e0), f1 = where(a22, e1), f2 = where(a33, e2);
  const hi = b.op1('Max', [f0, f1, f2]);
  const lo = b.op1('Min', [f0, f1, f2]);
  const mid = b.op1('Max', [b.op1('Min', [f0, f1]), b.op1('Min', [b.op1('Max', [f0, f1]), f2])]);
  return [hi, mid, lo];
}

/** Feature tensors of one (scale, input channel): family → component tensors [1, 1, spatial…]. */
function scaleFeatures(
  b: OnnxGraphBuilder, filters: FilterEmitter, source: string, kernels: ScaleKernels, families: Set<FeatureId>,
): Map<FeatureId, string[]> {
  const { axes } = kernels;
  const dims = axes.length;
  const per = (axis: Axis) => kernels.perAxis[axis]!;
  const base = per(axes[0]).presmooth ? filters.separable(source, axes, axes.map((a) => per(a).presmooth!)) : source;
  // Derivative combinations, one char per filtered axis in pass order (as computeFeatureBlock), sharing prefixes.
  const prefixes = new Map<string, string>([['', base]]);
  const combo = (key: string): string => {
    const hit = prefixes.get(key);
    if (hit) return hit;
    const parent = combo(key.slice(0, -1));
    const value = filters.pass(parent, axes[key.length - 1], per(axes[key.length - 1]).k[key[key.length - 1] as '0' | '1' | '2' | 'd']);
    prefixes.set(key, value);
    return value;
  };
  const unit = (pos: number, order: string): string => axes.map((_, i) => (i === pos ? order : '0')).join('');
  const pair = (i: number, j: number): string => axes.map((_, k) => String((k === i ? 1 : 0) + (k === j ? 1 : 0))).join('');
  const out = new Map<FeatureId, string[]>();
  const smooth = unit(-1, '0');
  if (families.has('GaussianSmoothing')) out.set('GaussianSmoothing', [combo(smooth)]);
  if (families.has('DifferenceOfGaussians')) out.set('DifferenceOfGaussians', [b.sub(combo(smooth), combo(axes.map(() => 'd').join('')))]);
  if (families.has('LaplacianOfGaussian')) {
    const seconds = axes.map((_, i) => combo(unit(i, '2')));
    out.set('LaplacianOfGaussian', [seconds.slice(1).reduce((sum, s) => b.add(sum, s), seconds[0])]);
  }
  if (families.has('HessianOfGaussianEigenvalues')) {
    const h = (i: number, j: number) => combo(i === j ? unit(i, '2') : pair(i, j));
    out.set('HessianOfGaussianEigenvalues', dims === 2
      ? eigen2(b, h(0, 0), h(0, 1), h(1, 1))
      : eigen3(b, h(0, 0), h(0, 1), h(0, 2), h(1, 1), h(1, 2), h(2, 2)));
  }
  const firsts = () => axes.map((_, i) => combo(unit(i, '1')));
  if (families.has('GaussianGradientMagnitude')) {
    const g = firsts();
    out.set('GaussianGradientMagnitude', [b.sqrt(g.slice(1).reduce((sum, d) => b.add(sum, b.square(d)), b.square(g[0])))]);
  }
  if (families.has('StructureTensorEigenvalues')) {
    const g = firsts();
    const t: string[] = [];
    for (let i = 0; i < dims; i++) {
      for (let j = i; j < dims; j++) t.push(filters.separable(b.mul(g[i], g[j]), axes, axes.map((a) => per(a).outer)));
    }
    out.set('StructureTensorEigenvalues', dims === 2 ? eigen2(b, t[0], t[1], t[2]) : eigen3(b, t[0], t[1], t[2], t[3], t[4], t[5]));
  }
  return out;
}

/**
 * Adds the feature computation to `b`: from `input` (float32 [1, C, (Z,) Y, X], raw intensities) to a
 * [1, F, (Z,) Y, X] tensor of features in ilastik channel order. Returns its name and F.
 */
export function addFeatureGraph(b: OnnxGraphBuilder, input: string, options: FeatureGraphOptions): { features: string; count: number } {
  const variant = options.variant ?? 'ilastik';
  const is3D = options.spatialDims === 3;
  const nInput = options.nInputChannels;
  const all = nInput === 1 ? [input] : b.op('Split', [input], { axis: { i: 1 } }, { nOutputs: nInput, hint: 'channel' });
  // Only the selection's feature channels are filtered (the input keeps every channel of the image).
  const used = inputChannelsOf(options.selection, nInput);
  if (used.some((c) => c >= nInput)) throw new RangeError(`featureChannels ${used.join(', ')} do not exist in ${nInput}-channel images`);
  const channels = used.map((c) => all[c]);
  const filters = new FilterEmitter(b, options.spatialDims);
  const selected = selectedFeatures(options.selection, is3D);
  // Families per scale column, then every scale computed once per input channel.
  const families = new Map<number, Set<FeatureId>>();
  for (const f of selected) {
    if (!families.has(f.scaleIndex)) families.set(f.scaleIndex, new Set());
    families.get(f.scaleIndex)!.add(f.featureId);
  }
  const computed = new Map<string, Map<FeatureId, string[]>>();
  for (const f of selected) {
    const key0 = `${f.scaleIndex}/0`;
    if (computed.has(key0)) continue;
    const kernels = scaleKernels(options.selection.scales[f.scaleIndex], f.in2D, variant);
    channels.forEach((channel, c) => computed.set(`${f.scaleIndex}/${c}`, scaleFeatures(b, filters, channel, kernels, families.get(f.scaleIndex)!)));
  }
  const ordered: string[] = [];
  for (const f of selected) {
    const n = componentCount(f.featureId, f.in2D ? 2 : 3);
    for (let c = 0; c < channels.length; c++) {
      const components = computed.get(`${f.scaleIndex}/${c}`)!.get(f.featureId)!;
      if (components.length !== n) throw new Error(`internal: ${f.featureId} gave ${components.length} components, expected ${n}`);
      ordered.push(...components);
    }
  }
  if (ordered.length === 0) throw new RangeError('the feature selection is empty');
  const features = ordered.length === 1 ? ordered[0] : b.op1('Concat', ordered, { axis: { i: 1 } }, 'features');
  return { features, count: ordered.length };
}
