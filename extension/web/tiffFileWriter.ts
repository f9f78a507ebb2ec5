/**
 * Streams a TIFF to a file plane by plane or band by band. The browser's copy of extension/node/tiffFileWriter.ts
 * (issue #20): the same writer over the platform's file handle (`vscode.workspace.fs`, which buffers the file and
 * writes it whole on close) and fflate's deflate. Format details: core/image/tiffWriter.ts.
 */
import type { FileHandle } from '../core/platform/fileSystem';
import { files } from '../core/platform/platform';
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

  /** Creates (truncates) `path` and writes the header. deflate uses fflate automatically. */
  static async create(path: string, options: TiffWriteOptions): Promise<TiffStreamWriter> {
    const encoder = new TiffStreamEncoder({ ...options, deflate: options.deflate ?? nodeDeflate });
    const handle = await files.open(path, 'w');
    const writer = new TiffStreamWriter(handle, encoder, path);
    await writer.flush(encoder.header());
    return writer;
  }

  /** Whether the file is BigTIFF (decided up front from the declared size). */
  get bigTiff(): boolean {
    return this.encoder.bigTiff;
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
