/**
 * Streams a TIFF to a file plane by plane or band by band, so a 16384² float32 probability plane
 * never has to exist whole in memory. Format details: core/image/tiffWriter.ts.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { PixelArray } from '../core/image/imageModel';
import { TiffStreamEncoder, type TiffChunk, type TiffWriteOptions } from '../core/image/tiffWriter';
import { nodeDeflate } from './nodeCodecs';

/**
 * Writes a TIFF file incrementally. Pages in order `index = (t·Z + z)·C + c`, rows in order.
 * @example
 * const w = await TiffStreamWriter.create('out.tif', { width, height, dtype: 'float32', shape: { t: 1, z: 1, c: 2 } });
 * await w.writeRows(0, 0, band);   // rows 0..k of page 0
 * await w.close();
 */
export class TiffStreamWriter {
  private constructor(private readonly handle: FileHandle, private readonly encoder: TiffStreamEncoder, readonly path: string) {}

  /** Creates (truncates) `path` and writes the header. deflate uses node:zlib automatically. */
  static async create(path: string, options: TiffWriteOptions): Promise<TiffStreamWriter> {
    const encoder = new TiffStreamEncoder({ ...options, deflate: options.deflate ?? nodeDeflate });
    const handle = await open(path, 'w');
    const writer = new TiffStreamWriter(handle, encoder, path);
    await writer.flush(encoder.header());
    return writer;
  }

  /** Whether the file is BigTIFF (decided up front from the declared size). */
  get bigTiff(): boolean {
    return this.encoder.bigTiff;
  }

  /**
   * For an uncompressed file before any page is written: the open file descriptor and where each page's
   * rows go (see TiffStreamEncoder.inPlaceLayout), so other threads of this process can write rows at their
   * final positions (pwrite), in any order; then call {@link pagesWrittenInPlace} and {@link close}.
   */
  inPlaceTarget(): { fd: number; dataStart: number; pageBytes: number; rowBytes: number } | undefined {
    const layout = this.encoder.inPlaceLayout();
    return layout && { fd: this.handle.fd, ...layout };
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

/** Writes a whole TIFF file from planes (see {@link TiffStreamWriter} for the page order). */
export async function writeTiffFile(path: string, planes: PixelArray[] | ((index: number) => PixelArray), options: TiffWriteOptions): Promise<void> {
  const writer = await TiffStreamWriter.create(path, options);
  try {
    const n = (options.shape?.t ?? 1) * (options.shape?.z ?? 1) * (options.shape?.c ?? 1);
    for (let i = 0; i < n; i++) await writer.writePlane(i, typeof planes === 'function' ? planes(i) : planes[i]);
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
