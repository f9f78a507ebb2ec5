/**
 * Generated test images for the CLI/batch tests: bright discs (class 2) on a noisy background (class 1),
 * with scribbled labels, written as TIFF with the project's own writer. Deterministic (LCG seeded).
 */
import { writeFileSync } from 'node:fs';
import { encodeTiff } from '../../extension/core/image/tiffWriter';

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

export interface BlobImage {
  pixels: Uint16Array;
  /** Ground truth: 1 background, 2 disc. */
  truth: Uint8Array;
  width: number;
  height: number;
}

/** Discs of intensity ~3000 on background ~1000, Gaussian-ish noise σ≈150. */
export function blobImage(width: number, height: number, seed: number): BlobImage {
  const random = lcg(seed);
  const pixels = new Uint16Array(width * height);
  const truth = new Uint8Array(width * height).fill(1);
  const discs = Array.from({ length: Math.max(2, Math.round((width * height) / 1500)) }, () => ({
    r: height * random(), c: width * random(), radius: 4 + 6 * random(),
  }));
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const i = row * width + column;
      for (const d of discs) if ((row - d.r) ** 2 + (column - d.c) ** 2 <= d.radius ** 2) truth[i] = 2;
      const noise = (random() + random() + random() - 1.5) * 300;
      pixels[i] = Math.max(0, Math.round((truth[i] === 2 ? 3000 : 1000) + noise));
    }
  }
  return { pixels, truth, width, height };
}

/** Sparse labels: every 7th row, every 3rd pixel of it, labelled with the truth. */
export function scribbles(image: BlobImage): Uint8Array {
  const labels = new Uint8Array(image.width * image.height);
  for (let row = 3; row < image.height; row += 7) {
    for (let column = 1; column < image.width; column += 3) labels[row * image.width + column] = image.truth[row * image.width + column];
  }
  return labels;
}

export function writeUint16Tiff(file: string, pixels: Uint16Array, width: number, height: number): void {
  writeFileSync(file, encodeTiff([pixels], { width, height, dtype: 'uint16' }));
}

export function writeUint8Tiff(file: string, pixels: Uint8Array, width: number, height: number): void {
  writeFileSync(file, encodeTiff([pixels], { width, height, dtype: 'uint8' }));
}
