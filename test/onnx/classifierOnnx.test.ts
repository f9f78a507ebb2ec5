import { describe, expect, it } from 'vitest';
import { selectionAll, selectionDefaultLight, selectionNone, type FeatureSelection } from '../../extension/core/features/featureSet';
import { buildClassifierOnnx } from '../../extension/core/onnx/classifierOnnx';
import { agreement, ourPrediction, runOnnx, scene, trainOnScene } from './onnxAgreement';

function only(ids: Partial<Record<string, number[]>>): FeatureSelection {
  const s = selectionNone();
  for (const [id, sigmas] of Object.entries(ids)) s.selected[id as keyof typeof s.selected] = s.scales.map((sc) => sigmas!.includes(sc.sigma));
  return s;
}

describe('ONNX export agrees with our prediction (onnxruntime-node)', () => {
  const cases: [string, { z: number; y: number; x: number }, FeatureSelection, 2 | 3, number][] = [
    ['2D, all 49 features, 2 classes', { z: 1, y: 70, x: 90 }, selectionAll(), 2, 1],
    ['2D, light features, 3 classes, 2 channels', { z: 1, y: 64, x: 72 }, selectionDefaultLight(), 3, 2],
    ['3D, light features, 3 classes', { z: 20, y: 28, x: 30 }, selectionDefaultLight(), 3, 1],
    ['3D, structure tensor and Hessian, 2 classes', { z: 18, y: 24, x: 26 }, only({ StructureTensorEigenvalues: [0.7, 1.6], HessianOfGaussianEigenvalues: [1.0, 1.6], GaussianSmoothing: [0.3] }), 2, 1],
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
    console.log(_name, JSON.stringify(a), `${model.bytes.length} bytes, ${model.nodeCount} nodes`);
    expect(a.argmaxAgreement).toBeGreaterThanOrEqual(0.999);
    expect(a.meanAbsDiff).toBeLessThanOrEqual(1e-3);
  });
});
