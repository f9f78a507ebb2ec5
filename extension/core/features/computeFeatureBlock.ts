/**
 * The feature engine (issue #3): ilastik's six filter families on one block of one time point,
 * 2D or true 3D, for every input channel, in ilastik's channel order.
 *
 * Two variants (see ../shared/reference/ilastik-features.md):
 * - `ilastik` (what the product computes): per scale s, presmooth once with G(σp), σp = √(s²−1) for
 *   s > 1 else s, window 3.5; then every family at σ' = min(s, 1) with window 2.0.
 * - `direct`: every family at σ with window 3.5 (the mathematical definitions; golden tests).
 *
 * All filters are separable Gaussian-derivative passes (convolveAxis.ts) with mirror borders at the
 * image edge. Passes are shared across families at the same scale: the x-pass results feed every
 * y-pass that needs them, and so on (e.g. ∂x feeds both the gradient magnitude and the structure
 * tensor, ∂²x both the LoG and the Hessian).
 *
 * Two implementations of every kernel, chosen by the scratch: WebAssembly SIMD (extension/wasm/
 * featureKernels.ts, the default: the block's source is copied once into the kernels' memory and every
 * intermediate lives there) and TypeScript (`new FeatureScratch({ wasm: false })`, or no WebAssembly).
 * Both give the same values bit for bit, except the 3×3 eigenvalues (polynomial arccos/cos in
 * WebAssembly: within 1e-6 of max|ev|, far inside the golden tolerance).
 *
 * Region contract: the source block must cover the target grown by {@link featureHaloZYX} (clipped
 * to the image). Every intermediate is computed only where it is valid, so the target pixels equal
 * the whole-image computation exactly, wherever the block lies.
 */
import { boxContains, boxEquals, boxInside, boxVolume, formatBox, growBox, type Box, type Margins, type VolumeShape } from './box';
import { convolveAxis, convolveAxisMulti, type Axis } from './convolveAxis';
import {
  assertValidSelection, componentCount, FEATURE_IDS, formatSigma, inputChannelsOf, selectedFeatures,
  type FeatureId, type FeatureSelection, type FeatureVariant,
} from './featureSet';
import type { Kernel1D } from './gaussianKernel';
import { scaleKernels, type AxisKernels } from './scaleKernels';
import { symmetricEigenvalues3 } from './symmetricEigenvalues';
import { existingWasmFeatureKernels, releaseWasmFeatureKernels, WASM_ARENA_BASE, wasmFeatureKernels, type ReadLayout, type WasmFeatureKernels } from './wasmFeatureKernels';

export { DIRECT_WINDOW, DOG_RATIO, ILASTIK_FEATURE_WINDOW, STRUCTURE_TENSOR_OUTER_RATIO } from './scaleKernels';

/** A scale that cannot be computed on this image: its kernel is longer than an image axis. */
export class FeatureScaleError extends Error {
  constructor(readonly problems: ScaleProblem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'FeatureScaleError';
  }
}

/** Why one scale does not fit along one axis. */
export interface ScaleProblem {
  scaleIndex: number;
  sigma: number;
  axis: 'z' | 'y' | 'x';
  /** Longest kernel radius used along that axis (pixels). */
  radius: number;
  /** Image length along that axis. */
  length: number;
  message: string;
}

/** Floats of padding after every arena buffer (the SIMD kernels write/read one past a row end). */
const ARENA_PAD = 4;
/** Upper bound of arena buffers alive at once (3D: the derivative tree plus the structure tensor), used to reserve memory. */
const ARENA_MAX_LIVE = 32;

/**
 * Reusable float32 buffers of the engine. Keep one per thread: every fresh large allocation costs page
 * faults, which dominate on small VMs.
 *
 * Two modes:
 * - WebAssembly (default when available): buffers are carved from the memory of this thread's SIMD
 *   kernels (wasmFeatureKernels.ts), so every filter pass runs there without copies. A bump arena that
 *   restarts whenever no buffer is in use (between scales), with best-fit reuse in between; the memory
 *   is reserved generously per block but only the pages actually used are ever touched.
 * - TypeScript (`{ wasm: false }`, or no WebAssembly): a free list of Float32Arrays, bounded by the
 *   peak number alive at once (about 14 in 3D), each sized for the largest block seen.
 */
export class FeatureScratch {
  private readonly free: Float32Array[] = [];
  private readonly owners = new Map<ArrayBufferLike, Float32Array>();
  private readonly useWasm: boolean;
  private wasm: WasmFeatureKernels | null = null;
  // Arena state (WebAssembly mode): byte offsets into the kernels' memory.
  private arenaFree: { address: number; capacity: number }[] = [];
  private readonly arenaLive = new Map<number, number>();
  private pinnedTop = WASM_ARENA_BASE;
  private top = WASM_ARENA_BASE;
  private arenaEnd = 0;
  private highWater = 0;

  /** @param options.wasm use the WebAssembly kernels when available (default true) */
  constructor(options: { wasm?: boolean } = {}) {
    this.useWasm = options.wasm !== false;
  }

  /** True when blocks will be computed by the WebAssembly kernels (requested and available). */
  get usesWasm(): boolean {
    return this.useWasm && wasmFeatureKernels() !== null;
  }

  /**
   * WebAssembly mode: starts a block; frees everything and reserves `bytes` of arena (virtual memory).
   * @returns false when the memory cannot be reserved (the block must then use a TypeScript scratch)
   */
  beginBlock(bytes: number): boolean {
    this.wasm = this.useWasm ? wasmFeatureKernels() : null;
    if (!this.wasm) return false;
    this.arenaFree = [];
    this.arenaLive.clear();
    this.pinnedTop = this.top = WASM_ARENA_BASE;
    if (!this.wasm.reserve(WASM_ARENA_BASE + bytes + 65536)) return false;
    this.arenaEnd = WASM_ARENA_BASE + bytes;
    return true;
  }

