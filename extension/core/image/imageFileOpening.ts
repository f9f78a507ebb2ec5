/**
 * Opening TIFF, PNG and JPEG files and OME-Zarr stores by path, and images from bytes in memory. Platform-neutral:
 * the Node and browser adaptors (extension/node|web/openImage.ts) hand it how they read files and Zarr stores and
 * their codecs, and keep only what differs (HDF5: h5wasm on Node, refused in the browser).
 */
import { memoryByteSource, type ByteSource } from './byteSource';
import { fileErrorCode } from '../platform/fileSystem';
import { ImageError, type ImageOpenOptions, type ImageSource } from './imageModel';
import { openImageSource } from './openImageSource';
import type { ImageCodecs } from './tiffBlockDecoder';

/** How one platform reads images. */
export interface ImageFileReaders {
  /** Opens `path` as a Zarr image when it is one, else `undefined`. */
  openZarrPath(path: string, options: ImageOpenOptions): Promise<ImageSource | undefined>;
  /** The bytes of a file, read by offset or whole as the platform can. */
  openFileByteSource(path: string): Promise<ByteSource>;
  codecs: ImageCodecs;
}

/** Image opening on one platform. */
export interface ImageFileOpening {
  /**
   * Opens an OME-Zarr / Zarr store (its folder or a metadata file in it), else a TIFF, PNG or JPEG file (format from
   * its magic bytes). A file that cannot be read fails with one {@link ImageError} naming it and saying why.
   */
  openImageFile(path: string, options: ImageOpenOptions): Promise<ImageSource>;
  /** Opens an image from bytes in memory; `name` is used in error messages. */
  openImageBytes(bytes: Uint8Array, name: string, options?: ImageOpenOptions): Promise<ImageSource>;
}

/** Why a file could not be read, for an {@link ImageError}: the common codes in words, else the error's message. */
function unreadableReason(error: unknown): string {
  const code = fileErrorCode(error);
  return code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
}

/** Image opening through `readers`. */
export function imageFileOpening(readers: ImageFileReaders): ImageFileOpening {
  return {
    async openImageFile(path, options) {
      const zarr = await readers.openZarrPath(path, options);
      if (zarr) return zarr;
      let source;
      try {
        source = await readers.openFileByteSource(path);
      } catch (error) {
        throw new ImageError(path, unreadableReason(error));
      }
      return openImageSource(source, path, options, readers.codecs);
    },
    openImageBytes(bytes, name, options = {}) {
      return openImageSource(memoryByteSource(bytes), name || '(in-memory image)', options, readers.codecs);
    },
  };
}
