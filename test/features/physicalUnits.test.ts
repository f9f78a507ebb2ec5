/**
 * Issue #15: feature scales in physical units (per-axis σ in pixels, per-axis truncation and halo) and the
 * input channels that feed the features. Exact small arrays and invariants; the vigra goldens are in
 * anisotropicVigra.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Box } from '../../extension/core/features/box';
import {
  computeFeatureBlock, computeFeatures, fallBackTo2D, featureChannelCount, featureHaloZYX, FeatureScaleError, FeatureScratch,
  findScaleProblems, requiredSourceBox,
} from '../../extension/core/features/computeFeatureBlock';
import { featureChannels, featureHalo, selectionAll, selectionNone, validateSelection, type FeatureSelection } from '../../extension/core/features/featureSet';
import { gaussianKernel } from '../../extension/core/features/gaussianKernel';
import { scaleKernels } from '../../extension/core/features/scaleKernels';
import { FeatureImageError, selectionForImage, selectionForImageWithNotes } from '../../extension/core/features/selectionForImage';
import { crop, noise } from './volumeFixtures';

/** One family at one scale. */
function one(id: keyof FeatureSelection['selected'], sigma: number, extra: Partial<FeatureSelection> = {}): FeatureSelection {
  const s = selectionNone([{ sigma, in2D: false }]);
  s.selected[id] = [true];
  return { ...s, ...extra };
}

const ANISO = { x: 0.5, y: 0.5, z: 2, unit: 'µm' };