  /** WebAssembly mode: a buffer that lives until the next {@link beginBlock} (the block's source). */
  pin(length: number): Float32Array {
    if (this.arenaLive.size > 0) throw new Error('FeatureScratch.pin: buffers are in use');
    const address = this.top;
    this.top = this.pinnedTop = address + 4 * (Math.ceil(length / 4) * 4 + ARENA_PAD);
    if (this.top > this.arenaEnd) throw new RangeError('FeatureScratch.pin: arena exhausted');
    
    this.highWater = Math.max(this.highWater, this.top);
    return new Float32Array(this.wasm!.memory.buffer, address, length);
  }

  /** A view of exactly `length` elements; give it back with {@link release}. Contents are garbage. */
  acquire(length: number): Float32Array {
    if (this.wasm && this.arenaEnd > 0) {
      if (this.arenaLive.size === 0) {
        // Nothing in use: restart the arena, so its extent is the peak of one scale, not their sum.
        this.arenaFree = [];
        this.top = this.pinnedTop;
      }
      let best = -1;
      for (let i = 0; i < this.arenaFree.length; i++) {
        const cap = this.arenaFree[i].capacity;
        if (cap >= length && (best < 0 || cap < this.arenaFree[best].capacity)) best = i;
      }
      let address: number, capacity: number;
      if (best >= 0) {
        ({ address, capacity } = this.arenaFree.splice(best, 1)[0]);
      } else {
        capacity = Math.ceil(length / 4) * 4;
        address = this.top;
        if (address + 4 * (capacity + ARENA_PAD) > this.arenaEnd) return this.acquireHeap(length);
        this.top = address + 4 * (capacity + ARENA_PAD);
        this.highWater = Math.max(this.highWater, this.top);
      }
      this.arenaLive.set(address, capacity);
      return new Float32Array(this.wasm.memory.buffer, address, length);
    }
    return this.acquireHeap(length);
  }

  private acquireHeap(length: number): Float32Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const cap = this.free[i].length;
      if (cap >= length && (best < 0 || cap < this.free[best].length)) best = i;
    }
    let full: Float32Array;
    if (best >= 0) {
      full = this.free.splice(best, 1)[0];
    } else {
      // Replace the largest too-small free buffer (if any) so the pool does not keep growing.
      if (this.free.length > 0) {
        let largest = 0;
        for (let i = 1; i < this.free.length; i++) if (this.free[i].length > this.free[largest].length) largest = i;
        this.owners.delete(this.free.splice(largest, 1)[0].buffer);
      }
      full = new Float32Array(Math.ceil(length * 1.25) + 64);
      this.owners.set(full.buffer, full);
    }
    return full.subarray(0, length);
  }

  /** Returns a buffer from {@link acquire} to the pool. */
  release(view: Float32Array): void {
    if (this.wasm && view.buffer === this.wasm.memory.buffer) {
      const capacity = this.arenaLive.get(view.byteOffset);
      if (capacity !== undefined) {
        this.arenaLive.delete(view.byteOffset);
        this.arenaFree.push({ address: view.byteOffset, capacity });
      }
      return;
    }
    const full = this.owners.get(view.buffer);
    if (full && !this.free.includes(full)) this.free.push(full);
  }

  /** Bytes currently held (TypeScript buffers plus the arena's touched extent). */
  get bytes(): number {
    let n = this.highWater > 0 ? this.highWater - WASM_ARENA_BASE : 0;
    for (const b of this.owners.values()) n += b.byteLength;
    return n;
  }

  /**
   * Drops every buffer (e.g. when a worker goes idle); in WebAssembly mode also this thread's kernel
   * instance and its memory (the next block creates a fresh one). Not while a block is being computed.
   */
  clear(): void {
    this.free.length = 0;
    this.owners.clear();
    if (this.wasm) {
      this.wasm = null;
      this.arenaFree = [];
      this.arenaLive.clear();
      this.arenaEnd = 0;
      this.highWater = 0;
      releaseWasmFeatureKernels();
    }
  }
}

const defaultScratch = new FeatureScratch();
/** TypeScript-mode scratch for blocks whose arena cannot be reserved. */
const heapScratch = new FeatureScratch({ wasm: false });

/** Input of {@link computeFeatureBlock}. */
export interface FeatureBlockRequest {
  selection: FeatureSelection;
  /** @default 'ilastik' */
  variant?: FeatureVariant;
  /** Extent of the whole image (one time point). `z === 1` means a 2D image. */
  image: VolumeShape;
  /** Number of input channels in `source`. @default 1 */
  nInputChannels?: number;
  /** Raw pixels as float32, layout [channel][z][y][x] of `sourceBox`. */
  source: Float32Array;
  /** Box `source` covers; must contain {@link requiredSourceBox}(target). */
  sourceBox: Box;
  /** Pixels to compute. */
  target: Box;
  /** Where to write, layout [featureChannel][z][y][x] of `resultBox`. Allocated when absent. */
  result?: Float32Array;
  /**
   * Return the features as a view of this thread's WebAssembly kernel memory, valid only until the next block computed
   * on this thread (its memory may then grow, or be reused). The kernels then write most channels in place, which
   * saves copying them out (about a tenth of a batch's time) and the memory of a separate result. Ignored (a result
   * is allocated) with a `result`, a `resultBox` other than the target, a `sink`, or without the WebAssembly kernels.
   */
  resultInKernelMemory?: boolean;
  /** Box `result` covers (contains `target`). @default target */
  resultBox?: Box;
  /** Buffers to reuse. @default a module-wide scratch */
  scratch?: FeatureScratch;
  /** Called between scales/channels; throw to abandon the block (cancellation). */
  checkCancelled?: () => void;
  /**
   * Receives each output channel of the target as a contiguous [z][y][x] plane, instead of writing into
   * `result` (which is then neither allocated nor written; the function returns an empty array). The plane
   * is only valid during the call (it is working memory of the engine): write it out or copy it.
   * Used to stream features straight into a file without an output volume in memory.
   */
  sink?: FeaturePlaneSink;
}

