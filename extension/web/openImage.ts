/**
 * Opening images in the browser (counterpart of extension/node/openImage.ts, which the browser bundle resolves to
 * this module — issue #20): TIFF, PNG and JPEG files are read whole through `vscode.workspace.fs` (up to
 * {@link WEB_WHOLE_FILE_LIMIT_BYTES}; a larger one fails saying so: FileTooLargeForWebError),
 * OME-Zarr stores chunk by chunk — the logic both platforms share is core/image/imageFileOpening.ts. HDF5 needs
 * h5wasm's file-system build, which the web extension host cannot run: such files get a message saying so.
 */
import { ImageError, type ImageOpenOptions, type ImageSource } from '../core/image/imageModel';
import { imageFileOpening } from '../core/image/imageFileOpening';
import { splitHdf5Path } from '../core/image/hdf5Path';
import { openFileByteSource, WEB_WHOLE_FILE_LIMIT_BYTES } from './fileByteSource';
import { nodeCodecs } from './nodeCodecs';
import { openZarrPath } from './openZarrImage';
import { HDF5_IN_BROWSER } from './hdf5File';

export { WEB_WHOLE_FILE_LIMIT_BYTES };

const opening = imageFileOpening({ openZarrPath, openFileByteSource, codecs: nodeCodecs });

/** Opens a TIFF, PNG or JPEG file (read whole) or an OME-Zarr / Zarr store (chunk by chunk). */
export async function openImage(path: string, options: ImageOpenOptions = {}): Promise<ImageSource> {
  if (splitHdf5Path(path)) throw new ImageError(path, HDF5_IN_BROWSER);
  return opening.openImageFile(path, options);
}

/** Opens an image from bytes in memory; `name` is used in error messages. */
export const openImageBytes = opening.openImageBytes;
