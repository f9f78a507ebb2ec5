/**
 * Label and prediction overlays as RGBA: pure functions over plain arrays (no DOM).
 *
 * Predictions of one (t, z) plane are kept in a {@link PredictionPlane}: uint8 probabilities
 * round(255·p), class-major [class][row][column] over the whole plane, plus a coverage mask of the
 * pixels some tile has delivered. Tiles (`prediction/tile`) are copied in with {@link compositeTile}.
 */
import type { PixelBox } from '../../extension/protocol';
import { clipBox } from './stroke';

/** RGBA palette indexed by class id (256 × 4 bytes); id 0 is transparent. */
export function classPalette(colors: readonly { id: number; rgb: readonly [number, number, number] }[]): Uint8Array {
  const palette = new Uint8Array(256 * 4);
  for (const { id, rgb } of colors) {
    if (id < 1 || id > 255) continue;
    palette[id * 4] = rgb[0]; palette[id * 4 + 1] = rgb[1]; palette[id * 4 + 2] = rgb[2]; palette[id * 4 + 3] = 255;
  }
  return palette;
}

/**
 * Renders the label ids of `box` (of a plane `planeWidth` wide) into `out` (RGBA of box.width × box.height)
 * through `palette`; unknown ids (no colour) are transparent.
 */
export function renderLabels(labels: Uint8Array, planeWidth: number, box: PixelBox, palette: Uint8Array, out: Uint8ClampedArray): void {
  // Whole-pixel copies: the palette's 4 bytes per id are read and written as one word (byte order kept).
  const palette32 = new Uint32Array(palette.buffer, palette.byteOffset, 256);
  const out32 = new Uint32Array(out.buffer, out.byteOffset, box.width * box.height);
  for (let r = 0; r < box.height; r++) {
    let i = (box.row + r) * planeWidth + box.column;
    let o = r * box.width;
    for (let c = 0; c < box.width; c++, i++, o++) out32[o] = palette32[labels[i]];
  }
}

/** Copies a row-major patch of `box` into a plane `planeWidth` wide. */
export function applyPatch(labels: Uint8Array, planeWidth: number, box: PixelBox, data: Uint8Array): void {
  for (let r = 0; r < box.height; r++) {
    labels.set(data.subarray(r * box.width, (r + 1) * box.width), (box.row + r) * planeWidth + box.column);
  }
}

/** Predictions of one (t, z) plane (see module doc). */
export interface PredictionPlane {
  width: number;
  height: number;
  nClasses: number;
  /** uint8 round(255·p), class-major [class][row][column]. */
  probs: Uint8Array;
  /** 1 where a tile has delivered probabilities. */
  covered: Uint8Array;
  /** Generation of the newest tile composited. */
  generation: number;
}

/** A new empty prediction plane. */
export function createPredictionPlane(width: number, height: number, nClasses: number): PredictionPlane {
  return { width, height, nClasses, probs: new Uint8Array(nClasses * width * height), covered: new Uint8Array(width * height), generation: -1 };
}

/**
 * Copies a tile (class-major [class][row][column] over `box`) into the plane, clipped to the plane.
 * Returns the clipped box actually written.
 */
export function compositeTile(plane: PredictionPlane, box: PixelBox, tile: Uint8Array): PixelBox {
  const clip = clipBox(box, plane.width, plane.height);
  const n = plane.width * plane.height;
  const tileN = box.width * box.height;
  const k = Math.min(plane.nClasses, Math.floor(tile.length / Math.max(1, tileN)));
  for (let cls = 0; cls < k; cls++) {
    for (let r = clip.row; r < clip.row + clip.height; r++) {
      const src = cls * tileN + (r - box.row) * box.width + (clip.column - box.column);
      plane.probs.set(tile.subarray(src, src + clip.width), cls * n + r * plane.width + clip.column);
    }
  }
  for (let r = clip.row; r < clip.row + clip.height; r++) {
    plane.covered.fill(1, r * plane.width + clip.column, r * plane.width + clip.column + clip.width);
  }
  return clip;
}

