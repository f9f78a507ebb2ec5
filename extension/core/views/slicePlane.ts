/**
 * The three orthogonal views of a volume (issue #15) as pure geometry: which 2D plane of the (z, y, x) volume a view
 * shows, and how its pixels map to voxels.
 *
 * Layout (Fiji's "Orthogonal Views", ilastik's three views): the xy view shows rows = y, columns = x at slice z; the
 * xz view (drawn below it, sharing the x axis) shows rows = z, columns = x at row y; the yz view (drawn to its right,
 * sharing the y axis) shows rows = y, columns = z at column x. A plane is always row-major, column fastest.
 */
import type { Box, VolumeShape } from '../features/box';

/** Which plane a view shows. */
export type Orientation = 'xy' | 'xz' | 'yz';

/** Every orientation, xy first. */
export const ORIENTATIONS: readonly Orientation[] = ['xy', 'xz', 'yz'];

/** True for a known orientation. */
export function isOrientation(v: unknown): v is Orientation {
  return v === 'xy' || v === 'xz' || v === 'yz';
}

/** One plane of one time point: the view's orientation and the index along the axis it cuts (z, y or x). */
export interface SliceRef {
  orientation: Orientation;
  t: number;
  /** z for xy, y for xz, x for yz. */
  index: number;
}

/** Width (columns) and height (rows) of a view's plane. */
export function planeSizeOf(shape: VolumeShape, orientation: Orientation): { width: number; height: number } {
  switch (orientation) {
    case 'xy': return { width: shape.x, height: shape.y };
    case 'xz': return { width: shape.x, height: shape.z };
    case 'yz': return { width: shape.z, height: shape.y };
  }
}

/** Number of slices along the axis a view cuts (z for xy, y for xz, x for yz). */
export function sliceCount(shape: VolumeShape, orientation: Orientation): number {
  return orientation === 'xy' ? shape.z : orientation === 'xz' ? shape.y : shape.x;
}

/** The voxel (z, y, x) shown at (column, row) of the plane at `index`. */
export function planeToVoxel(orientation: Orientation, index: number, column: number, row: number): { z: number; y: number; x: number } {
  switch (orientation) {
    case 'xy': return { z: index, y: row, x: column };
    case 'xz': return { z: row, y: index, x: column };
    case 'yz': return { z: column, y: row, x: index };
  }
}

/** Where voxel (z, y, x) appears in a view: its slice index and (column, row). */
export function voxelToPlane(orientation: Orientation, voxel: { z: number; y: number; x: number }): { index: number; column: number; row: number } {
  switch (orientation) {
    case 'xy': return { index: voxel.z, column: voxel.x, row: voxel.y };
    case 'xz': return { index: voxel.y, column: voxel.x, row: voxel.z };
    case 'yz': return { index: voxel.x, column: voxel.z, row: voxel.y };
  }
}

/** The 3D box of the volume that a 2D box (column, row, width, height) of the plane at `index` covers. */
export function planeBoxToVolume(orientation: Orientation, index: number, box: { column: number; row: number; width: number; height: number }): Box {
  switch (orientation) {
    case 'xy': return { z0: index, nz: 1, y0: box.row, ny: box.height, x0: box.column, nx: box.width };
    case 'xz': return { z0: box.row, nz: box.height, y0: index, ny: 1, x0: box.column, nx: box.width };
    case 'yz': return { z0: box.column, nz: box.width, y0: box.row, ny: box.height, x0: index, nx: 1 };
  }
}

/**
 * Reorders values of a {@link planeBoxToVolume} box, read in the volume's [z][y][x] order (with `perVoxel` values per
 * voxel for each of `blocks` leading blocks, e.g. classes), into the plane's [row][column] order. Only the yz view
 * differs (the volume order is [z][y] = [column][row]); the others are returned as they are.
 */
export function volumeOrderToPlane<T extends { length: number; [i: number]: number }>(
  orientation: Orientation, box: { width: number; height: number }, values: T, blocks = 1, make: (n: number) => T = (n) => new (values.constructor as new (n: number) => T)(n),
): T {
  if (orientation !== 'yz') return values;
  const { width, height } = box; // width = nz, height = ny
  const n = width * height;
  const out = make(n * blocks);
  for (let b = 0; b < blocks; b++) {
    const base = b * n;
    for (let column = 0; column < width; column++) {
      const from = base + column * height;
      for (let row = 0; row < height; row++) out[base + row * width + column] = values[from + row];
    }
  }
  return out;
}

/**
 * Flat index into a dense [t][z][y][x] volume of every pixel of a plane: `indices[row * width + column]`. The label
 * tools rasterise in plane coordinates; this turns their plane indices into voxels.
 */
export function planeVoxelIndex(shape: VolumeShape & { t: number }, slice: SliceRef): (planeIndex: number) => number {
  const { width } = planeSizeOf(shape, slice.orientation);
  const planeXY = shape.y * shape.x;
  const base = slice.t * shape.z * planeXY;
  switch (slice.orientation) {
    case 'xy': {
      const offset = base + slice.index * planeXY;
      return (i) => offset + i;
    }
    case 'xz': {
      const offset = base + slice.index * shape.x;
      return (i) => { const row = Math.floor(i / width); return offset + row * planeXY + (i - row * width); };
    }
    case 'yz': {
      const offset = base + slice.index;
      return (i) => { const row = Math.floor(i / width); return offset + (i - row * width) * planeXY + row * shape.x; };
    }
  }
}