/** Consumer of one output channel of a block: `plane` is the target's [z][y][x], valid during the call only. */
export type FeaturePlaneSink = (channel: number, plane: Float32Array) => void;

interface ScalePlan {
  scaleIndex: number;
  sigma: number;
  /** Axes filtered, in pass order (x, y[, z]). */
  axes: Axis[];
  families: Set<FeatureId>;
  /** ilastik variant: presmoothing first. */
  presmoothed: boolean;
  /** Kernels per filtered axis (per-axis σ in physical mode, see scaleKernels.ts). */
  perAxis: Partial<Record<Axis, AxisKernels>>;
  /** Whether the structure tensor's outer smoothing is needed (it widens the halo). */
  outerUsed: boolean;
}

function planScales(selection: FeatureSelection, variant: FeatureVariant, is3D: boolean): ScalePlan[] {
  if (selection.scaleUnit === 'physical' && selectedFeatures(selection, is3D).some((f) => !selection.scales[f.scaleIndex].pixelSigmas)) {
    throw new RangeError('feature scales are in physical units but were not resolved for this image\'s pixel size (use selectionForImage)');
  }
  const byScale = new Map<number, ScalePlan>();
  for (const f of selectedFeatures(selection, is3D)) {
    let plan = byScale.get(f.scaleIndex);
    if (!plan) {
      const kernels = scaleKernels(selection.scales[f.scaleIndex], f.in2D, variant);
      plan = {
        scaleIndex: f.scaleIndex, sigma: f.sigma, axes: kernels.axes, families: new Set(),
        presmoothed: variant === 'ilastik', perAxis: kernels.perAxis, outerUsed: false,
      };
      byScale.set(f.scaleIndex, plan);
    }
    plan.families.add(f.featureId);
    if (f.featureId === 'StructureTensorEigenvalues') plan.outerUsed = true;
  }
  return [...byScale.values()];
}

type KernelPart = 'pre' | 'small' | 'outer';

/** Radius of one kernel part of `plan` along `axis` (0 when that part is not used). */
function partRadius(plan: ScalePlan, axis: Axis, part: KernelPart): number {
  const k = plan.perAxis[axis];
  if (!k) return 0;
  if (part === 'pre') return k.presmooth?.radius ?? 0;
  if (part === 'outer') return plan.outerUsed ? k.outer.radius : 0;
  return Math.max(k.k[0].radius, k.k[1].radius, k.k[2].radius, k.k.d.radius);
}

/** Per-axis margins: the sum of the radii of `parts` along each filtered axis (0 on the others). */
function margins(plan: ScalePlan, ...parts: KernelPart[]): Margins {
  const along = (axis: Axis): number => (plan.axes.includes(axis) ? parts.reduce((sum, p) => sum + partRadius(plan, axis, p), 0) : 0);
  return { z: along(0), y: along(1), x: along(2) };
}

/**
 * Exact halo (pixels per side, per axis) a block needs for `selection` with `variant`:
 * the sum of the kernel radii chained at the largest scale (presmoothing, feature kernel,
 * structure-tensor outer smoothing). For the ilastik variant this never exceeds
 * {@link featureHalo} = 3 + ceil(3.5·σmax). z is 0 for 2D images and for scales computed in 2D.
 */
export function featureHaloZYX(selection: FeatureSelection, variant: FeatureVariant = 'ilastik', is3D = true): Margins {
  const halo: Margins = { z: 0, y: 0, x: 0 };
  for (const plan of planScales(selection, variant, is3D)) {
    const m = margins(plan, 'pre', 'small', 'outer');
    halo.z = Math.max(halo.z, m.z);
    halo.y = Math.max(halo.y, m.y);
    halo.x = Math.max(halo.x, m.x);
  }
  return halo;
}

/** The source box a target block needs: target grown by {@link featureHaloZYX}, clipped to the image. */
export function requiredSourceBox(target: Box, image: VolumeShape, selection: FeatureSelection, variant: FeatureVariant = 'ilastik'): Box {
  return growBox(target, featureHaloZYX(selection, variant, image.z > 1), image);
}

/** " µm" after a σ of a selection in physical units, else nothing (pixels, as ilastik writes them). */
function unitOf(selection: FeatureSelection): string {
  return selection.scaleUnit === 'physical' ? ' µm' : '';
}

/**
 * Scales whose kernels are longer than the image along an axis they filter (vigra refuses these:
 * "kernel longer than line"). Each problem names the scale, the axis and the sizes.
 */
export function findScaleProblems(selection: FeatureSelection, image: VolumeShape, variant: FeatureVariant = 'ilastik'): ScaleProblem[] {
  const problems: ScaleProblem[] = [];
  for (const plan of planScales(selection, variant, image.z > 1)) {
    for (const axis of plan.axes) {
      const radius = Math.max(partRadius(plan, axis, 'pre'), partRadius(plan, axis, 'small'), partRadius(plan, axis, 'outer'));
      const name = (['z', 'y', 'x'] as const)[axis];
      const length = image[name];
      if (radius >= length) {
        const unit = name === 'z' ? 'slices' : name === 'y' ? 'rows' : 'columns';
        problems.push({
          scaleIndex: plan.scaleIndex, sigma: plan.sigma, axis: name, radius, length,
          message: `scale σ=${formatSigma(plan.sigma)}${unitOf(selection)} is too large for this image along ${name}: its kernel radius is ${radius} pixels, `
            + `so it needs at least ${radius + 1} ${unit}, but the image has ${length}`
            + (name === 'z' ? ' (compute this scale in 2D, or remove it)' : ' (remove this scale)'),
        });
      }
    }
  }
  return problems;
}

