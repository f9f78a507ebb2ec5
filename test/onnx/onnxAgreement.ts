/**
 * Shared by the ONNX tests: train a small forest on generated images with our engine, export it, run the
 * model with onnxruntime-node, and compare with our own prediction.
 */
import * as ort from 'onnxruntime-node';
import { computeFeatures } from '../../extension/core/features/computeFeatureBlock';
import type { FeatureSelection } from '../../extension/core/features/featureSet';
import { predictProbabilities, trainForest, type Forest } from '../../extension/core/forest/index';
import { lcg } from '../cli/generatedImages';

/** A generated multi-class image: blobs/shells of different brightness on noise, ground truth 1..K. */
export interface Scene {
  shape: { z: number; y: number; x: number };
  channels: number;
  /** [channel][z][y][x] float32 raw intensities. */
  pixels: Float32Array;
  truth: Uint8Array;
}

/** Bright balls (class 2), dim balls (class 3 when K = 3) on a noisy background (class 1). */
export function scene(shape: { z: number; y: number; x: number }, nClasses: 2 | 3, channels = 1, seed = 5): Scene {
  const random = lcg(seed);
  const n = shape.z * shape.y * shape.x;
  const truth = new Uint8Array(n).fill(1);
  const balls = Array.from({ length: Math.max(3, Math.round(n / (shape.z > 1 ? 900 : 400))) }, (_, i) => ({
    z: shape.z * random(), y: shape.y * random(), x: shape.x * random(), r: 3 + 4 * random(), k: nClasses === 3 && i % 2 ? 3 : 2,
  }));
  const pixels = new Float32Array(channels * n);
  for (let z = 0; z < shape.z; z++) for (let y = 0; y < shape.y; y++) for (let x = 0; x < shape.x; x++) {
    const i = (z * shape.y + y) * shape.x + x;
    for (const b of balls) if ((z - b.z) ** 2 + (y - b.y) ** 2 + (x - b.x) ** 2 <= b.r ** 2) truth[i] = b.k;
    for (let c = 0; c < channels; c++) {
      const level = truth[i] === 2 ? 3000 : truth[i] === 3 ? 1800 : 1000;
      pixels[c * n + i] = Math.round((c === 0 ? level : 4000 - level) + (random() + random() + random() - 1.5) * 400);
    }
  }
  return { shape, channels, pixels, truth };
}

/** Trains a forest on sparse labels (every 5th voxel) of the scene's features. */
export function trainOnScene(s: Scene, selection: FeatureSelection, nClasses: number, nTrees = 20): { forest: Forest; features: Float32Array; nFeatures: number } {
  const n = s.shape.z * s.shape.y * s.shape.x;
  const features = computeFeatures(s.pixels, s.shape, selection, { nInputChannels: s.channels });
  const nFeatures = features.length / n;
  const picked: number[] = [];
  for (let i = 0; i < n; i += 5) picked.push(i);
  const X = new Float32Array(picked.length * nFeatures);
  const y = new Uint8Array(picked.length);
  picked.forEach((p, row) => {
    for (let f = 0; f < nFeatures; f++) X[row * nFeatures + f] = features[f * n + p];
    y[row] = s.truth[p];
  });
  return { forest: trainForest(X, y, nFeatures, { nClasses, nTrees, seed: 1 }), features, nFeatures };
}

/** Runs an ONNX model on the scene; returns the probabilities [class][voxel] and their dims. */
export async function runOnnx(bytes: Uint8Array, s: Scene): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const spatial = s.shape.z > 1 ? [s.shape.z, s.shape.y, s.shape.x] : [s.shape.y, s.shape.x];
    const input = new ort.Tensor('float32', s.pixels, [1, s.channels, ...spatial]);
    const out = await session.run({ [session.inputNames[0]]: input });
    const t = out[session.outputNames[0]];
    return { data: t.data as Float32Array, dims: t.dims };
  } finally {
    await session.release();
  }
}

/** Agreement of two class-major probability maps: share of equal argmax, mean and max |Δp|. */
export function agreement(ours: Float32Array, theirs: Float32Array, nClasses: number): { argmaxAgreement: number; meanAbsDiff: number; maxAbsDiff: number } {
  const n = ours.length / nClasses;
  let same = 0, sum = 0, max = 0;
  for (let p = 0; p < n; p++) {
    let a = 0, b = 0;
    for (let k = 0; k < nClasses; k++) {
      const d = Math.abs(ours[k * n + p] - theirs[k * n + p]);
      sum += d;
      max = Math.max(max, d);
      if (ours[k * n + p] > ours[a * n + p]) a = k;
      if (theirs[k * n + p] > theirs[b * n + p]) b = k;
    }
    if (a === b) same++;
  }
  return { argmaxAgreement: same / n, meanAbsDiff: sum / (n * nClasses), maxAbsDiff: max };
}

/** Our prediction from precomputed features. */
export function ourPrediction(forest: Forest, features: Float32Array, n: number): Float32Array {
  return predictProbabilities(forest, features, n);
}
