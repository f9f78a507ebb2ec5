/**
 * Opening images in the browser (counterpart of extension/node/openImage.ts, which the browser bundle resolves to
 * this module — issue #20): TIFF, PNG and JPEG files are read whole through `vscode.workspace.fs` (up to
 * {@link WEB_WHOLE_FILE_LIMIT_BYTES}), OME-Zarr stores chunk by chunk. HDF5 needs h5wasm's file-system build, which
 * the web extension host cannot run: such files get a message saying so.
 */
import { memoryByteSource } from '../core/image/byteSource';
import { ImageError, type ImageOpenOptions, type ImageSource } from '../core/image/imageModel';
import { openImageSource } from '../core/image/openImageSource';
import { splitHdf5Path } from '../core/image/hdf5Path';
import { fileErrorCode } from '../core/platform/fileSystem';
import { FileTooLargeForWebError, openFileByteSource, WEB_WHOLE_FILE_LIMIT_BYTES } from './fileByteSource';
import { nodeCodecs } from './nodeCodecs';
import { openZarrPath } from './openZarrImage';
import { HDF5_IN_BROWSER } from './hdf5File';

export { WEB_WHOLE_FILE_LIMIT_BYTES };

/** Opens a TIFF, PNG or JPEG file (read whole) or an OME-Zarr / Zarr store (chunk by chunk). */
export async function openImage(path: string, options: ImageOpenOptions = {}): Promise<ImageSource> {
  if (splitHdf5Path(path)) throw new ImageError(path, HDF5_IN_BROWSER);
  const zarr = await openZarrPath(path, options);
  if (zarr) return zarr;
  let source;
  try {
    source = await openFileByteSource(path);
  } catch (error) {
    if (error instanceof FileTooLargeForWebError) throw new ImageError(path, error.message);
    const code = fileErrorCode(error);
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ImageError(path, reason);
  }
  return openImageSource(source, path, options, nodeCodecs);
}

/** Opens an image from bytes in memory; `name` is used in error messages. */
export function openImageBytes(bytes: Uint8Array, name: string, options: ImageOpenOptions = {}): Promise<ImageSource> {
  return openImageSource(memoryByteSource(bytes), name || '(in-memory image)', options, nodeCodecs);
}
