/**
 * Where batch results go, band by band (issue #6). TIFF pages must be written in order (t, z, c) with rows in
 * order, but prediction produces all channels of a band at once; the first page of each band streams straight
 * into the TIFF and the other channels wait in a spool — in memory when small, otherwise in a sparse temporary
 * file beside the output — until their page's turn. PNG (2D only) collects the plane and encodes it at the end.
 * Outputs are written under a temporary name and renamed when complete, so an interrupted run never leaves a
 * file that looks finished.
 */
import { files as fs, platform } from '../core/platform/platform';
import type { FileHandle } from '../core/platform/fileSystem';
import * as path from 'node:path';
import { memoryByteSource } from '../core/image/byteSource';
import { readPngTextChunks } from '../core/image/embeddedText';
import { encodePng, insertPngText } from '../core/image/pngWriter';
import type { PixelArray } from '../core/image/imageModel';
import { TiffStreamWriter } from '../node/tiffFileWriter';
import { writeFileAtomic } from '../project/projectFile';
import { toSaveError } from '../project/saveError';
import { hex32, PNG_PROVENANCE_KEYWORD, provenanceJson, type ExportProvenance } from './exportProvenance';

/** Receives bands of results. */
export interface ExportSink {
  /**
   * Rows `y0 … y0+ny−1` of slices `z0 … z0+nz−1` of time point `t`, for every channel:
   * `channels[c]` holds `nz·ny·width` samples, layout [z][row][column].
   */
  writeBand(t: number, z0: number, nz: number, y0: number, ny: number, channels: PixelArray[]): Promise<void>;
  /** Completes the outputs (renames them into place). */
  finish(): Promise<void>;
  /** Removes partial outputs and temporary files. */
  abort(): Promise<void>;
}

