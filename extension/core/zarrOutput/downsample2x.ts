/**
 * One pyramid step of an OME-Zarr export (issue #13): halves rows and columns. `mean` averages each 2×2 block (a
 * block cut by the image edge averages the pixels it has), for probabilities, uncertainty and features, where
 * the mean of probabilities is again a probability. `nearest` keeps the top-left pixel of each block, for label
 * images and segmentations, where a mean would invent classes between two neighbours (ome-zarr-py's label
 * pyramids do the same). uint8 means round half up; float32 means are computed in float64 and rounded once.
 */
import type { DownsampleMethod } from './omeZarrLayout';

/**
 * Downsamples a `height × width` plane into `ceil(height/2) × ceil(width/2)`.
 * @returns a new array of the same type as `source`
 */
export function downsample2x<T extends Float32Array | Uint8Array>(source: T, height: number, width: number, method: DownsampleMethod): T {
  const h = Math.ceil(height / 2);
  const w = Math.ceil(width / 2);
  const out = (source instanceof Uint8Array ? new Uint8Array(h * w) : new Float32Array(h * w)) as T;
  const isUint8 = source instanceof Uint8Array;
  for (let y = 0; y < h; y++) {
    const y0 = 2 * y;
    const y1 = Math.min(y0 + 1, height - 1);
    for (let x = 0; x < w; x++) {
      const x0 = 2 * x;
      if (method === 'nearest') {
        out[y * w + x] = source[y0 * width + x0];
        continue;
      }
      const x1 = Math.min(x0 + 1, width - 1);
      let sum = source[y0 * width + x0];
      let count = 1;
      if (x1 !== x0) { sum += source[y0 * width + x1]; count++; }
      if (y1 !== y0) {
        sum += source[y1 * width + x0];
        count++;
        if (x1 !== x0) { sum += source[y1 * width + x1]; count++; }
      }
      out[y * w + x] = isUint8 ? Math.floor(sum / count + 0.5) : sum / count;
    }
  }
  return out;
}
