/**
 * Node entry points for opening images: files by path (read by offset, never whole unless the
 * format needs it) and bytes already in memory. Both use node:zlib for deflate.
 */
import { memoryByteSource } from '../core/image/byteSource';
import { ImageError, type ImageOpenOptions, type ImageSource } from '../core/image/imageModel';
import { openImageSource } from '../core/image/openImageSource';
import { openFileByteSource } from './fileByteSource';
import { nodeCodecs } from './nodeCodecs';
import { splitHdf5Path } from '../core/image/hdf5Path';
import { openHdf5Image } from './openHdf5Image';
import { openZarrPath } from './openZarrImage';

/**
 * Opens a TIFF, PNG or JPEG file (format from its magic bytes), an HDF5 dataset (`file.h5/dataset`, or
 * `file.h5` with one image dataset), or an OME-Zarr / Zarr store (its `.zarr` folder or a metadata file in it).
 * TIFF, HDF5 and Zarr pixels are read lazily; PNG/JPEG are decoded on open.
 * Fails with one {@link ImageError} naming the file. Call `close()` on the result when done.
 */
export async function openImage(path: string, options: ImageOpenOptions = {}): Promise<ImageSource> {
  const hdf5 = splitHdf5Path(path);
  if (hdf5) return openHdf5Image(hdf5.file, hdf5.dataset, path, options);
  const zarr = await openZarrPath(path, options);
  if (zarr) return zarr;
  let source;
  try {
    source = await openFileByteSource(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ImageError(path, reason);
  }
  return openImageSource(source, path, options, nodeCodecs);
}

/** Opens an image from bytes in memory; `name` is used in error messages. */
export function openImageBytes(bytes: Uint8Array, name: string, options: ImageOpenOptions = {}): Promise<ImageSource> {
  return openImageSource(memoryByteSource(bytes), name || '(in-memory image)', options, nodeCodecs);
}