/**
 * ilastik's fallback: scales too large along z are switched to "compute in 2D". Returns the adapted
 * selection and one note per switched scale; throws {@link FeatureScaleError} if a scale is too large
 * along y or x, which no fallback can fix.
 */
export function fallBackTo2D(selection: FeatureSelection, image: VolumeShape, variant: FeatureVariant = 'ilastik'): { selection: FeatureSelection; notes: string[] } {
  const problems = findScaleProblems(selection, image, variant);
  const fatal = problems.filter((p) => p.axis !== 'z');
  if (fatal.length > 0) throw new FeatureScaleError(fatal);
  const adapted: FeatureSelection = { ...selection, scales: selection.scales.map((s) => ({ ...s })) };
  const notes: string[] = [];
  for (const p of problems) {
    if (adapted.scales[p.scaleIndex].in2D) continue;
    adapted.scales[p.scaleIndex].in2D = true;
    notes.push(`scale σ=${formatSigma(p.sigma)}${unitOf(selection)} needs at least ${p.radius + 1} slices for 3D but the image has ${p.length}; computing it in 2D (as ilastik does)`);
  }
  if (findScaleProblems(adapted, image, variant).length > 0) throw new FeatureScaleError(findScaleProblems(adapted, image, variant));
  return { selection: adapted, notes };
}

/** First output channel of each (family, scale) pair; components and input channels follow it. */
function channelBases(selection: FeatureSelection, is3D: boolean, nInputChannels: number): { bases: Map<string, number>; total: number } {
  const bases = new Map<string, number>();
  const nUsed = inputChannelsOf(selection, nInputChannels).length;
  let next = 0;
  for (const f of selectedFeatures(selection, is3D)) {
    bases.set(`${f.featureId}/${f.scaleIndex}`, next);
    next += nUsed * componentCount(f.featureId, f.in2D ? 2 : 3);
  }
  return { bases, total: next };
}

/** Number of output channels of a selection (features of `selection.featureChannels` only, when set). */
export function featureChannelCount(selection: FeatureSelection, nInputChannels: number, is3D: boolean): number {
  return channelBases(selection, is3D, nInputChannels).total;
}

/**
 * Computes the features of `target` into `result` (layout [featureChannel][z][y][x] of `resultBox`,
 * channels in ilastik order, see featureChannels()). Units: σ in pixels — isotropic, or per axis when the
 * selection's scales carry `pixelSigmas` (physical units, resolved by selectionForImage); values in input
 * intensity units (per pixel^order for derivatives). Only `selection.featureChannels` (when set) of the
 * source's channels are filtered.
 *
 * @throws FeatureScaleError when a scale's kernel is longer than the image along an axis it filters
 * @throws RangeError for inconsistent boxes / arrays or an invalid selection
 * @example
 * const image = { z: 1, y: 64, x: 64 };
 * const box = { z0: 0, y0: 0, x0: 0, nz: 1, ny: 64, nx: 64 };
 * const f = computeFeatureBlock({ selection: selectionAll(), image, source: pixels, sourceBox: box, target: box });
 * // f.length === 49 * 64 * 64
 */
export function computeFeatureBlock(request: FeatureBlockRequest): Float32Array {
  const { selection, image, source, sourceBox, target } = request;
  const variant = request.variant ?? 'ilastik';
  const nInput = request.nInputChannels ?? 1;
  const resultBox = request.resultBox ?? target;
  const scratch = request.scratch ?? defaultScratch;
  assertValidSelection(selection);
  if (variant !== 'ilastik' && variant !== 'direct') throw new RangeError(`unknown feature variant "${String(variant)}"`);
  if (!boxInside(target, image)) throw new RangeError(`target box ${formatBox(target)} is not inside the image ${image.z}×${image.y}×${image.x}`);
  if (!boxContains(resultBox, target)) throw new RangeError(`result box ${formatBox(resultBox)} does not contain the target ${formatBox(target)}`);
  const is3D = image.z > 1;
  const needed = requiredSourceBox(target, image, selection, variant);
  if (!boxContains(sourceBox, needed)) {
    throw new RangeError(`source box ${formatBox(sourceBox)} does not cover the target plus its halo (${formatBox(needed)})`);
  }
  if (source.length < nInput * boxVolume(sourceBox)) throw new RangeError(`source has ${source.length} values, needs ${nInput}×${boxVolume(sourceBox)}`);
  const problems = findScaleProblems(selection, image, variant);
  if (problems.length > 0) throw new FeatureScaleError(problems);
  const inputs = inputChannelsOf(selection, nInput);
  const missing = inputs.filter((c) => c >= nInput);
  if (missing.length > 0) {
    throw new RangeError(`featureChannels lists channel${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, but the image has ${nInput} channel${nInput === 1 ? '' : 's'} (0-based: 0–${nInput - 1})`);
  }
  const { bases, total } = channelBases(selection, is3D, nInput);
  const resultVolume = boxVolume(resultBox);
  const sink = request.sink;
  const sourceVolume = boxVolume(sourceBox);
  const plans = planScales(selection, variant, is3D);
  const inKernelMemory = request.resultInKernelMemory === true && !sink && request.result === undefined && boxEquals(resultBox, target);
  // WebAssembly: every working buffer in the kernels' memory; the block's source is copied in once (and the result
  // placed there too when asked). The reservation is virtual (only pages actually used are touched).
  let active = scratch;
  let sources: Float32Array[] = [];
  let result: Float32Array | undefined;
  const arenaBytes = 4 * (inputs.length * (sourceVolume + 8) + ARENA_MAX_LIVE * (sourceVolume + 8));
  if (scratch.usesWasm && scratch.beginBlock(arenaBytes + (inKernelMemory ? 4 * (total * resultVolume + 8) : 0))) {
    if (inKernelMemory) result = scratch.pin(total * resultVolume);
    sources = inputs.map((c) => {
      const pinned = scratch.pin(sourceVolume);
      pinned.set(source.subarray(c * sourceVolume, (c + 1) * sourceVolume));
      return pinned;
    });
  } else {
    if (scratch.usesWasm) active = heapScratch;
    sources = inputs.map((c) => source.subarray(c * sourceVolume, (c + 1) * sourceVolume));
  }
  result ??= sink ? new Float32Array(0) : request.result ?? new Float32Array(total * resultVolume);
  if (!sink && result.length < total * resultVolume) throw new RangeError(`result has ${result.length} values, needs ${total}×${resultVolume}`);
  const output: OutputTarget = sink ? { sink } : { result, resultBox };
  for (const plan of plans) {
    // `c` is the slot among the feature channels (the output order), not the image's channel index.
    for (let c = 0; c < inputs.length; c++) {
      request.checkCancelled?.();
      const out = new OutputWriter(output, target, active);
      computeScale(plan, sources[c], sourceBox, target, image, active, (id, component, nComponents) => {
        const base = bases.get(`${id}/${plan.scaleIndex}`)!;
        return base + c * nComponents + component;
      }, out);
    }
  }
  return result;
}

