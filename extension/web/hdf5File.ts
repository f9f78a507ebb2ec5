/**
 * HDF5 in the browser (counterpart of extension/node/hdf5File.ts, issue #20): h5wasm reads files through its
 * Emscripten file system on Node, which the web extension host does not have, so HDF5 files (`.h5`, ilastik `.ilp`)
 * are refused with {@link HDF5_IN_BROWSER}; the commands that need them are hidden in the browser (package.json
 * `when` clauses on `pixelClassifier.isWeb`).
 */
import type { Hdf5File } from '../core/hdf5/hdf5Tree';

/** Why HDF5 files do not open in the browser, and what to do instead. */
export const HDF5_IN_BROWSER = 'HDF5 files cannot be opened in the browser version of Pixel Classifier (it has no HDF5 library that reads through the workspace file system) — convert the image to OME-Zarr or TIFF, or use VS Code desktop';

/** An HDF5 file that cannot be read, with its name and the reason. */
export class Hdf5Error extends Error {
  constructor(readonly fileName: string, readonly reason: string) {
    super(`${fileName}: ${reason}`);
    this.name = 'Hdf5Error';
  }
}

/** @throws Hdf5Error always: see {@link HDF5_IN_BROWSER} */
export async function openHdf5(file: string): Promise<Hdf5File> {
  throw new Hdf5Error(file, HDF5_IN_BROWSER);
}
