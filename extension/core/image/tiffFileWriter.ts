/**
 * Streams a TIFF to a file plane by plane or band by band, so a 16384² float32 probability plane never has to exist
 * whole in memory. Platform-neutral: the Node and browser adaptors (extension/node|web/tiffFileWriter.ts) hand it
 * their file system and deflate. Format details: tiffWriter.ts.
 */
import type { FileHandle, FileSystem } from '../platform/fileSystem';
import type { PixelArray } from './imageModel';
import { TiffStreamEncoder, type TiffChunk, type TiffWriteOptions } from './tiffWriter';

/** The planes of a whole file, in page order: an array, or a function giving page `index`. */
export type TiffPlanes = PixelArray[] | ((index: number) => PixelArray);

/**
 * Writes a TIFF file incrementally. Pages in order `index = (t·Z + z)·C + c`, rows in order.
 * @example
 * const w = await TiffFileWriter.create(fs, 'out.tif', { width, height, dtype: 'float32', shape: { t: 1, z: 1, c: 2 } });
 * await w.writeRows(0, 0, band);   // rows 0..k of page 0
 * await w.close();
 */
export class TiffFileWriter {
  private constructor(private readonly handle: FileHandle, private readonly encoder: TiffStreamEncoder, readonly path: string) {}

  /** Creates (truncates) `path` with `fs` and writes the header; deflate compression needs `options.deflate`. */
  static async create(fs: Pick<FileSystem, 'open'>, path: string, options: TiffWriteOptions): Promise<TiffFileWriter> {
    const encoder = new TiffStreamEncoder(options);
    const handle = await fs.open(path, 'w');
    const writer = new TiffFileWriter(handle, encoder, path);
    await writer.flush(encoder.header());
    return writer;
  }

  /** Whether the file is BigTIFF (decided up front from the declared size). */
  get bigTiff(): boolean {
    return this.encoder.bigTiff;
  }

  /**
   * For an uncompressed file before any page is written, on a platform whose files have descriptors (Node): the
   * open file descriptor and where each page's rows go (see TiffStreamEncoder.inPlaceLayout), so other threads of
   * this process can write rows at their final positions (pwrite), in any order; then call
   * {@link pagesWrittenInPlace} and {@link close}. Undefined otherwise.
   */
  inPlaceTarget(): { fd: number; dataStart: number; pageBytes: number; rowBytes: number } | undefined {
    const fd = this.handle.fd;
    if (fd === undefined) return undefined;
    const layout = this.encoder.inPlaceLayout();
    return layout && { fd, ...layout };
  }

  /** Declares every page written through {@link inPlaceTarget}. */
  pagesWrittenInPlace(): void {
    this.encoder.pagesWrittenInPlace();
  }

  /** Appends rows `y0 …` of page `pageIndex` (`data` = rows·width samples). */
  async writeRows(pageIndex: number, y0: number, data: PixelArray): Promise<void> {
    await this.flush(this.encoder.writeRows(pageIndex, y0, data));
  }

  /** Appends a whole page. */
  async writePlane(pageIndex: number, data: PixelArray): Promise<void> {
    await this.flush(this.encoder.writePlane(pageIndex, data));
  }

  /** Checks every page was written, writes the IFDs and closes the file. */
  async close(): Promise<void> {
    try {
      await this.flush(this.encoder.finish());
    } finally {
      await this.handle.close();
    }
  }

  /** Closes the file without checking completeness (after an error or cancellation). */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  private async flush(chunks: TiffChunk[]): Promise<void> {
    for (const c of chunks) {
      let done = 0;
      while (done < c.bytes.length) {
        const { bytesWritten } = await this.handle.write(c.bytes, done, c.bytes.length - done, c.position + done);
        done += bytesWritten;
      }
    }
  }
}

/** TIFF file writing on one platform (what extension/node|web/tiffFileWriter.ts export). */
export interface TiffFileWriting {
  /** Creates (truncates) `path` and writes the header. */
  create(path: string, options: TiffWriteOptions): Promise<TiffFileWriter>;
  /** Writes a whole TIFF file from planes (see {@link TiffFileWriter} for the page order). */
  writeTiffFile(path: string, planes: TiffPlanes, options: TiffWriteOptions): Promise<void>;
}

/** TIFF file writing through `fs`, compressing with `deflate` unless the options bring their own. */
export function tiffFileWriting(fs: Pick<FileSystem, 'open'>, deflate: (data: Uint8Array) => Uint8Array): TiffFileWriting {
  const create = (path: string, options: TiffWriteOptions) => TiffFileWriter.create(fs, path, { ...options, deflate: options.deflate ?? deflate });
  return {
    create,
    async writeTiffFile(path, planes, options) {
      const writer = await create(path, options);
      try {
        const n = (options.shape?.t ?? 1) * (options.shape?.z ?? 1) * (options.shape?.c ?? 1);
        for (let i = 0; i < n; i++) await writer.writePlane(i, typeof planes === 'function' ? planes(i) : planes[i]);
        await writer.close();
      } catch (error) {
        await writer.abort();
        throw error;
      }
    },
  };
}