/**
 * Convenience: features of a whole volume (layout [channel][z][y][x]) as one block.
 * For large images use the worker pool (extension/workers/featureComputer.ts), which splits into blocks.
 */
export function computeFeatures(
  volume: Float32Array, image: VolumeShape, selection: FeatureSelection,
  options: { variant?: FeatureVariant; nInputChannels?: number; scratch?: FeatureScratch } = {},
): Float32Array {
  const box: Box = { z0: 0, y0: 0, x0: 0, nz: image.z, ny: image.y, nx: image.x };
  return computeFeatureBlock({ ...options, selection, image, source: volume, sourceBox: box, target: box });
}

/** Output channel index of a family's component. */
type ChannelOf = (id: FeatureId, component: number, nComponents: number) => number;

/** Box whose filtered axes take `done`'s extent and the other axes `rest`'s. */
function mixBox(done: Box, rest: Box, axesDone: Axis[]): Box {
  const z = axesDone.includes(0), y = axesDone.includes(1), x = axesDone.includes(2);
  return {
    z0: z ? done.z0 : rest.z0, nz: z ? done.nz : rest.nz,
    y0: y ? done.y0 : rest.y0, ny: y ? done.ny : rest.ny,
    x0: x ? done.x0 : rest.x0, nx: x ? done.nx : rest.nx,
  };
}

/**
 * Separable filter of `source` (covering `sourceBox`) with one kernel per filtered axis, valid on
 * `resultBox`. Pass i produces the filtered axes so far at `resultBox` extent and the rest at `wide`.
 * The result is acquired from `scratch`; the caller releases it.
 */
function separable(
  source: Float32Array, sourceBox: Box, axes: Axis[], kernels: Kernel1D[], resultBox: Box, wide: Box,
  image: VolumeShape, scratch: FeatureScratch,
): { data: Float32Array; box: Box } {
  let data = source, box = sourceBox;
  for (let i = 0; i < axes.length; i++) {
    const outBox = mixBox(resultBox, wide, axes.slice(0, i + 1));
    const out = scratch.acquire(boxVolume(outBox));
    convolveAxis(data, box, axes[i], kernels[i], out, outBox, image);
    if (i > 0) scratch.release(data);
    data = out;
    box = outBox;
  }
  return { data, box };
}

