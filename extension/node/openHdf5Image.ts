/**
 * Opens an HDF5 dataset as an image: `file.h5/path/to/dataset`, or `file.h5` alone when the file has one obvious
 * image dataset (ilastik's `exported_data`, else its only numeric dataset of rank ≥ 2).
 */
import * as path from 'node:path';
import type { Hdf5Dataset, Hdf5Group } from '../core/hdf5/hdf5Tree';
import { hdf5ImageSource } from '../core/image/hdf5ImageSource';
import { ImageError, type ImageOpenOptions, type ImageSource } from '../core/image/imageModel';
import { Hdf5Error, openHdf5 } from './hdf5File';

/** Image-like datasets of a group, recursively (paths). */
function imageDatasets(group: Hdf5Group, out: Hdf5Dataset[] = [], depth = 0): Hdf5Dataset[] {
  if (depth > 8) return out;
  for (const key of group.keys()) {
    const child = group.get(key);
    if (!child) continue;
    if (child.kind === 'dataset') {
      if (child.shape.length >= 2 && child.shape.length <= 5 && !['string', 'other', 'bool'].includes(child.dtype)) out.push(child);
    } else imageDatasets(child, out, depth + 1);
  }
  return out;
}

/** The image-like datasets of an HDF5 file (path, shape, sample type), for a choice. */
export async function listImageDatasets(file: string): Promise<{ path: string; shape: number[]; dtype: string }[]> {
  const h5 = await openHdf5(file);
  try {
    return imageDatasets(h5).map((d) => ({ path: d.path, shape: [...d.shape], dtype: d.dtype }));
  } finally {
    h5.close();
  }
}

/**
 * Opens `dataset` of the HDF5 file `file` (or picks the image dataset) as an ImageSource; the file stays open
 * until the image is closed.
 * @param displayName the name used in messages (the path as the user gave it)
 */
export async function openHdf5Image(file: string, dataset: string | undefined, displayName: string, options: ImageOpenOptions = {}): Promise<ImageSource> {
  let h5;
  try {
    h5 = await openHdf5(file);
  } catch (e) {
    if (e instanceof Hdf5Error) throw new ImageError(displayName, e.reason);
    throw e;
  }
  try {
    let target: Hdf5Dataset | undefined;
    if (dataset) {
      const node = h5.get(dataset);
      if (!node) throw new ImageError(displayName, `${path.basename(file)} has no dataset ${dataset}`);
      if (node.kind !== 'dataset') throw new ImageError(displayName, `${dataset} in ${path.basename(file)} is a group, not a dataset`);
      target = node;
    } else {
      const candidates = imageDatasets(h5);
      target = candidates.find((d) => d.path === '/exported_data') ?? (candidates.length === 1 ? candidates[0] : undefined);
      if (!target) {
        const list = candidates.slice(0, 8).map((d) => d.path.slice(1)).join(', ');
        throw new ImageError(displayName, candidates.length === 0
          ? `${path.basename(file)} holds no image dataset`
          : `${path.basename(file)} holds several datasets (${list}); name one, e.g. ${path.basename(file)}/${candidates[0].path.slice(1)}`);
      }
    }
    const chosen = target;
    return hdf5ImageSource(chosen, displayName, { ...options, close: () => h5.close() });
  } catch (e) {
    h5.close();
    if (e instanceof Hdf5Error) throw new ImageError(displayName, e.reason);
    if (e instanceof ImageError) throw e;
    // h5wasm's own errors on a damaged file (bad object headers, attributes, …) name the file too.
    throw new ImageError(displayName, `damaged HDF5 file (${e instanceof Error ? e.message : String(e)})`);
  }
}
