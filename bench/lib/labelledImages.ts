/**
 * Generated microscopy-like images with ground truth and brush-stroke labels, for the training benchmarks
 * (bench/training.ts). Seeded: the same images, labels and features on every run.
 */
import { computeFeatures } from '../../extension/core/features/computeFeatureBlock';
import { selectionAll } from '../../extension/core/features/featureSet';
import { TreeRandom } from '../../extension/core/forest/index';

/** A generated image: pixels and ground truth (1 background, 2 bright smooth blobs, 3 dim textured blobs). */
export interface TruthImage {
  size: number;
  pixels: Float32Array;
  truth: Uint8Array;
}

/** Blobs of two kinds (smooth bright, textured dim) on a noisy, uneven background; `seed` picks the image. */
export function truthImage(size: number, seed: number): TruthImage {
  const rng = new TreeRandom(2024 + seed, 0);
  const uniform = () => rng.nextUint32() / 4294967296;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const pixels = new Float32Array(size * size);
  const truth = new Uint8Array(size * size).fill(1);
  const nBlobs = Math.round((size * size) / 6000);
  for (let b = 0; b < nBlobs; b++) {
    const cy = uniform() * size, cx = uniform() * size, r = 6 + uniform() * 20;
    const kind = b % 2 === 0 ? 2 : 3;
    const r0 = Math.max(0, Math.floor(cy - r)), r1 = Math.min(size - 1, Math.ceil(cy + r));
    const c0 = Math.max(0, Math.floor(cx - r)), c1 = Math.min(size - 1, Math.ceil(cx + r));
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) if (Math.hypot(row - cy, col - cx) <= r) truth[row * size + col] = kind;
    }
  }
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = row * size + col;
      const t = truth[i];
      const texture = Math.sin(col * 0.9) * Math.sin(row * 0.7);
      const background = 0.3 + (0.1 * (row + col)) / size;
      pixels[i] = t === 2 ? 0.62 + 0.12 * gauss() : t === 3 ? 0.42 + 0.18 * texture + 0.12 * gauss() : background + 0.14 * gauss();
    }
  }
  return { size, pixels, truth };
}

/**
 * Pixels a user labels with brush dabs: discs of radius 4 around random centres, each dab labelled with the
 * class under its centre and covering only pixels of that class (a careful user), until `count` pixels are
 * labelled. Returns the labelled pixel indices in increasing order (the order training reads them).
 */
export function brushLabels(image: TruthImage, count: number, seed: number): Uint32Array {
  const { size, truth } = image;
  const rng = new TreeRandom(77 + seed, 1);
  const mask = new Uint8Array(size * size);
  let n = 0;
  const radius = 4;
  while (n < count) {
    const cy = rng.below(size);
    const cx = rng.below(size);
    const k = truth[cy * size + cx];
    for (let dy = -radius; dy <= radius && n < count; dy++) {
      for (let dx = -radius; dx <= radius && n < count; dx++) {
        const y = cy + dy, x = cx + dx;
        if (y < 0 || x < 0 || y >= size || x >= size || dx * dx + dy * dy > radius * radius) continue;
        const i = y * size + x;
        if (truth[i] === k && !mask[i]) { mask[i] = 1; n++; }
      }
    }
  }
  const out = new Uint32Array(n);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i]) out[j++] = i;
  return out;
}

/** Row-major samples (49 ilastik features) and labels of the given pixels of an image (features computed whole). */
export function pixelSamples(image: TruthImage, pixels: Uint32Array): { X: Float32Array; y: Uint8Array; features: number } {
  const features = computeFeatures(image.pixels, { z: 1, y: image.size, x: image.size }, selectionAll());
  const nPixels = image.size * image.size;
  const F = features.length / nPixels;
  const X = new Float32Array(pixels.length * F);
  const y = new Uint8Array(pixels.length);
  for (let s = 0; s < pixels.length; s++) {
    const p = pixels[s];
    y[s] = image.truth[p];
    for (let f = 0; f < F; f++) X[s * F + f] = features[f * nPixels + p];
  }
  return { X, y, features: F };
}