function computeScale(
  plan: ScalePlan, source: Float32Array, sourceBox: Box, target: Box, image: VolumeShape,
  scratch: FeatureScratch, offset: ChannelOf, out: OutputWriter,
): void {
  const { axes, families } = plan;
  const dims = axes.length as 2 | 3;
  const wasm = existingWasmFeatureKernels();
  // Region where derivatives are needed (target + structure-tensor outer radius), and where the
  // (presmoothed) base image is needed (+ feature-kernel radius).
  const derivBox = growBox(target, margins(plan, 'outer'), image);
  const baseBox = growBox(derivBox, margins(plan, 'small'), image);
  const kernelsOf = (axis: Axis): AxisKernels => plan.perAxis[axis]!;
  let base = source, baseSourceBox = sourceBox;
  if (plan.presmoothed) {
    const wide = growBox(baseBox, margins(plan, 'pre'), image);
    // Presmoothing goes z/y first, x last: a pass produces its not-yet-filtered axes at the wide (haloed) extent, and
    // blocks are bands of whole rows (features export), wide tiles (batch) or squares (live), whose halo is in y
    // rather than x — so the large-σ passes compute no halo rows they do not need. A fixed order: every block
    // computes every pixel with the same arithmetic (block == whole, bit for bit).
    const order = [...axes].reverse();
    const smoothed = separable(source, sourceBox, order, order.map((a) => kernelsOf(a).presmooth!), baseBox, wide, image, scratch);
    base = smoothed.data;
    baseSourceBox = smoothed.box;
  }

  // Derivative combinations needed, one char per filtered axis in pass order (x, y, z):
  // '0' Gaussian, '1' first derivative, '2' second derivative, 'd' the smaller DoG Gaussian.
  const unit = (axisPos: number, order: string): string => axes.map((_, i) => (i === axisPos ? order : '0')).join('');
  const pair = (i: number, j: number): string => axes.map((_, k) => String((k === i ? 1 : 0) + (k === j ? 1 : 0))).join('');
  const smooth = unit(-1, '0');
  const dog = axes.map(() => 'd').join('');
  const needed = new Set<string>();
  if (families.has('GaussianSmoothing') || families.has('DifferenceOfGaussians')) needed.add(smooth);
  if (families.has('DifferenceOfGaussians')) needed.add(dog);
  if (families.has('GaussianGradientMagnitude') || families.has('StructureTensorEigenvalues')) axes.forEach((_, i) => needed.add(unit(i, '1')));
  if (families.has('LaplacianOfGaussian') || families.has('HessianOfGaussianEigenvalues')) axes.forEach((_, i) => needed.add(unit(i, '2')));
  if (families.has('HessianOfGaussianEigenvalues')) {
    for (let i = 0; i < dims; i++) for (let j = i + 1; j < dims; j++) needed.add(pair(i, j));
  }
  // Shared prefix tree: each prefix (e.g. "1" = ∂x, "10" = ∂x then G along y) is computed once;
  // all children of a prefix come from one fused multi-kernel pass over it (the source is read
  // once for G, ∂ and ∂²); a prefix is released as soon as its subtree is done.
  const combos = new Map<string, Float32Array>();
  const all = [...needed];
  const expand = (prefix: string, data: Float32Array, box: Box, level: number): void => {
    const chars = [...new Set(all.filter((c) => c.startsWith(prefix)).map((c) => c[level] as '0' | '1' | '2' | 'd'))].sort();
    const outBox = mixBox(derivBox, baseBox, axes.slice(0, level + 1));
    const outs = chars.map(() => scratch.acquire(boxVolume(outBox)));
    convolveAxisMulti(data, box, axes[level], chars.map((ch) => kernelsOf(axes[level]).k[ch]), outs, outBox, image);
    chars.forEach((ch, i) => {
      if (level + 1 === dims) {
        combos.set(prefix + ch, outs[i]);
      } else {
        expand(prefix + ch, outs[i], outBox, level + 1);
        scratch.release(outs[i]);
      }
    });
  };
  expand('', base, baseSourceBox, 0);
  if (plan.presmoothed) scratch.release(base);
  const done = (...keys: string[]): void => {
    for (const key of keys) {
      const buffer = combos.get(key);
      if (buffer) { scratch.release(buffer); combos.delete(key); }
    }
  };

  if (families.has('GaussianSmoothing')) {
    const g = combos.get(smooth)!;
    out.map1(offset('GaussianSmoothing', 0, 1), derivBox, g, g, g, MODE_COPY);
  }
  if (families.has('DifferenceOfGaussians')) {
    const g = combos.get(smooth)!, d = combos.get(dog)!;
    out.map1(offset('DifferenceOfGaussians', 0, 1), derivBox, g, d, d, MODE_DIFF);
  }
  done(smooth, dog);
  const seconds = axes.map((_, i) => unit(i, '2'));
  if (families.has('LaplacianOfGaussian')) {
    const [a, b, c] = seconds.map((k) => combos.get(k)!);
    out.map1(offset('LaplacianOfGaussian', 0, 1), derivBox, a, b, c ?? a, dims === 2 ? MODE_SUM2 : MODE_SUM3);
  }
  if (families.has('HessianOfGaussianEigenvalues')) {
    const offsets = [0, 1, 2].map((k) => (k < dims ? offset('HessianOfGaussianEigenvalues', k, dims) : -1));
    if (dims === 2) out.eigen2(offsets, derivBox, combos.get('20')!, combos.get('11')!, combos.get('02')!);
    else {
      out.eigen3(offsets, derivBox, combos.get('200')!, combos.get('110')!, combos.get('101')!,
        combos.get('020')!, combos.get('011')!, combos.get('002')!);
    }
  }
  done(...seconds, '11', '110', '101', '011');
  const firsts = axes.map((_, i) => unit(i, '1'));
  if (families.has('GaussianGradientMagnitude')) {
    const [a, b, c] = firsts.map((k) => combos.get(k)!);
    out.map1(offset('GaussianGradientMagnitude', 0, 1), derivBox, a, b, c ?? a, dims === 2 ? MODE_NORM2 : MODE_NORM3);
  }
  if (families.has('StructureTensorEigenvalues')) {
    const grads = firsts.map((k) => combos.get(k)!);
    const n = boxVolume(derivBox);
    const tensor: Float32Array[] = [];
    const product = scratch.acquire(n);
    for (let i = 0; i < dims; i++) {
      for (let j = i; j < dims; j++) {
        if (wasm && wasm.owns(grads[i]) && wasm.owns(grads[j]) && wasm.owns(product)) wasm.multiply(grads[i], grads[j], product, n);
        else multiply(grads[i], grads[j], product, n);
        tensor.push(separable(product, derivBox, axes, axes.map((a) => kernelsOf(a).outer), target, derivBox, image, scratch).data);
      }
    }
    scratch.release(product);
    const offsets = [0, 1, 2].map((k) => (k < dims ? offset('StructureTensorEigenvalues', k, dims) : -1));
    if (dims === 2) out.eigen2(offsets, target, tensor[0], tensor[1], tensor[2]);
    else out.eigen3(offsets, target, tensor[0], tensor[1], tensor[2], tensor[3], tensor[4], tensor[5]);
    for (const t of tensor) scratch.release(t);
  }
  done(...firsts);
}

