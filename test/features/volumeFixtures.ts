/** Test data shared by the feature tests: deterministic noise volumes and crops of them. */
import { boxVolume, type Box } from '../../extension/core/features/box';

/** `n` pseudo-random values in [0, 255) from a fixed linear congruential sequence. */
export function noise(n: number, seed = 3): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) % 2147483648; a[i] = (s / 2147483648) * 255; }
  return a;
}

/** The voxels of `box` (layout [z][y][x]) cut out of a single-channel `volume` of extent `image`. */
export function crop(volume: Float32Array, image: { z: number; y: number; x: number }, box: Box): Float32Array {
  const out = new Float32Array(boxVolume(box));
  let o = 0;
  for (let z = box.z0; z < box.z0 + box.nz; z++) for (let y = box.y0; y < box.y0 + box.ny; y++) {
    const from = (z * image.y + y) * image.x + box.x0;
    out.set(volume.subarray(from, from + box.nx), o);
    o += box.nx;
  }
  return out;
}
