/**
 * Reads a box of one plane of any of the three views (issue #15) in the plane's row-major order, in the file's
 * sample type: the xy plane through the reader's region path, xz/yz as a one-voxel-thick 3D box
 * ({@link readImageBox}) reordered to rows/columns.
 */
import type { ImageSource, PixelArray, PlaneRegion } from '../image/imageModel';
import { readImageBox } from '../image/readImageBox';
import { planeBoxToVolume, volumeOrderToPlane, type Orientation } from './slicePlane';

/**
 * @param index the slice index along the axis the view cuts (z for xy, y for xz, x for yz)
 * @param box rows/columns of that view's plane
 */
export async function readSliceRegion(source: ImageSource, orientation: Orientation, t: number, index: number, c: number, box: PlaneRegion): Promise<PixelArray> {
  if (orientation === 'xy') return source.readRegion(t, index, c, box);
  const plane = { column: box.x0, row: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0 };
  const values = await readImageBox(source, 0, t, c, planeBoxToVolume(orientation, index, plane));
  return volumeOrderToPlane(orientation, plane, values);
}
