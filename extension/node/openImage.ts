/**
 * Node entry points for opening images: files by path (read by offset, never whole unless the
 * format needs it) and bytes already in memory. Both use node:zlib for deflate. The logic both platforms share is
 * core/image/imageFileOpening.ts; HDF5 (h5wasm's file-system build) is Node's own.
 */
import type { ImageOpenOptions, ImageSource } from '../core/image/imageModel';
import { imageFileOpening } from '../core/image/imageFileOpening';
import { splitHdf5Path } from '../core/image/hdf5Path';
import { openFileByteSource } from './fileByteSource';
import { nodeCodecs } from './nodeCodecs';
import { openHdf5Image } from './openHdf5Image';
import { openZarrPath } from './openZarrImage';

const opening = imageFileOpening({ openZarrPath, openFileByteSource, codecs: nodeCodecs });

/**
 * Opens a TIFF, PNG or JPEG file (format from its magic bytes), an HDF5 dataset (`file.h5/dataset`, or
 * `file.h5` with one image dataset), or an OME-Zarr / Zarr store (its `.zarr` folder or a metadata file in it).
 * TIFF, HDF5 and Zarr pixels are read lazily; PNG/JPEG are decoded on open.
 * Fails with one {@link ImageError} naming the file. Call `close()` on the result when done.
 */
export async function openImage(path: string, options: ImageOpenOptions = {}): Promise<ImageSource> {
  const hdf5 = splitHdf5Path(path);
  if (hdf5) return openHdf5Image(hdf5.file, hdf5.dataset, path, options);
  return opening.openImageFile(path, options);
}

/** Opens an image from bytes in memory; `name` is used in error messages. */
export const openImageBytes = opening.openImageBytes;