describe('per-axis kernels', () => {
  it('each axis gets its own σ and its own truncation radius (same rule: max(1, floor(w·σ + 0.5)))', () => {
    const k = scaleKernels({ sigma: 1, pixelSigmas: { z: 0.5, y: 2, x: 1.3 } }, false, 'direct');
    expect(k.axes).toEqual([2, 1, 0]);
    expect(k.perAxis[0]!.k[0].radius).toBe(2); // floor(3.5·0.5 + 0.5)
    expect(k.perAxis[1]!.k[0].radius).toBe(7); // floor(3.5·2 + 0.5)
    expect(k.perAxis[2]!.k[0].radius).toBe(5); // floor(3.5·1.3 + 0.5)
    expect(k.perAxis[0]!.k[2]).toBe(gaussianKernel(0.5, 2, 3.5));
    expect(k.perAxis[1]!.outer).toBe(gaussianKernel(1, 0, 3.5)); // 0.5 · σ_y
  });

  it('ilastik variant: per axis presmoothing √(σ²−1) above 1 pixel, σ itself below; features at min(σ, 1), window 2', () => {
    const k = scaleKernels({ sigma: 1, pixelSigmas: { z: 0.5, y: 2, x: 2 } }, false, 'ilastik');
    expect(k.perAxis[1]!.presmooth).toBe(gaussianKernel(Math.sqrt(3), 0, 3.5));
    expect(k.perAxis[1]!.k[1]).toBe(gaussianKernel(1, 1, 2));
    expect(k.perAxis[0]!.presmooth).toBe(gaussianKernel(0.5, 0, 3.5));
    expect(k.perAxis[0]!.k[1]).toBe(gaussianKernel(0.5, 1, 2));
  });

  it('a 3D delta smoothed with per-axis σ is the outer product of the three 1-D kernels', () => {
    // Large enough that no tap of a non-zero output mirrors back onto the delta.
    const image = { z: 9, y: 17, x: 13 };
    const delta = new Float32Array(9 * 17 * 13);
    delta[(4 * 17 + 8) * 13 + 6] = 1;
    const sel = { ...one('GaussianSmoothing', 1), scales: [{ sigma: 1, in2D: false, pixelSigmas: { z: 0.5, y: 1, x: 0.7 } }] };
    const out = computeFeatures(delta, image, sel, { variant: 'direct' });
    const kz = gaussianKernel(0.5, 0, 3.5), ky = gaussianKernel(1, 0, 3.5), kx = gaussianKernel(0.7, 0, 3.5);
    const w = (k: typeof kz, d: number) => (Math.abs(d) <= k.radius ? k.weights[k.radius + d] : 0);
    for (let z = 0; z < 9; z++) for (let y = 0; y < 17; y++) for (let x = 0; x < 13; x++) {
      expect(out[(z * 17 + y) * 13 + x]).toBeCloseTo(w(kz, z - 4) * w(ky, y - 8) * w(kx, x - 6), 7);
    }
    // Along z the kernel is short: two slices away it is ~e^-8 relative, three slices away exactly 0 (truncated).
    expect(kz.radius).toBe(2);
  });

  it('equal per-axis σ gives exactly the isotropic (pixel) result: pixel mode is unchanged', () => {
    const image = { z: 8, y: 20, x: 18 };
    const v = noise(8 * 20 * 18);
    const iso = selectionAll([{ sigma: 0.7, in2D: false }, { sigma: 1.6, in2D: false }]);
    const same = { ...iso, scales: iso.scales.map((s) => ({ ...s, pixelSigmas: { z: s.sigma, y: s.sigma, x: s.sigma } })) };
    for (const variant of ['ilastik', 'direct'] as const) {
      expect(computeFeatures(v, image, same, { variant })).toEqual(computeFeatures(v, image, iso, { variant }));
    }
  });

  it('halo per axis: the sum of the chained radii along each axis', () => {
    const sel = selectionForImage(one('GaussianSmoothing', 1, { scaleUnit: 'physical' }), { name: 'a', shape: { z: 20, y: 50, x: 50, c: 1 }, pixelSize: ANISO });
    expect(sel.scales[0].pixelSigmas).toEqual({ z: 0.5, y: 2, x: 2 });
    expect(featureHaloZYX(sel, 'direct')).toEqual({ z: 2, y: 7, x: 7 });
    // ilastik: presmoothing √3 → 6 (x, y) and 0.5 → 2 (z), then σ' = 1 → 2 (x, y) and 0.5 → 1 (z).
    expect(featureHaloZYX(sel, 'ilastik')).toEqual({ z: 3, y: 8, x: 8 });
    // The isotropic bound uses the largest per-axis σ in pixels (2), not the σ in µm (1).
    expect(featureHalo(sel)).toBe(3 + 7);
  });

  it('a block computed with its per-axis halo equals the whole volume (both variants, all families)', () => {
    const image = { z: 12, y: 30, x: 28 };
    const v = noise(12 * 30 * 28, 5);
    const sel = selectionForImage({ ...selectionAll([{ sigma: 0.7, in2D: false }, { sigma: 1.6, in2D: false }]), scaleUnit: 'physical' },
      { name: 'a', shape: { ...image, c: 1 }, pixelSize: { x: 0.5, y: 0.4, z: 1.5, unit: 'µm' } });
    for (const variant of ['ilastik', 'direct'] as const) {
      const whole = computeFeatures(v, image, sel, { variant, scratch: new FeatureScratch({ wasm: false }) });
      const target: Box = { z0: 4, nz: 3, y0: 9, ny: 7, x0: 11, nx: 6 };
      const sourceBox = requiredSourceBox(target, image, sel, variant);
      const block = computeFeatureBlock({ selection: sel, variant, image, source: crop(v, image, sourceBox), sourceBox, target, scratch: new FeatureScratch({ wasm: false }) });
      const n = featureChannelCount(sel, 1, true);
      const tv = 3 * 7 * 6, vol = image.z * image.y * image.x;
      for (let c = 0; c < n; c++) {
        for (let z = 0; z < 3; z++) for (let y = 0; y < 7; y++) for (let x = 0; x < 6; x++) {
          expect(block[c * tv + (z * 7 + y) * 6 + x]).toBe(whole[c * vol + ((z + 4) * image.y + y + 9) * image.x + x + 11]);
        }
      }
    }
  });

  it('truncation per axis: a kernel too long only along z falls back to 2D with a note; along x it is an error', () => {
    // 1 µm with 0.05 µm z steps = 20 pixels along z: radius 71 > 8 slices; x and y are 2 pixels.
    const shape = { z: 8, y: 40, x: 40, c: 1 };
    const { selection, notes } = selectionForImageWithNotes(one('GaussianSmoothing', 1, { scaleUnit: 'physical' }),
      { name: 'thin.tif', shape, pixelSize: { x: 0.5, y: 0.5, z: 0.05, unit: 'µm' } });
    expect(selection.scales[0].in2D).toBe(true);
    expect(selection.scaleUnit).toBe('physical');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/computing it in 2D/);
    const problems = findScaleProblems({ ...selection, scales: [{ ...selection.scales[0], in2D: false }] }, shape, 'ilastik');
    expect(problems.map((p) => p.axis)).toEqual(['z']);
    expect(() => selectionForImage(one('GaussianSmoothing', 1, { scaleUnit: 'physical' }),
      { name: 'narrow.tif', shape: { z: 1, y: 40, x: 6, c: 1 }, pixelSize: { x: 0.1, y: 0.5, unit: 'µm' } })).toThrow(FeatureScaleError);
  });

  it('physical selections must be resolved for an image before computing', () => {
    expect(() => computeFeatures(new Float32Array(100), { z: 1, y: 10, x: 10 }, one('GaussianSmoothing', 1, { scaleUnit: 'physical' })))
      .toThrow(/not resolved/);
  });
});

