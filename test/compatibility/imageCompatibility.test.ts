import { describe, expect, it } from 'vitest';
import { formatIntensity, imageCompatibility, rangesMatch, type ImageProfile } from '../../extension/core/compatibility/imageCompatibility';
import { selectionDefaultLight, selectionNone } from '../../extension/core/features/featureSet';

const shape2D = { t: 1, z: 1, c: 1, y: 512, x: 512 };
const trained16: ImageProfile = { name: 'train.tif', shape: shape2D, dtype: 'uint16', intensity: [{ low: 800, high: 12000 }] };

describe('imageCompatibility: refusals (the classifier cannot be applied)', () => {
  it('a z-stack against 2D training images names the slices, not feature counts', () => {
    const result = imageCompatibility({ name: 'stack.tif', shape: { ...shape2D, z: 12 }, dtype: 'uint16' }, [trained16]);
    expect(result).toEqual({ compatible: false, refusal: 'stack.tif has 12 z-slices; the classifier was trained on 2D images', warnings: [] });
  });

  it('a 2D image against 3D training images', () => {
    const stack: ImageProfile = { name: 'a.tif', shape: { ...shape2D, z: 40 } };
    const result = imageCompatibility({ name: 'slice.png', shape: shape2D }, [stack, { ...stack, shape: { ...stack.shape, z: 30 } }]);
    expect(result.refusal).toBe('slice.png is a 2D image; the classifier was trained on 3D z-stacks (30 or 40 z-slices)');
  });

  it('channel counts: RGB against single-channel training', () => {
    const result = imageCompatibility({ name: 'photo.png', shape: { ...shape2D, c: 3 }, dtype: 'uint8' }, [trained16]);
    expect(result.compatible).toBe(false);
    expect(result.refusal).toBe('photo.png has 3 channels (RGB); the classifier was trained on images with 1 channel');
  });

  it('a short z-stack whose large scales fall back to 2D cannot use 3D features', () => {
    const features = selectionDefaultLight(); // σ up to 3.5
    const deep: ImageProfile = { name: 'deep.tif', shape: { t: 1, z: 40, c: 1, y: 64, x: 64 } };
    const short = imageCompatibility({ name: 'short.tif', shape: { t: 1, z: 5, c: 1, y: 64, x: 64 } }, [deep], features);
    expect(short.compatible).toBe(false);
    expect(short.refusal).toMatch(/^short\.tif has 5 z-slices, too few for the 3D features at σ=3\.5 the classifier was trained with \(its training images have 40\)$/);
    // The other way round: trained on a short stack (σ=3.5 in 2D), applied to a deep one.
    const deepOnShort = imageCompatibility(deep, [{ ...deep, name: 's.tif', shape: { ...deep.shape, z: 5 } }], features);
    expect(deepOnShort.refusal).toMatch(/^deep\.tif has 40 z-slices; the classifier was trained on z-stacks of 5 slices, where σ=3\.5 had to be computed in 2D$/);
    // Same fallback on both sides: fine.
    expect(imageCompatibility({ ...deep, name: 'd2.tif', shape: { ...deep.shape, z: 33 } }, [deep], features).compatible).toBe(true);
  });

  it('an image too small for the selected scales', () => {
    const result = imageCompatibility({ name: 'tiny.png', shape: { t: 1, z: 1, c: 1, y: 6, x: 6 } }, [trained16], selectionDefaultLight());
    expect(result.compatible).toBe(false);
    expect(result.refusal).toMatch(/^tiny\.png is too small for the classifier's features: /);
  });

  it('physical units (issue #15): an image without a pixel size is refused; the z fallback follows each pixel size', () => {
    const features = { ...selectionDefaultLight(), scaleUnit: 'physical' as const }; // σ up to 3.5 µm
    const stack = (name: string, pixelSize?: ImageProfile['pixelSize']): ImageProfile => ({ name, shape: { t: 1, z: 12, c: 1, y: 64, x: 64 }, ...(pixelSize ? { pixelSize } : {}) });
    const trained = stack('train.tif', { x: 0.5, y: 0.5, z: 2, unit: 'µm' });
    const bare = imageCompatibility(stack('bare.tif'), [trained], features);
    expect(bare.compatible).toBe(false);
    expect(bare.refusal).toMatch(/^bare\.tif: the feature scales are in physical units, but the image has no pixel size/);
    expect(imageCompatibility(stack('same.tif', { x: 0.5, y: 0.5, z: 2, unit: 'µm' }), [trained], features).compatible).toBe(true);
    // 0.25 µm z steps: σ = 1 and 3.5 µm are 4 and 14 slices along z; their kernels outgrow the 12-slice stack, so
    // they fall back to 2D there but not on the training image (2 µm steps).
    const fine = imageCompatibility(stack('finez.tif', { x: 0.5, y: 0.5, z: 0.25, unit: 'µm' }), [trained], features);
    expect(fine.refusal).toMatch(/^finez\.tif has 12 z-slices, too few for the 3D features at σ=1\.0 µm, σ=3\.5 µm the classifier was trained with/);
  });

  it('σ in pixels on an image with other pixel sizes than the training images: a warning suggesting physical units', () => {
    const trained = { ...trained16, pixelSize: { x: 0.25, y: 0.25, unit: 'µm' } };
    const coarse = imageCompatibility({ name: 'coarse.tif', shape: shape2D, pixelSize: { x: 1, y: 1, unit: 'µm' } }, [trained], selectionDefaultLight());
    expect(coarse).toEqual({ compatible: true, warnings: ['coarse.tif has 1 µm pixels but the training images have 0.25 µm, and the feature scales are in pixels (σ in physical units in the Features panel adapts them to each pixel size): the predictions may be wrong (convert it like the training images, or label it too)'] });
    expect(imageCompatibility({ name: 'nm.tif', shape: shape2D, pixelSize: { x: 260, y: 260, unit: 'nm' } }, [trained], selectionDefaultLight()).warnings).toEqual([]);
    expect(imageCompatibility({ name: 'c.tif', shape: shape2D, pixelSize: { x: 1, y: 1, unit: 'µm' } }, [trained], { ...selectionDefaultLight(), scaleUnit: 'physical' }).warnings).toEqual([]);
    expect(imageCompatibility({ name: 'u.tif', shape: shape2D }, [trained], selectionDefaultLight()).warnings).toEqual([]);
  });

  it('no training images: nothing to compare', () => {
    expect(imageCompatibility({ name: 'x.tif', shape: { ...shape2D, z: 3 } }, [])).toEqual({ compatible: true, warnings: [] });
  });

  it('time points do not matter (features are per time point)', () => {
    expect(imageCompatibility({ name: 'movie.tif', shape: { ...shape2D, t: 9 }, dtype: 'uint16', intensity: [{ low: 900, high: 11000 }] }, [trained16], selectionNone()))
      .toEqual({ compatible: true, warnings: [] });
  });
});

describe('imageCompatibility: warnings (results may be wrong)', () => {
  it('an 8-bit PNG against 16-bit training: dtype and range in one sentence', () => {
    const result = imageCompatibility({ name: 'phase.png', shape: shape2D, dtype: 'uint8', intensity: [{ low: 3, high: 250 }] }, [trained16]);
    expect(result.compatible).toBe(true);
    expect(result.warnings).toEqual([
      "phase.png is 8-bit (uint8) but the classifier was trained on 16-bit (uint16) images; its intensities (1st–99th percentile 3–250) are unlike the training images' (800–12000): the predictions may be wrong (convert it like the training images, or label it too)",
    ]);
  });

  it('same dtype, similar range: no warning; a rescaled image: a range warning only', () => {
    const similar = imageCompatibility({ name: 'b.tif', shape: shape2D, dtype: 'uint16', intensity: [{ low: 700, high: 9000 }] }, [trained16]);
    expect(similar.warnings).toEqual([]);
    const rescaled = imageCompatibility({ name: 'c.tif', shape: shape2D, dtype: 'uint16', intensity: [{ low: 0.1, high: 0.9 }] }, [trained16]);
    expect(rescaled.warnings).toEqual([
      "c.tif its intensities (1st–99th percentile 0.1–0.9) are unlike the training images' (800–12000): the predictions may be wrong (convert it like the training images, or label it too)",
    ]);
  });

  it('the training range is the union over training images, per channel', () => {
    const two = [
      { name: 'a.tif', shape: { ...shape2D, c: 2 }, dtype: 'uint16', intensity: [{ low: 100, high: 1000 }, { low: 0, high: 50 }] },
      { name: 'b.tif', shape: { ...shape2D, c: 2 }, dtype: 'uint16', intensity: [{ low: 900, high: 3000 }, { low: 0, high: 60 }] },
    ];
    const ok = imageCompatibility({ name: 'x.tif', shape: { ...shape2D, c: 2 }, dtype: 'uint16', intensity: [{ low: 200, high: 2800 }, { low: 1, high: 55 }] }, two);
    expect(ok.warnings).toEqual([]);
    const bad = imageCompatibility({ name: 'y.tif', shape: { ...shape2D, c: 2 }, dtype: 'uint16', intensity: [{ low: 200, high: 2800 }, { low: 5000, high: 9000 }] }, two);
    expect(bad.warnings).toHaveLength(1);
    expect(bad.warnings[0]).toContain('intensities of channel 2 (1st–99th percentile 5000–9000)');
    expect(bad.warnings[0]).toContain("training images' (0–60)");
    expect(bad.warnings[0]).not.toContain('channel 1');
  });

  it('unknown dtype or intensities give no warning', () => {
    expect(imageCompatibility({ name: 'x.tif', shape: shape2D }, [trained16]).warnings).toEqual([]);
    expect(imageCompatibility({ name: 'x.tif', shape: shape2D, dtype: 'uint16', intensity: [{ low: 1, high: 2 }] }, [{ ...trained16, intensity: undefined }]).warnings).toEqual([]);
  });
});

describe('rangesMatch', () => {
  it('overlap and span ratio', () => {
    const ref = { low: 1000, high: 3000 };
    expect(rangesMatch({ low: 1000, high: 3000 }, ref)).toBe(true);
    expect(rangesMatch({ low: 1500, high: 3500 }, ref)).toBe(true); // overlap 1500 ≥ 0.5·2000
    expect(rangesMatch({ low: 2100, high: 4100 }, ref)).toBe(false); // overlap 900 < 1000
    expect(rangesMatch({ low: 1200, high: 1600 }, ref)).toBe(false); // span 400 < 2000 / 4
    expect(rangesMatch({ low: 1000, high: 1500 }, ref)).toBe(true); // span 500 = 2000 / 4
    expect(rangesMatch({ low: 0, high: 20000 }, ref)).toBe(false); // 10× the span
    expect(rangesMatch({ low: 5, high: 5 }, { low: 5, high: 5 })).toBe(true); // flat, same value
    expect(rangesMatch({ low: 5, high: 5 }, ref)).toBe(false);
  });

  it('formatIntensity', () => {
    expect([formatIntensity(12000), formatIntensity(3), formatIntensity(0.123456), formatIntensity(1234.5), formatIntensity(-0.5)]).toEqual(['12000', '3', '0.123', '1235', '-0.5']);
  });
});
