import { type Forest, ForestTrainingError } from './forestModel';
import { forestKernel } from './forestKernel';

export { PREDICT_BLOCK } from './forestKernel';

/**
 * Per-class probabilities of every pixel: the mean over trees of the class distribution of the leaf
 * each pixel reaches (a pixel goes left when `value <= threshold`; NaN goes right).
 *
 * Runs in this thread's WebAssembly kernel (extension/wasm/forestWalk.ts): pixels are processed in
 * blocks of {@link PREDICT_BLOCK}, each block's features are copied once into the kernel's memory and
 * every tree walks the block eight pixels at a time; sums are accumulated in float64 in tree order, so
 * the result does not depend on how pixels are split over calls or workers.
 *
 * @param forest trained forest
 * @param features channel-major `[feature][pixel]` float32, `forest.nFeatures × nPixels` values
 * @param nPixels number of pixels (the stride between feature planes)
 * @param out optional output, class-major `[class][pixel]`, `nClasses × nPixels` float32; reused if given
 * @param range optional pixel sub-range `[start, end)` to compute (other pixels of `out` are untouched);
 *   lets workers fill disjoint parts of one shared output
 * @returns `out`: probabilities of class k+1 at `out[k*nPixels + p]`, summing to 1 over classes
 * @example
 * const probs = predictProbabilities(forest, features, width * height);
 * const pForeground = probs.subarray(width * height, 2 * width * height); // class 2
 */
export function predictProbabilities(
  forest: Forest, features: Float32Array, nPixels: number, out?: Float32Array, range?: [number, number],
): Float32Array {
  const F = forest.nFeatures;
  const K = forest.nClasses;
  if (features.length !== F * nPixels) {
    throw new ForestTrainingError(`feature array has ${features.length} values, expected ${F} features × ${nPixels} pixels = ${F * nPixels}`);
  }
  if (forest.trees.length === 0) throw new ForestTrainingError('the forest has no trees');
  const result = out ?? new Float32Array(K * nPixels);
  if (result.length !== K * nPixels) {
    throw new ForestTrainingError(`output has ${result.length} values, expected ${K} classes × ${nPixels} pixels = ${K * nPixels}`);
  }
  const [first, last] = range ?? [0, nPixels];
  if (!(first >= 0 && last <= nPixels && first <= last)) throw new ForestTrainingError(`pixel range [${first}, ${last}) is outside [0, ${nPixels})`);
  forestKernel().predict(forest, features, nPixels, result, first, last);
  return result;
}