describe('selectionForImage', () => {
  const shape = { z: 10, y: 32, x: 32, c: 1 };
  it('needs a pixel size in physical mode, with a clear error naming the image', () => {
    const sel = one('GaussianSmoothing', 1, { scaleUnit: 'physical' });
    expect(() => selectionForImage(sel, { name: 'nosize.tif', shape })).toThrow(FeatureImageError);
    expect(() => selectionForImage(sel, { name: 'nosize.tif', shape })).toThrow(/^nosize\.tif: .*no pixel size/);
    expect(() => selectionForImage(sel, { name: 'noz.tif', shape, pixelSize: { x: 1, y: 1, unit: 'µm' } })).toThrow(/no z step/);
    expect(() => selectionForImage(sel, { name: 'px.tif', shape, pixelSize: { x: 1, y: 1, z: 1, unit: 'pixel' } })).toThrow(/not a length/);
    expect(() => selectionForImage(sel, { name: 'huge.tif', shape, pixelSize: { x: 50, y: 1, z: 1, unit: 'µm' } })).toThrow(/0\.02 pixels along x/);
  });

  it('converts nm and mm to µm; 2D images ignore z', () => {
    const sel = one('GaussianSmoothing', 1, { scaleUnit: 'physical' });
    expect(selectionForImage(sel, { name: 'a', shape, pixelSize: { x: 250, y: 500, z: 1000, unit: 'nm' } }).scales[0].pixelSigmas).toEqual({ z: 1, y: 2, x: 4 });
    expect(selectionForImage(sel, { name: 'b', shape: { z: 1, y: 32, x: 32, c: 1 }, pixelSize: { x: 0.0005, y: 0.0005, unit: 'mm' } }).scales[0].pixelSigmas)
      .toEqual({ z: 1, y: 2, x: 2 });
  });

  it('pixel mode keeps σ in pixels and ignores the pixel size', () => {
    const sel = one('GaussianSmoothing', 1);
    const resolved = selectionForImage(sel, { name: 'a', shape, pixelSize: ANISO });
    expect(resolved.scales[0].pixelSigmas).toBeUndefined();
    expect(resolved.scaleUnit).toBeUndefined();
  });

  it('alpha is not a feature channel by default; listed channels must exist', () => {
    const rgba = { z: 1, y: 32, x: 32, c: 4 };
    expect(selectionForImage(one('GaussianSmoothing', 1), { name: 'a.png', shape: rgba, alphaChannel: 3 }).featureChannels).toEqual([0, 1, 2]);
    expect(selectionForImage(one('GaussianSmoothing', 1, { featureChannels: [3] }), { name: 'a.png', shape: rgba, alphaChannel: 3 }).featureChannels).toEqual([3]);
    expect(selectionForImage(one('GaussianSmoothing', 1), { name: 'a.tif', shape: rgba }).featureChannels).toBeUndefined();
    expect(() => selectionForImage(one('GaussianSmoothing', 1, { featureChannels: [0, 2] }), { name: 'two.tif', shape: { ...rgba, c: 2 } }))
      .toThrow(/^two\.tif: .*channel 2 .*has 2 channels/);
  });
});

