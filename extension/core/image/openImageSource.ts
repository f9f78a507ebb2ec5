import type { ByteSource } from './byteSource';
import { ImageError, type ImageOpenOptions, type ImageSource } from './imageModel';
import { openJpeg } from './jpegSource';
import { openPng } from './pngSource';
import { openTiff, type ImageCodecs } from './tiffSource';

/** Image formats recognised by their first bytes. */
export type ImageFormat = 'tiff' | 'png' | 'jpeg';

/** Identifies the format from magic bytes (never from the file extension); null when unknown. */
export function sniffImageFormat(head: Uint8Array): ImageFormat | null {
  if (head.length >= 4 && ((head[0] === 0x49 && head[1] === 0x49 && (head[2] === 42 || head[2] === 43) && head[3] === 0)
    || (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && (head[3] === 42 || head[3] === 43)))) return 'tiff';
  if (head.length >= 8 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47
    && head[4] === 0x0d && head[5] === 0x0a && head[6] === 0x1a && head[7] === 0x0a) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * Opens any supported image from a byte source. TIFF reads lazily by offset; PNG and JPEG are
 * decoded whole (their codecs need the complete stream). Errors are {@link ImageError}s naming `name`.
 */
export async function openImageSource(source: ByteSource, name: string, options: ImageOpenOptions = {}, codecs: ImageCodecs = {}): Promise<ImageSource> {
  try {
    if (source.size === 0) throw new ImageError(name, 'the file is empty');
    const head = await source.read(0, 16);
    const format = sniffImageFormat(head);
    if (format === 'tiff') return await openTiff(source, name, options, codecs);
    if (format === null) {
      throw new ImageError(name, 'unrecognised image format (expected TIFF, PNG or JPEG by its first bytes)');
    }
    const limit = options.memoryLimitBytes;
    if (limit !== undefined && source.size > limit) throw new ImageError(name, `the ${format.toUpperCase()} file (${source.size} bytes) is over the memory limit`);
    const bytes = await source.read(0, source.size);
    await source.close();
    return format === 'png' ? openPng(bytes, name, options) : openJpeg(bytes, name, options);
  } catch (error) {
    await source.close().catch(() => undefined);
    if (error instanceof ImageError) throw error;
    throw new ImageError(name, error instanceof Error ? error.message : String(error));
  }
}
