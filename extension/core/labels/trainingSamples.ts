/**
 * Training samples from sparse labels (issue #4): features are computed only around labelled pixels —
 * the bounding boxes of labelled pixels (plus the feature halo, which the feature computer adds) — never
 * for the whole image.
 */
import type { LabelStore } from './labelVolume';

/** A target box of one time point: z-slices [z, z+depth), rows [row, row+height), columns [column, column+width). */
export interface LabelBox {
  t: number;
  z: number;
  depth: number;
  row: number;
  column: number;
  width: number;
  height: number;
}

/** Options of {@link labelledBoxes}. */
export interface LabelledBoxesOptions {
  /** Feature halo in pixels (used only to decide when merging two boxes is cheaper). @default 0 */
  halo?: number;
  /** Tile edge (rows/columns) labels are grouped by before merging. @default 256 */
  tileSize?: number;
  /**
   * z-slices per box: 1 for 2D features (each plane separately), or the z extent of 3D blocks.
   * @default 1
   */
  tileDepth?: number;
}

/**
 * Tight bounding boxes around the labelled pixels of `volume`, in (t, z, row, column) order.
 *
 * Labels are first grouped per tile (so two scribbles in opposite corners do not produce one box covering the
 * whole image), then neighbouring boxes are merged greedily when the merged box including its halo is no larger
 * than the two boxes with their halos. Every labelled pixel lies in exactly one box.
 */
export function labelledBoxes(volume: LabelStore, options: LabelledBoxesOptions = {}): LabelBox[] {
  const halo = options.halo ?? 0;
  const tile = Math.max(1, options.tileSize ?? 256);
  const tileDepth = Math.max(1, Math.min(options.tileDepth ?? 1, volume.shape.z));
  const { t: nt, z: nz, y: height, x: width } = volume.shape;
  const tilesY = Math.ceil(height / tile);
  const tilesX = Math.ceil(width / tile);
  const result: LabelBox[] = [];
  for (let t = 0; t < nt; t++) {
    for (let zb = 0; zb < nz; zb += tileDepth) {
      const zEnd = Math.min(nz, zb + tileDepth);
      // Per tile: [minZ, maxZ, minRow, maxRow, minCol, maxCol]
      const bounds = new Int32Array(tilesY * tilesX * 6);
      for (let i = 0; i < tilesY * tilesX; i++) bounds.set([nz, -1, height, -1, width, -1], i * 6);
      let any = false;
      for (let z = zb; z < zEnd; z++) {
        const visit = (row: number, column: number): void => {
          const b = (Math.floor(row / tile) * tilesX + Math.floor(column / tile)) * 6;
          if (z < bounds[b]) bounds[b] = z;
          if (z > bounds[b + 1]) bounds[b + 1] = z;
          if (row < bounds[b + 2]) bounds[b + 2] = row;
          if (row > bounds[b + 3]) bounds[b + 3] = row;
          if (column < bounds[b + 4]) bounds[b + 4] = column;
          if (column > bounds[b + 5]) bounds[b + 5] = column;
        };
        // Only rectangles that can hold labels are scanned (a sparse store's blocks; the dense store's whole plane),
        // and labels are sparse: four unlabelled pixels are skipped per 32-bit word read (this scan runs on every
        // live update; byte by byte it took 60 ms on a 2048² plane).
        for (const rect of volume.candidateRects(t, z)) {
          for (let row = rect.row; row < rect.row + rect.height; row++) {
            const line = volume.row(t, z, row).subarray(rect.column, rect.column + rect.width);
            const aligned = line.byteOffset % 4 === 0;
            const words = aligned ? new Uint32Array(line.buffer, line.byteOffset, line.length >> 2) : new Uint32Array(0);
            for (let w = 0; w < words.length; w++) {
              if (words[w] === 0) continue;
              any = true;
              for (let i = 4 * w; i < 4 * w + 4; i++) if (line[i] !== 0) visit(row, rect.column + i);
            }
            for (let i = 4 * words.length; i < line.length; i++) {
              if (line[i] === 0) continue;
              any = true;
              visit(row, rect.column + i);
            }
          }
        }
      }
      if (!any) continue;
      let boxes: LabelBox[] = [];
      for (let i = 0; i < tilesY * tilesX; i++) {
        const b = i * 6;
        if (bounds[b + 1] < 0) continue;
        boxes.push({
          t, z: bounds[b], depth: bounds[b + 1] - bounds[b] + 1,
          row: bounds[b + 2], height: bounds[b + 3] - bounds[b + 2] + 1,
          column: bounds[b + 4], width: bounds[b + 5] - bounds[b + 4] + 1,
        });
      }
      boxes = mergeBoxes(boxes, halo, tileDepth > 1 ? halo : 0);
      boxes.sort((a, b) => a.z - b.z || a.row - b.row || a.column - b.column);
      result.push(...boxes);
    }
  }
  return result;
}

function cost(box: LabelBox, halo: number, haloZ: number): number {
  return (box.width + 2 * halo) * (box.height + 2 * halo) * (box.depth + 2 * haloZ);
}

function union(a: LabelBox, b: LabelBox): LabelBox {
  const z = Math.min(a.z, b.z), row = Math.min(a.row, b.row), column = Math.min(a.column, b.column);
  return {
    t: a.t, z, row, column,
    depth: Math.max(a.z + a.depth, b.z + b.depth) - z,
    height: Math.max(a.row + a.height, b.row + b.height) - row,
    width: Math.max(a.column + a.width, b.column + b.width) - column,
  };
}