function multiply(a: Float32Array, b: Float32Array, out: Float32Array, n: number): void {
  for (let e = 0; e < n; e++) out[e] = a[e] * b[e];
}

const f32 = Math.fround;
const MODE_COPY = 0, MODE_SUM2 = 1, MODE_SUM3 = 2, MODE_NORM2 = 3, MODE_NORM3 = 4, MODE_DIFF = 5;

/** Where an {@link OutputWriter} puts channels: into a result volume, or to a plane consumer. */
type OutputTarget = { result: Float32Array; resultBox: Box } | { sink: FeaturePlaneSink };

/**
 * Writes per-pixel feature values of the target, one output channel (index in ilastik order) at a time
 * (monomorphic loops). Inputs in the WebAssembly kernels' memory are combined there into a contiguous
 * target-layout plane, which is then copied row by row into the result — or handed to the sink as is.
 */
class OutputWriter {
  private readonly ev = new Float64Array(3);
  private readonly wasm = existingWasmFeatureKernels();
  private readonly result: Float32Array;
  private readonly resultBox: Box;
  private readonly sink: FeaturePlaneSink | undefined;
  private readonly resultVolume: number;

  constructor(to: OutputTarget, private readonly target: Box, private readonly scratch: FeatureScratch) {
    if ('sink' in to) {
      this.sink = to.sink;
      this.result = new Float32Array(0);
      this.resultBox = target;
    } else {
      this.result = to.result;
      this.resultBox = to.resultBox;
    }
    this.resultVolume = boxVolume(this.resultBox);
  }

  /** Row start in `box`-layout and result offset of (target row y, slice z). */
  private rowIndex(box: Box, z: number, y: number): number {
    const t = this.target;
    return ((t.z0 + z - box.z0) * box.ny + (t.y0 + y - box.y0)) * box.nx + (t.x0 - box.x0);
  }

  private layout(readBox: Box): ReadLayout {
    return { e0: this.rowIndex(readBox, 0, 0), rowStride: readBox.nx, sliceStride: readBox.ny * readBox.nx };
  }

  private owned(arrays: Float32Array[]): WasmFeatureKernels | null {
    const w = this.wasm;
    return w && arrays.every((a) => w.owns(a)) ? w : null;
  }

  /**
   * Channel `channel`'s plane in the result when the kernels can write it there directly: the result is in their
   * memory and has the target's layout (then no {@link emit} copy is needed); otherwise undefined.
   */
  private directPlane(w: WasmFeatureKernels, channel: number): Float32Array | undefined {
    // The kernels store whole float32x4 vectors, so a row whose length is not a multiple of 4 spills up to three values
    // past its end: harmless inside a plane (the next row overwrites them), not past the last row into the next channel.
    if (this.sink || this.target.nx % 4 !== 0 || this.resultVolume !== boxVolume(this.target) || !w.owns(this.result)) return undefined;
    return this.result.subarray(channel * this.resultVolume, (channel + 1) * this.resultVolume);
  }

  /**
   * Emits `plane` (contiguous target layout, or `readBox` layout when given) as output channel `channel`:
   * rows copied into the result, or the plane handed to the sink (gathered first if it is not contiguous).
   */
  private emit(channel: number, plane: Float32Array, readBox?: Box): void {
    const t = this.target, nx = t.nx;
    const sink = this.sink;
    if (sink) {
      if (!readBox) { sink(channel, plane.subarray(0, boxVolume(t))); return; }
      if (readBox.nx === nx && (t.nz === 1 || readBox.ny === t.ny)) {
        // The target's rows are consecutive in the read box (full-width rows): no gather needed.
        const e = this.rowIndex(readBox, 0, 0);
        sink(channel, plane.subarray(e, e + boxVolume(t)));
        return;
      }
      const staged = this.scratch.acquire(boxVolume(t));
      for (let z = 0; z < t.nz; z++) {
        for (let y = 0; y < t.ny; y++) {
          const e = this.rowIndex(readBox, z, y);
          staged.set(plane.subarray(e, e + nx), (z * t.ny + y) * nx);
        }
      }
      sink(channel, staged);
      this.scratch.release(staged);
      return;
    }
    const res = this.result, base = channel * this.resultVolume;
    for (let z = 0; z < t.nz; z++) {
      for (let y = 0; y < t.ny; y++) {
        const e = readBox ? this.rowIndex(readBox, z, y) : (z * t.ny + y) * nx;
        res.set(plane.subarray(e, e + nx), base + this.rowIndex(this.resultBox, z, y));
      }
    }
  }

  /** Where TypeScript loops write channel `channel`: the result (offset, box) or a staging plane (target layout). */
  private destination(channel: number): { res: Float32Array; base: number; box: Box; staged: boolean } {
    if (this.sink) return { res: this.scratch.acquire(boxVolume(this.target)), base: 0, box: this.target, staged: true };
    return { res: this.result, base: channel * this.resultVolume, box: this.resultBox, staged: false };
  }

  /** Hands a staging plane of {@link destination} to the sink and gives it back. */
  private finishDestination(channel: number, d: { res: Float32Array; staged: boolean }): void {
    if (!d.staged) return;
    this.sink!(channel, d.res.subarray(0, boxVolume(this.target)));
    this.scratch.release(d.res);
  }