describe('feature channels', () => {
  const image = { z: 1, y: 16, x: 20 };
  const plane = 16 * 20;
  const three = new Float32Array(3 * plane);
  three.set(noise(plane, 1), 0);
  three.set(noise(plane, 2), plane);
  three.set(noise(plane, 3), 2 * plane);
  const sel = selectionAll([{ sigma: 1, in2D: false }]);

  it('only the listed channels are filtered, in channel order, named after the image channel', () => {
    const picked = computeFeatures(three, image, { ...sel, featureChannels: [0, 2] }, { nInputChannels: 3 });
    const c0 = computeFeatures(three.subarray(0, plane), image, sel);
    const c2 = computeFeatures(three.subarray(2 * plane), image, sel);
    const per = featureChannelCount(sel, 1, false);
    expect(featureChannelCount({ ...sel, featureChannels: [0, 2] }, 3, false)).toBe(2 * per);
    expect(picked.length).toBe(2 * per * plane);
    // Layout: per (family, scale), input channels, then components.
    const names = featureChannels({ ...sel, featureChannels: [0, 2] }, 3, false);
    expect(names.slice(0, 4).map((c) => c.inputChannel)).toEqual([0, 2, 0, 2]);
    expect(new Set(names.map((c) => c.inputChannel))).toEqual(new Set([0, 2]));
    expect(names[0].name).toBe('Gaussian Smoothing (σ=1.0) [channel 0]');
    expect(names[1].name).toBe('Gaussian Smoothing (σ=1.0) [channel 2]');
    names.forEach((ch, k) => {
      const single = featureChannels(sel, 1, false).findIndex((s) => s.featureId === ch.featureId && s.component === ch.component);
      const from = ch.inputChannel === 0 ? c0 : c2;
      expect(picked.subarray(k * plane, (k + 1) * plane)).toEqual(from.subarray(single * plane, (single + 1) * plane));
    });
  });

  it('a listed channel the image lacks is a clear error', () => {
    expect(() => computeFeatures(three, image, { ...sel, featureChannels: [1, 3] }, { nInputChannels: 3 })).toThrow(/channel 3, but the image has 3 channels/);
  });

  it('validation: ascending distinct indices, non-empty; scaleUnit pixels|physical', () => {
    expect(validateSelection({ ...sel, featureChannels: [0, 2] })).toEqual([]);
    expect(validateSelection({ ...sel, scaleUnit: 'physical' })).toEqual([]);
    expect(validateSelection({ ...sel, featureChannels: [] })).toHaveLength(1);
    expect(validateSelection({ ...sel, featureChannels: [2, 0] })).toHaveLength(1);
    expect(validateSelection({ ...sel, featureChannels: [0, 0] })).toHaveLength(1);
    expect(validateSelection({ ...sel, featureChannels: [-1] })).toHaveLength(1);
    expect(validateSelection({ ...sel, scaleUnit: 'inches' as never })).toEqual(['scaleUnit must be "pixels" or "physical"']);
    // ilastik's minimum scales are in pixels: σ in µm may be smaller (fine pixels); the per-axis floor applies later.
    const hessianAt02 = { ...one('HessianOfGaussianEigenvalues', 0.2) };
    expect(validateSelection(hessianAt02)).toHaveLength(1);
    expect(validateSelection({ ...hessianAt02, scaleUnit: 'physical' })).toEqual([]);
    const em = selectionForImage({ ...hessianAt02, scaleUnit: 'physical' }, { name: 'em.tif', shape: { z: 1, y: 64, x: 64, c: 1 }, pixelSize: { x: 50, y: 50, unit: 'nm' } });
    expect(em.scales[0].pixelSigmas!.x).toBeCloseTo(4, 12);
    expect(em.scales[0].pixelSigmas!.y).toBeCloseTo(4, 12);
  });

  it('the 2D fallback keeps the scale unit and the channels', () => {
    const adapted = fallBackTo2D({ ...selectionAll([{ sigma: 5, in2D: false }]), featureChannels: [1] }, { z: 4, y: 64, x: 64 });
    expect(adapted.selection.featureChannels).toEqual([1]);
    expect(adapted.selection.scales[0].in2D).toBe(true);
  });
});
