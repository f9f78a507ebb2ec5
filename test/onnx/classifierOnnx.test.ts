import { describe, expect, it } from 'vitest';
import { selectionAll, selectionDefaultLight, selectionNone, type FeatureSelection } from '../../extension/core/features/featureSet';
import { buildClassifierOnnx } from '../../extension/core/onnx/classifierOnnx';
import { selectionForImage } from '../../extension/core/features/selectionForImage';
import { agreement, ourPrediction, runOnnx, scene, trainOnScene } from './onnxAgreement';
import { onnxOpTypes } from './protobufReader';

function only(ids: Partial<Record<string, number[]>>): FeatureSelection {
  const s = selectionNone();
  for (const [id, sigmas] of Object.entries(ids)) s.selected[id as keyof typeof s.selected] = s.scales.map((sc) => sigmas!.includes(sc.sigma));
  return s;
}

/** The selection with the scale column σ computed slice by slice. */
function in2D(selection: FeatureSelection, sigma: number): FeatureSelection {
  selection.scales.forEach((s) => { if (s.sigma === sigma) s.in2D = true; });
  return selection;
}

describe('ONNX export agrees with our prediction (onnxruntime-node)', () => {
  const cases: [string, { z: number; y: number; x: number }, FeatureSelection, 2 | 3, number][] = [
    ['2D, all 49 features, 2 classes', { z: 1, y: 70, x: 90 }, selectionAll(), 2, 1],
    ['2D, light features, 3 classes, 2 channels', { z: 1, y: 64, x: 72 }, selectionDefaultLight(), 3, 2],
    ['3D, light features, 3 classes', { z: 20, y: 28, x: 30 }, selectionDefaultLight(), 3, 1],
    ['3D, structure tensor and Hessian, 2 classes', { z: 18, y: 24, x: 26 }, only({ StructureTensorEigenvalues: [0.7, 1.6], HessianOfGaussianEigenvalues: [1.0, 1.6], GaussianSmoothing: [0.3] }), 2, 1],
    ['3D, σ=3.5 computed in 2D (the thin-stack fallback), DoG and gradient magnitude', { z: 10, y: 30, x: 32 }, in2D(only({ GaussianSmoothing: [1.0, 3.5], DifferenceOfGaussians: [3.5], GaussianGradientMagnitude: [1.0] }), 3.5), 2, 1],
    // Issue #15: σ in µm on an anisotropic stack (0.4 × 0.5 × 1.5 µm) → per-axis kernels; and only channels 0, 2 of 3.
    ['3D, physical units, anisotropic per-axis kernels', { z: 16, y: 26, x: 28 },
      selectionForImage({ ...only({ GaussianSmoothing: [0.7], HessianOfGaussianEigenvalues: [1.6], StructureTensorEigenvalues: [1.0] }), scaleUnit: 'physical' },
        { name: 'aniso', shape: { z: 16, y: 26, x: 28, c: 1 }, pixelSize: { x: 0.4, y: 0.5, z: 1.5, unit: 'µm' } }), 2, 1],
    ['2D, feature channels 0 and 2 of 3', { z: 1, y: 48, x: 56 }, { ...selectionDefaultLight(), featureChannels: [0, 2] }, 2, 3],
  ];
  it.each(cases)('%s', async (_name, shape, selection, nClasses, channels) => {
    const s = scene(shape, nClasses, channels);
    const { forest, features } = trainOnScene(s, selection, nClasses);
    const n = shape.z * shape.y * shape.x;
    const model = buildClassifierOnnx({
      selection, spatialDims: shape.z > 1 ? 3 : 2, nInputChannels: channels, forest,
      classNames: Array.from({ length: nClasses }, (_, k) => `c${k + 1}`), producerVersion: 'test',
    });
    const { data, dims } = await runOnnx(model.bytes, s);
    expect(dims).toEqual([1, nClasses, ...(shape.z > 1 ? [shape.z] : []), shape.y, shape.x]);
    const a = agreement(ourPrediction(forest, features, n), data, nClasses);
    expect(a.argmaxAgreement).toBeGreaterThanOrEqual(0.999);
    expect(a.meanAbsDiff).toBeLessThanOrEqual(1e-3);
  });
});

describe('buildClassifierOnnx', () => {
  const s = scene({ z: 1, y: 40, x: 40 }, 2);
  const { forest } = trainOnScene(s, selectionDefaultLight(), 2, 3);

  it('uses only standard operators: Pad(reflect)+Conv per pass, elementwise maths, one ai.onnx.ml TreeEnsembleClassifier', () => {
    const model = buildClassifierOnnx({ selection: selectionDefaultLight(), spatialDims: 2, nInputChannels: 1, forest, classNames: ['a', 'b'], producerVersion: 't' });
    const ops = onnxOpTypes(model.bytes);
    expect(ops.filter((o) => o === 'TreeEnsembleClassifier')).toHaveLength(1);
    expect(ops.filter((o) => o === 'Pad').length).toBe(ops.filter((o) => o === 'Conv').length);
    expect(new Set(ops)).toEqual(new Set(['Pad', 'Conv', 'Sub', 'Add', 'Mul', 'Sqrt', 'Concat', 'Transpose', 'Reshape', 'TreeEnsembleClassifier', 'Shape', 'Slice']));
    expect(model.featureNames[0]).toBe('Gaussian Smoothing (σ=0.3)');
    expect(model.forest).toMatchObject({ trees: 3 });
  });

  it('refuses a forest trained on another feature count, and mismatched class names', () => {
    expect(() => buildClassifierOnnx({ selection: selectionAll(), spatialDims: 2, nInputChannels: 1, forest, classNames: ['a', 'b'], producerVersion: 't' }))
      .toThrow(/gives 49 channels for 1-channel 2D images, but the classifier was trained on 13/);
    expect(() => buildClassifierOnnx({ selection: selectionDefaultLight(), spatialDims: 2, nInputChannels: 1, forest, classNames: ['a'], producerVersion: 't' }))
      .toThrow(/1 class names for a forest of 2 classes/);
  });
});