  /** One scalar channel from up to three inputs read in `readBox` layout. */
  map1(channel: number, readBox: Box, a: Float32Array, b: Float32Array, c: Float32Array, mode: number): void {
    if (mode === MODE_COPY) {
      this.emit(channel, a, readBox);
      return;
    }
    const w = this.owned([a, b, c]);
    if (w) {
      const direct = this.directPlane(w, channel);
      if (direct) {
        w.map1(mode, a, b, c, this.layout(readBox), this.target, direct);
        return;
      }
      const plane = this.scratch.acquire(boxVolume(this.target));
      if (w.owns(plane)) {
        w.map1(mode, a, b, c, this.layout(readBox), this.target, plane);
        this.emit(channel, plane);
        this.scratch.release(plane);
        return;
      }
      this.scratch.release(plane);
    }
    const t = this.target, nx = t.nx;
    const d = this.destination(channel);
    const res = d.res;
    for (let z = 0; z < t.nz; z++) {
      for (let y = 0; y < t.ny; y++) {
        const e = this.rowIndex(readBox, z, y);
        const o = d.base + this.rowIndex(d.box, z, y);
        // float32 arithmetic, every operation rounded (Math.fround), as the WebAssembly float32x4 kernels do.
        switch (mode) {
          case MODE_SUM2: for (let x = 0; x < nx; x++) res[o + x] = a[e + x] + b[e + x]; break;
          case MODE_SUM3: for (let x = 0; x < nx; x++) res[o + x] = f32(a[e + x] + b[e + x]) + c[e + x]; break;
          case MODE_NORM2:
            for (let x = 0; x < nx; x++) { const p = a[e + x], q = b[e + x]; res[o + x] = Math.sqrt(f32(f32(p * p) + f32(q * q))); }
            break;
          case MODE_NORM3:
            for (let x = 0; x < nx; x++) {
              const p = a[e + x], q = b[e + x], r = c[e + x];
              res[o + x] = Math.sqrt(f32(f32(f32(p * p) + f32(q * q)) + f32(r * r)));
            }
            break;
          default: for (let x = 0; x < nx; x++) res[o + x] = a[e + x] - b[e + x];
        }
      }
    }
    this.finishDestination(channel, d);
  }

  /** Eigenvalue planes in the WebAssembly kernels; false when an input is not in their memory. */
  private eigenWasm(channels: number[], readBox: Box, tensor: Float32Array[]): boolean {
    const w = this.owned(tensor);
    if (!w) return false;
    const n = tensor.length === 3 ? 2 : 3;
    const direct = channels.slice(0, n).map((channel) => this.directPlane(w, channel));
    if (direct.every((plane) => plane !== undefined)) {
      if (n === 2) w.eigen2(tensor[0], tensor[1], tensor[2], this.layout(readBox), this.target, direct[0], direct[1]);
      else w.eigen3(tensor, this.layout(readBox), this.target, direct);
      return true;
    }
    const planes = Array.from({ length: n }, () => this.scratch.acquire(boxVolume(this.target)));
    const ok = planes.every((p) => w.owns(p));
    if (ok) {
      if (n === 2) w.eigen2(tensor[0], tensor[1], tensor[2], this.layout(readBox), this.target, planes[0], planes[1]);
      else w.eigen3(tensor, this.layout(readBox), this.target, planes);
      for (let k = 0; k < n; k++) this.emit(channels[k], planes[k]);
    }
    for (const p of planes) this.scratch.release(p);
    return ok;
  }

  /** Two eigenvalue channels of [[xx, xy], [xy, yy]]. */
  eigen2(channels: number[], readBox: Box, xx: Float32Array, xy: Float32Array, yy: Float32Array): void {
    if (this.eigenWasm(channels, readBox, [xx, xy, yy])) return;
    const t = this.target, nx = t.nx;
    const d0 = this.destination(channels[0]), d1 = this.destination(channels[1]);
    const r0 = d0.res, r1 = d1.res;
    for (let z = 0; z < t.nz; z++) {
      for (let y = 0; y < t.ny; y++) {
        const e = this.rowIndex(readBox, z, y);
        const o0 = d0.base + this.rowIndex(d0.box, z, y), o1 = d1.base + this.rowIndex(d1.box, z, y);
        for (let x = 0; x < nx; x++) {
          const a = xx[e + x], b = xy[e + x], c = yy[e + x];
          const mean = f32(0.5 * f32(a + c)), half = f32(0.5 * f32(a - c));
          const d = f32(Math.sqrt(f32(f32(half * half) + f32(b * b))));
          r0[o0 + x] = mean + d;
          r1[o1 + x] = mean - d;
        }
      }
    }
    this.finishDestination(channels[0], d0);
    this.finishDestination(channels[1], d1);
  }

  /** Three eigenvalue channels of a symmetric 3×3 tensor. */
  eigen3(channels: number[], readBox: Box, xx: Float32Array, xy: Float32Array, xz: Float32Array,
    yy: Float32Array, yz: Float32Array, zz: Float32Array): void {
    if (this.eigenWasm(channels, readBox, [xx, xy, xz, yy, yz, zz])) return;
    const t = this.target, nx = t.nx, ev = this.ev;
    const ds = [0, 1, 2].map((k) => this.destination(channels[k]));
    const [r0, r1, r2] = ds.map((d) => d.res);
    for (let z = 0; z < t.nz; z++) {
      for (let y = 0; y < t.ny; y++) {
        const e = this.rowIndex(readBox, z, y);
        const o0 = ds[0].base + this.rowIndex(ds[0].box, z, y), o1 = ds[1].base + this.rowIndex(ds[1].box, z, y);
        const o2 = ds[2].base + this.rowIndex(ds[2].box, z, y);
        for (let x = 0; x < nx; x++) {
          symmetricEigenvalues3(xx[e + x], xy[e + x], xz[e + x], yy[e + x], yz[e + x], zz[e + x], ev);
          r0[o0 + x] = ev[0];
          r1[o1 + x] = ev[1];
          r2[o2 + x] = ev[2];
        }
      }
    }
    ds.forEach((d, k) => this.finishDestination(channels[k], d));
  }
}

/** Ids of the families, re-exported for callers that only import the engine. */
export { FEATURE_IDS };
