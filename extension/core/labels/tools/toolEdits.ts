/**
 * Labelling tools as label edits (issue #16): what a tool computed (plane pixels) becomes one invertible edit
 * of the label volume, with "preserve labels" (write only unlabelled pixels); copying a slice's labels to the
 * next or previous slice; importing a mask image with a value → class mapping.
 */
import { createEdit, type LabelEdit } from '../labelEdit';
import type { LabelStore } from '../labelVolume';
import { planeSizeOf, planeVoxelIndex, sliceCount, type Orientation, type SliceRef } from '../../views/slicePlane';

/** Options shared by the tools. */
export interface ToolOptions {
  /** Only write pixels that are unlabelled now (brush, fill, polygon, wand, superpixels). */
  preserveLabels?: boolean;
  /** Undo-stack name. */
  label: string;
}

/**
 * The edit writing `classId` (0 = erase) to `planeIndices` of plane (t, z).
 * @returns undefined when nothing would change
 */
export function planeToolEdit(volume: LabelStore, t: number, z: number, planeIndices: ArrayLike<number>, classId: number, options: ToolOptions): LabelEdit | undefined {
  const offset = volume.planeOffset(t, z);
  const planeSize = volume.planeSize;
  const flat: number[] = [];
  for (let k = 0; k < planeIndices.length; k++) {
    const i = planeIndices[k];
    if (!(i >= 0 && i < planeSize)) throw new RangeError(`pixel ${i} is outside the plane (${planeSize} pixels)`);
    if (options.preserveLabels && classId !== 0 && volume.getAt(offset + i) !== 0) continue;
    flat.push(offset + i);
  }
  return createEdit(volume, flat, classId, options.label, classId);
}

/**
 * Copies the labelled pixels of slice `fromZ` to slice `toZ` (same t) as one edit; the target's other labels stay.
 * With `preserveLabels`, only unlabelled target pixels are written. In the xz or yz view (issue #15) the slices are
 * that view's: a row y or a column x of every z.
 */
export function copySliceEdit(volume: LabelStore, t: number, fromZ: number, toZ: number, options: ToolOptions, orientation: Orientation = 'xy'): LabelEdit | undefined {
  const source = labelSlice(volume, { orientation, t, index: fromZ });
  const target = labelSlice(volume, { orientation, t, index: toZ });
  const voxel = planeVoxelIndex(volume.shape, { orientation, t, index: toZ });
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const v = source[i];
    if (v === 0 || target[i] === v) continue;
    if (options.preserveLabels && target[i] !== 0) continue;
    indices.push(voxel(i));
    values.push(v);
  }
  return createEdit(volume, indices, values, options.label, 0);
}

/**
 * The edit that sets the labels from a mask of the same (t, z, y, x) shape: mask value v becomes class
 * `mapping.get(v)` (values without a mapping, and 0, leave the pixel as it is).
 * @param readPlane the mask's (t, z) plane, row-major
 */
export async function maskImportEdit(
  volume: LabelStore, readPlane: (t: number, z: number) => Promise<ArrayLike<number>>, mapping: ReadonlyMap<number, number>, options: ToolOptions,
): Promise<LabelEdit | undefined> {
  const indices: number[] = [];
  const values: number[] = [];
  for (let t = 0; t < volume.shape.t; t++) {
    for (let z = 0; z < volume.shape.z; z++) {
      const mask = await readPlane(t, z);
      const offset = volume.planeOffset(t, z);
      for (let i = 0; i < volume.planeSize; i++) {
        const cls = mapping.get(mask[i]);
        if (cls === undefined || mask[i] === 0) continue;
        if (options.preserveLabels && volume.getAt(offset + i) !== 0) continue;
        indices.push(offset + i);
        values.push(cls);
      }
    }
  }
  return createEdit(volume, indices, values, options.label, 0);
}

/** The distinct non-zero values of a mask (for the value → class mapping), ascending. */
export async function maskValues(shape: { t: number; z: number }, readPlane: (t: number, z: number) => Promise<ArrayLike<number>>, limit = 256): Promise<number[]> {
  const seen = new Set<number>();
  for (let t = 0; t < shape.t; t++) for (let z = 0; z < shape.z; z++) {
    const plane = await readPlane(t, z);
    for (let i = 0; i < plane.length; i++) {
      const v = plane[i];
      if (v !== 0) seen.add(v);
      if (seen.size > limit) throw new RangeError(`the mask has more than ${limit} distinct values; a label mask holds class numbers 0..N`);
    }
  }
  return [...seen].sort((a, b) => a - b);
}

/**
 * {@link planeToolEdit} for a plane of any of the three views (issue #15): `planeIndices` are pixels of the slice's
 * plane (row-major, see extension/core/views/slicePlane.ts), written as voxels of the volume.
 */
export function sliceToolEdit(volume: LabelStore, slice: SliceRef, planeIndices: ArrayLike<number>, classId: number, options: ToolOptions): LabelEdit | undefined {
  if (slice.orientation === 'xy') return planeToolEdit(volume, slice.t, slice.index, planeIndices, classId, options);
  const { width, height } = planeSizeOf(volume.shape, slice.orientation);
  if (!(slice.index >= 0 && slice.index < sliceCount(volume.shape, slice.orientation)) || !(slice.t >= 0 && slice.t < volume.shape.t)) {
    throw new RangeError(`${slice.orientation} slice ${slice.index} at t=${slice.t} is outside the label volume`);
  }
  const voxel = planeVoxelIndex(volume.shape, slice);
  const flat: number[] = [];
  for (let k = 0; k < planeIndices.length; k++) {
    const i = planeIndices[k];
    if (!(i >= 0 && i < width * height)) throw new RangeError(`pixel ${i} is outside the ${slice.orientation} plane (${width * height} pixels)`);
    const v = voxel(i);
    if (options.preserveLabels && classId !== 0 && volume.getAt(v) !== 0) continue;
    flat.push(v);
  }
  return createEdit(volume, flat, classId, options.label, classId);
}

/** The labels of one plane of any view, row-major (a copy for xz/yz; a view of the volume for xy). */
export function labelSlice(volume: LabelStore, slice: SliceRef): Uint8Array {
  if (slice.orientation === 'xy') return volume.plane(slice.t, slice.index);
  const { width, height } = planeSizeOf(volume.shape, slice.orientation);
  if (!(slice.index >= 0 && slice.index < sliceCount(volume.shape, slice.orientation)) || !(slice.t >= 0 && slice.t < volume.shape.t)) {
    throw new RangeError(`${slice.orientation} slice ${slice.index} at t=${slice.t} is outside the label volume`);
  }
  const voxel = planeVoxelIndex(volume.shape, slice);
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = volume.getAt(voxel(i));
  return out;
}