function overlaps(a: LabelBox, b: LabelBox): boolean {
  return a.z < b.z + b.depth && b.z < a.z + a.depth && a.row < b.row + b.height && b.row < a.row + a.height
    && a.column < b.column + b.width && b.column < a.column + a.width;
}

/** Greedy merging until no pair is cheaper merged; overlapping boxes are always merged (a pixel must be in one box). */
function mergeBoxes(boxes: LabelBox[], halo: number, haloZ: number): LabelBox[] {
  let merged = true;
  while (merged) {
    merged = false;
    outer: for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const u = union(boxes[i], boxes[j]);
        if (overlaps(boxes[i], boxes[j]) || cost(u, halo, haloZ) <= cost(boxes[i], halo, haloZ) + cost(boxes[j], halo, haloZ)) {
          boxes[i] = u;
          boxes.splice(j, 1);
          merged = true;
          break outer;
        }
      }
    }
  }
  // A merged box may now overlap a box it was not compared with after growing; the loop above re-checks all
  // pairs after every merge, so the result has no overlaps.
  return boxes;
}

/**
 * Computes the features of one target box. Output layout: channel-major `[channel][z][row][column]` of the
 * target box (`nFeatures × depth × height × width` float32), as the feature block API returns it.
 */
export type BoxFeatureComputer = (box: LabelBox) => Promise<Float32Array>;

/** Training samples: `X` row-major `nSamples × nFeatures`, `y` class ids 1..K. */
export interface TrainingSamples {
  X: Float32Array;
  y: Uint8Array;
  nSamples: number;
  nFeatures: number;
  /** The boxes features were computed for (for diagnostics and tests). */
  boxes: LabelBox[];
}

/**
 * Extracts training samples of one image: for each labelled box, computes its features and gathers the
 * feature vectors of the labelled pixels. Samples are ordered by box, then z, row, column, so the same
 * labels always give the same sample order (the forest's determinism depends on it).
 *
 * @param computeFeatures computes the features of a target box (the halo is the computer's business)
 * @param nFeatures number of feature channels the computer returns
 * @param options box grouping, see {@link labelledBoxes}
 * @param signal optional cancellation; checked between boxes
 * @param onBox called after each box with the boxes done and in all (progress)
 */
export async function extractTrainingSamples(
  volume: LabelStore,
  computeFeatures: BoxFeatureComputer,
  nFeatures: number,
  options: LabelledBoxesOptions = {},
  signal?: AbortSignal,
  onBox?: (done: number, total: number) => void,
): Promise<TrainingSamples> {
  const boxes = labelledBoxes(volume, options);
  const nSamples = countLabelled(volume, boxes);
  const X = new Float32Array(nSamples * nFeatures);
  const y = new Uint8Array(nSamples);
  let s = 0;
  let boxesDone = 0;
  for (const box of boxes) {
    signal?.throwIfAborted();
    const features = await computeFeatures(box);
    const boxSize = box.depth * box.height * box.width;
    if (features.length !== boxSize * nFeatures) {
      throw new RangeError(`feature block has ${features.length} values, expected ${nFeatures} × ${boxSize}`);
    }
    for (let dz = 0; dz < box.depth; dz++) {
      for (let dr = 0; dr < box.height; dr++) {
        const line = volume.row(box.t, box.z + dz, box.row + dr);
        for (let dc = 0; dc < box.width; dc++) {
          const label = line[box.column + dc];
          if (label === 0) continue;
          const p = (dz * box.height + dr) * box.width + dc;
          const out = s * nFeatures;
          for (let f = 0; f < nFeatures; f++) X[out + f] = features[f * boxSize + p];
          y[s++] = label;
        }
      }
    }
    onBox?.(++boxesDone, boxes.length);
  }
  return { X, y, nSamples, nFeatures, boxes };
}

/**
 * Concatenates the samples of several images (in the given order) into one training set.
 * @param allocate the arrays to write them into (e.g. shared buffers reused from one training to the next: a
 *   project of many labelled images has hundreds of MB of samples); new arrays when absent
 */
export function concatSamples(
  parts: readonly TrainingSamples[], allocate?: (nSamples: number, nFeatures: number) => { X: Float32Array; y: Uint8Array },
): TrainingSamples {
  const nFeatures = parts.length > 0 ? parts[0].nFeatures : 0;
  for (const p of parts) if (p.nFeatures !== nFeatures) throw new RangeError('all images must have the same number of feature channels');
  const nSamples = parts.reduce((n, p) => n + p.nSamples, 0);
  const target = allocate?.(nSamples, nFeatures);
  if (target && (target.X.length !== nSamples * nFeatures || target.y.length !== nSamples)) {
    throw new RangeError(`allocated arrays of ${target.X.length} values and ${target.y.length} labels, expected ${nSamples * nFeatures} and ${nSamples}`);
  }
  const X = target?.X ?? new Float32Array(nSamples * nFeatures);
  const y = target?.y ?? new Uint8Array(nSamples);
  let s = 0;
  for (const p of parts) {
    X.set(p.X, s * nFeatures);
    y.set(p.y, s);
    s += p.nSamples;
  }
  return { X, y, nSamples, nFeatures, boxes: parts.flatMap((p) => p.boxes) };
}

function countLabelled(volume: LabelStore, boxes: LabelBox[]): number {
  let n = 0;
  for (const box of boxes) {
    for (let dz = 0; dz < box.depth; dz++) {
      for (let dr = 0; dr < box.height; dr++) {
        const line = volume.row(box.t, box.z + dz, box.row + dr);
        for (let dc = 0; dc < box.width; dc++) if (line[box.column + dc] !== 0) n++;
      }
    }
  }
  return n;
}
