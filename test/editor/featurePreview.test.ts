import { describe, expect, it } from 'vitest';
import { computeFeaturePreview, percentileRange, singleFeatureSelection } from '../../extension/editor/featurePreview';
import { inlineCompute } from '../../extension/editor/liveCompute';
import { computeFeatures } from '../../extension/core/features/computeFeatureBlock';
import { memoryImageSource } from '../../extension/core/image/memoryImageSource';
import type { FeaturePreviewRequestMessage } from '../../extension/protocol';

const W = 40; const H = 30;

/** A 2-channel 2D image: channel 0 a ramp, channel 1 a bright disc on a dark ground. */
function image() {
  const ramp = new Uint16Array(W * H).map((_, i) => (i % W) * 10);
  const disc = new Uint16Array(W * H).map((_, i) => (Math.hypot((i % W) - 22, Math.floor(i / W) - 14) < 7 ? 1000 : 100));
  return memoryImageSource({ name: 'two.tif', format: 'tiff', shape: { t: 1, z: 1, c: 2, y: H, x: W }, axes: 'CYX', dtype: 'uint16', pages: 2, compression: 'none', metadata: {} }, [ramp, disc]);
}

const request = (over: Partial<FeaturePreviewRequestMessage> = {}): FeaturePreviewRequestMessage => ({
  type: 'features/preview', requestId: 1, featureId: 'GaussianGradientMagnitude', sigma: 1.6, in2D: true, t: 0, z: 0, c: 1,
  box: { column: 10, row: 5, width: 20, height: 15 }, ...over,
});

describe('feature preview', () => {
  it('selects exactly one family at one scale', () => {
    const s = singleFeatureSelection('LaplacianOfGaussian', 3.5, true);
    expect(s.scales).toEqual([{ sigma: 3.5, in2D: true }]);
    expect(Object.entries(s.selected).filter(([, v]) => v[0]).map(([k]) => k)).toEqual(['LaplacianOfGaussian']);
    expect(Object.values(s.selected).every((v) => v.length === 1)).toBe(true);
  });

  it('the preview of a box equals the same box of the feature computed on the whole chosen channel', async () => {
    const img = image();
    const preview = await computeFeaturePreview(img, inlineCompute(), request());
    const plane = new Float32Array(await img.readPlane(0, 0, 1));
    const whole = computeFeatures(plane, { z: 1, y: H, x: W }, singleFeatureSelection('GaussianGradientMagnitude', 1.6, true));
    const expected: number[] = [];
    for (let r = 5; r < 20; r++) for (let c = 10; c < 30; c++) expected.push(whole[r * W + c]);
    expect(preview.data).toHaveLength(20 * 15);
    Array.from(preview.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    expect(preview.name).toBe('Gaussian Gradient Magnitude (σ=1.6) of channel 1');
    expect(preview.max).toBeGreaterThan(preview.min);
  });

  it('eigenvalue families preview the largest eigenvalue', async () => {
    const preview = await computeFeaturePreview(image(), inlineCompute(), request({ featureId: 'HessianOfGaussianEigenvalues', c: 0 }));
    expect(preview.name).toBe('Hessian of Gaussian Eigenvalues (σ=1.6) of channel 0 (largest eigenvalue)');
    expect(preview.data).toHaveLength(300);
  });

  it('stops when aborted', async () => {
    const abort = new AbortController();
    abort.abort(new Error('newer preview'));
    await expect(computeFeaturePreview(image(), inlineCompute(), request(), abort.signal)).rejects.toThrow('newer preview');
  });

  it('percentile range: exact small arrays, non-finite values ignored, flat data still a range', () => {
    const data = Float32Array.from({ length: 101 }, (_, i) => i);
    expect(percentileRange(data, 0.01, 0.99)).toEqual({ min: 1, max: 99 });
    expect(percentileRange(Float32Array.from([NaN, 5, Infinity, 7]), 0, 1)).toEqual({ min: 5, max: 7 });
    expect(percentileRange(new Float32Array([3, 3, 3]), 0.01, 0.99)).toEqual({ min: 3, max: 4 });
    expect(percentileRange(new Float32Array(0), 0.01, 0.99)).toEqual({ min: 0, max: 1 });
  });
});
