/**
 * HDF5 images in the browser (counterpart of extension/node/openHdf5Image.ts, issue #20): refused with a message
 * saying why (see hdf5File.ts).
 */
import { ImageError, type ImageOpenOptions, type ImageSource } from '../core/image/imageModel';
import { HDF5_IN_BROWSER, Hdf5Error } from './hdf5File';

/** @throws Hdf5Error always: HDF5 is not readable in the browser */
export async function listImageDatasets(file: string): Promise<{ path: string; shape: number[]; dtype: string }[]> {
  throw new Hdf5Error(file, HDF5_IN_BROWSER);
}

/** @throws ImageError always: HDF5 is not readable in the browser */
export async function openHdf5Image(file: string, _dataset: string | undefined, displayName: string, _options: ImageOpenOptions = {}): Promise<ImageSource> {
  throw new ImageError(displayName || file, HDF5_IN_BROWSER);
}
