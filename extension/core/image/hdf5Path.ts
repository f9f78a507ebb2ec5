/**
 * Paths of HDF5 datasets as ilastik writes them (issue #17): the file path followed by the dataset's path
 * inside it, e.g. `data/cells.h5/exported_data` or `stack.hdf5/volumes/raw`. The split happens after the first
 * path component ending in an HDF5 extension.
 */

/** File name extensions of HDF5 files. */
export const HDF5_EXTENSIONS = ['.h5', '.hdf5', '.hdf', '.ilp'];

/** True when `name` ends in an HDF5 extension (case-insensitive). */
export function isHdf5Name(name: string): boolean {
  const lower = name.toLowerCase();
  return HDF5_EXTENSIONS.some((e) => lower.endsWith(e));
}

/**
 * Splits `p` into the HDF5 file and the dataset inside it (`undefined` when `p` names no dataset), accepting
 * `/` and the platform separator before the file part, `/` inside the file.
 * @example splitHdf5Path('a/b.h5/exported_data') → { file: 'a/b.h5', dataset: '/exported_data' }
 */
export function splitHdf5Path(p: string): { file: string; dataset: string | undefined } | undefined {
  const parts = p.split(/([\\/])/);
  let file = '';
  for (let i = 0; i < parts.length; i += 2) {
    file += parts[i];
    if (isHdf5Name(parts[i]) && parts[i] !== '') {
      const rest = parts.slice(i + 2).join('').replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
      return { file, dataset: rest === '' ? undefined : `/${rest}` };
    }
    if (i + 1 < parts.length) file += parts[i + 1];
  }
  return undefined;
}

/**
 * The name to show for an image path: the file name, or for an HDF5 dataset the file name and the dataset
 * (`cells.h5/exported_data`).
 */
export function imageDisplayName(p: string): string {
  const split = splitHdf5Path(p);
  const base = (f: string) => f.slice(Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\')) + 1);
  return split?.dataset ? `${base(split.file)}${split.dataset}` : base(p);
}