/** Probabilities (0..1) at a pixel, or undefined when no tile covers it. */
export function probabilitiesAt(plane: PredictionPlane, column: number, row: number): number[] | undefined {
  if (column < 0 || row < 0 || column >= plane.width || row >= plane.height) return undefined;
  const i = row * plane.width + column;
  if (!plane.covered[i]) return undefined;
  const n = plane.width * plane.height;
  const out: number[] = [];
  for (let k = 0; k < plane.nClasses; k++) out.push(plane.probs[k * n + i] / 255);
  return out;
}

/** Overlay kinds computed from predictions. */
export type OverlayKind = 'probabilities' | 'segmentation' | 'uncertainty';

/**
 * Renders one overlay of `box` into `out` (RGBA box.width × box.height). `palette` holds class colours
 * (index = class id = 1 + class index); `lut` (256×3) colours the uncertainty.
 * - probabilities: colour = Σ p_k·colour_k / Σ p_k, alpha = 255·p_max (confident pixels are opaque);
 * - segmentation: colour of the argmax class (first class wins ties), alpha 255;
 * - uncertainty: u = 1 − (p_max − p_second) through `lut`, alpha 255.
 * Pixels no tile covers are transparent.
 */
export function renderPredictionOverlay(plane: PredictionPlane, box: PixelBox, kind: OverlayKind, palette: Uint8Array, lut: Uint8Array, out: Uint8ClampedArray): void {
  const { width, nClasses, probs, covered } = plane;
  const n = width * plane.height;
  for (let r = 0; r < box.height; r++) {
    let i = (box.row + r) * width + box.column;
    let o = r * box.width * 4;
    for (let c = 0; c < box.width; c++, i++, o += 4) {
      if (!covered[i]) { out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0; continue; }
      let best = -1, second = -1, bestK = 0, sum = 0, sr = 0, sg = 0, sb = 0;
      for (let k = 0; k < nClasses; k++) {
        const p = probs[k * n + i];
        if (p > best) { second = best; best = p; bestK = k; } else if (p > second) second = p;
        if (kind === 'probabilities') {
          const q = (k + 1) * 4;
          sum += p; sr += p * palette[q]; sg += p * palette[q + 1]; sb += p * palette[q + 2];
        }
      }
      if (second < 0) second = 0;
      if (kind === 'probabilities') {
        if (sum === 0) { out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0; continue; }
        out[o] = Math.round(sr / sum); out[o + 1] = Math.round(sg / sum); out[o + 2] = Math.round(sb / sum); out[o + 3] = best;
      } else if (kind === 'segmentation') {
        const q = (bestK + 1) * 4;
        out[o] = palette[q]; out[o + 1] = palette[q + 1]; out[o + 2] = palette[q + 2]; out[o + 3] = 255;
      } else {
        const u = 255 - (best - second);
        out[o] = lut[u * 3]; out[o + 1] = lut[u * 3 + 1]; out[o + 2] = lut[u * 3 + 2]; out[o + 3] = 255;
      }
    }
  }
}

/** Bounding box of the non-zero labels of a plane (`width` wide), or undefined when it has none. */
export function labelBounds(labels: Uint8Array, width: number, height: number): PixelBox | undefined {
  let r0 = -1, r1 = -1, c0 = width, c1 = -1;
  for (let r = 0; r < height; r++) {
    const row = labels.subarray(r * width, (r + 1) * width);
    let first = -1;
    // Fast skip of empty rows: most of a label plane is 0.
    for (let c = 0; c < width; c++) if (row[c] !== 0) { first = c; break; }
    if (first < 0) continue;
    let last = first;
    for (let c = width - 1; c > first; c--) if (row[c] !== 0) { last = c; break; }
    if (r0 < 0) r0 = r;
    r1 = r;
    if (first < c0) c0 = first;
    if (last > c1) c1 = last;
  }
  if (r0 < 0) return undefined;
  return { column: c0, row: r0, width: c1 - c0 + 1, height: r1 - r0 + 1 };
}