/** Geometry shared by the sinks. */
export interface SinkShape {
  t: number;
  z: number;
  channels: number;
  height: number;
  width: number;
  dtype: 'float32' | 'uint8';
}

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${platform().processId}.partial`);
}

function bytesOf(data: PixelArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function viewAs(dtype: 'float32' | 'uint8', bytes: Uint8Array): PixelArray {
  if (dtype === 'uint8') return bytes;
  // Copy when unaligned (a Float32Array view needs a 4-byte aligned offset).
  if (bytes.byteOffset % 4 !== 0) return new Float32Array(bytes.slice().buffer);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Options of {@link TiffSink.create}. */
export interface TiffSinkOptions {
  compression: 'none' | 'deflate';
  channelNames: string[];
  /** Spooled channels stay in memory up to this many bytes, beyond it they go to a temporary file. */
  spoolMemoryBytes: number;
  /** Axes for the ImageJ metadata, e.g. "YX", "CYX", "ZCYX", "TZCYX". */
  axes: string;
  /** Embedded in the file's provenance tag (issue 19). */
  provenance?: ExportProvenance;
}

/** A multi-page TIFF (ImageJ hyperstack order), streamed band by band. */
export class TiffSink implements ExportSink {
  private nextPage = 0;
  private rowsDone = 0;
  /** Rows available in the spool per page (rows arrive in order per page). */
  private readonly spooled = new Map<number, number>();
  private readonly memory = new Map<number, Uint8Array>();
  private spoolFile?: FileHandle;
  private readonly spoolPath: string;
  private readonly rowBytes: number;
  private readonly pageBytes: number;

  private constructor(
    private readonly output: string,
    private readonly temp: string,
    private readonly writer: TiffStreamWriter,
    private readonly shape: SinkShape,
    private readonly useMemory: boolean,
  ) {
    this.spoolPath = `${temp}.spool`;
    this.rowBytes = shape.width * (shape.dtype === 'uint8' ? 1 : 4);
    this.pageBytes = this.rowBytes * shape.height;
  }

  /** Opens the temporary output and writes the TIFF header. */
  static async create(output: string, shape: SinkShape, options: TiffSinkOptions): Promise<TiffSink> {
    try {
      return await TiffSink.open(output, shape, options);
    } catch (error) {
      throw toSaveError(output, error);
    }
  }

  private static async open(output: string, shape: SinkShape, options: TiffSinkOptions): Promise<TiffSink> {
    const temp = tempName(output);
    const writer = await TiffStreamWriter.create(temp, {
      width: shape.width,
      height: shape.height,
      dtype: shape.dtype,
      axes: options.axes,
      shape: { t: shape.t, z: shape.z, c: shape.channels },
      channelNames: options.channelNames,
      compression: options.compression,
      provenance: options.provenance ? provenanceJson(options.provenance) : undefined,
      // BigTIFF from 2 GiB, not 4: readers that keep offsets in signed 32-bit integers (older ImageJ/Java
      // code) break past 2 GiB, and every current reader (tifffile, Fiji, napari, libtiff) reads BigTIFF.
      bigTiff: shape.t * shape.z * shape.channels * shape.height * shape.width * (shape.dtype === 'uint8' ? 1 : 4) >= 2 ** 31 - (64 << 20) ? true : 'auto',
    });
    // Pages waiting at once: at most the other channels of the current slab's slices; bound by the whole file.
    const spoolNeed = (shape.channels * shape.z - 1) * shape.width * shape.height * (shape.dtype === 'uint8' ? 1 : 4);
    return new TiffSink(output, temp, writer, shape, spoolNeed <= options.spoolMemoryBytes);
  }

  /** Whether the TIFF is a BigTIFF. */
  get bigTiff(): boolean {
    return this.writer.bigTiff;
  }

  /** @throws SaveError naming the output for OS errors (disk full, permission denied …); call abort() then */
  async writeBand(t: number, z0: number, nz: number, y0: number, ny: number, channels: PixelArray[]): Promise<void> {
    try {
      await this.writeBandUnwrapped(t, z0, nz, y0, ny, channels);
    } catch (error) {
      throw toSaveError(this.output, error);
    }
  }

  private async writeBandUnwrapped(t: number, z0: number, nz: number, y0: number, ny: number, channels: PixelArray[]): Promise<void> {
    const { z: Z, channels: C, width } = this.shape;
    const bandSize = ny * width;
    for (let dz = 0; dz < nz; dz++) {
      for (let c = 0; c < C; c++) {
        const page = (t * Z + z0 + dz) * C + c;
        const rows = channels[c].subarray(dz * bandSize, (dz + 1) * bandSize) as PixelArray;
        if (page === this.nextPage && y0 === this.rowsDone) {
          await this.writeDirect(rows, ny);
          await this.drain();
        } else {
          await this.spool(page, y0, ny, rows);
        }
      }
    }
    await this.drain();
  }

  private async writeDirect(rows: PixelArray, ny: number): Promise<void> {
    await this.writer.writeRows(this.nextPage, this.rowsDone, rows);
    this.rowsDone += ny;
    if (this.rowsDone === this.shape.height) {
      this.spooled.delete(this.nextPage);
      this.memory.delete(this.nextPage);
      this.nextPage++;
      this.rowsDone = 0;
    }
  }

  private async spool(page: number, y0: number, ny: number, rows: PixelArray): Promise<void> {
    const available = this.spooled.get(page) ?? 0;
    if (y0 !== available) throw new Error(`internal: rows of page ${page} arrived out of order (${y0}, expected ${available})`);
    const bytes = bytesOf(rows);
    if (this.useMemory) {
      let buffer = this.memory.get(page);
      if (!buffer) { buffer = new Uint8Array(this.pageBytes); this.memory.set(page, buffer); }
      buffer.set(bytes, y0 * this.rowBytes);
    } else {
      this.spoolFile ??= await fs.open(this.spoolPath, 'w+');
      let done = 0;
      const position = page * this.pageBytes + y0 * this.rowBytes;
      while (done < bytes.length) {
        const { bytesWritten } = await this.spoolFile.write(bytes, done, bytes.length - done, position + done);
        done += bytesWritten;
      }
    }
    this.spooled.set(page, y0 + ny);
  }

  /** Writes spooled rows of the next pages while they are available, in order. */
  private async drain(): Promise<void> {
    for (;;) {
      const available = this.spooled.get(this.nextPage) ?? 0;
      if (available <= this.rowsDone) return;
      const maxRows = Math.max(1, Math.floor((16 << 20) / this.rowBytes));
      const ny = Math.min(available - this.rowsDone, maxRows);
      let bytes: Uint8Array;
      if (this.useMemory) {
        bytes = this.memory.get(this.nextPage)!.subarray(this.rowsDone * this.rowBytes, (this.rowsDone + ny) * this.rowBytes);
      } else {
        bytes = new Uint8Array(ny * this.rowBytes);
        const position = this.nextPage * this.pageBytes + this.rowsDone * this.rowBytes;
        let done = 0;
        while (done < bytes.length) {
          const { bytesRead } = await this.spoolFile!.read(bytes, done, bytes.length - done, position + done);
          if (bytesRead === 0) throw new Error('internal: spool file is shorter than expected');
          done += bytesRead;
        }
      }
      await this.writeDirect(viewAs(this.shape.dtype, bytes), ny);
    }
  }

  /** @throws SaveError naming the output for OS errors; call abort() then */
  async finish(): Promise<void> {
    try {
      await this.drain();
      await this.writer.close();
      await this.cleanSpool();
      await fs.rename(this.temp, this.output);
    } catch (error) {
      throw toSaveError(this.output, error);
    }
  }

  async abort(): Promise<void> {
    await this.writer.abort();
    await this.cleanSpool();
    await fs.rm(this.temp, { force: true });
  }

  private async cleanSpool(): Promise<void> {
    if (this.spoolFile) {
      await this.spoolFile.close().catch(() => undefined);
      this.spoolFile = undefined;
      await fs.rm(this.spoolPath, { force: true });
    }
    this.memory.clear();
  }
}

/** 2D uint8 PNGs: one file per channel (`outputs[c]`), encoded when the plane is complete. */
export class PngSink implements ExportSink {
  private readonly planes: Uint8Array[];

  /** @param provenance one per output, embedded as a tEXt chunk with the CRCs of the image data (issue 19) */
  constructor(private readonly outputs: string[], private readonly shape: SinkShape, private readonly provenance?: ExportProvenance[]) {
    if (shape.t !== 1 || shape.z !== 1) throw new Error('PNG export needs a 2D image');
    if (shape.dtype !== 'uint8') throw new Error('PNG export needs uint8 samples');
    if (outputs.length !== shape.channels) throw new Error(`PNG export needs one file per channel (${shape.channels}), got ${outputs.length}`);
    this.planes = outputs.map(() => new Uint8Array(shape.width * shape.height));
  }

  async writeBand(_t: number, _z0: number, _nz: number, y0: number, ny: number, channels: PixelArray[]): Promise<void> {
    channels.forEach((data, c) => this.planes[c].set((data as Uint8Array).subarray(0, ny * this.shape.width), y0 * this.shape.width));
  }

  async finish(): Promise<void> {
    for (let c = 0; c < this.outputs.length; c++) {
      let png = encodePng(this.planes[c], this.shape.width, this.shape.height);
      const provenance = this.provenance?.[c];
      if (provenance) {
        const { idatCrcs } = (await readPngTextChunks(memoryByteSource(png)))!;
        png = insertPngText(png, { [PNG_PROVENANCE_KEYWORD]: provenanceJson({ ...provenance, pngData: idatCrcs.map(hex32) }) });
      }
      await writeFileAtomic(this.outputs[c], png);
    }
  }

  async abort(): Promise<void> {
    // Nothing was written yet (PNGs are written atomically in finish()).
  }
}
