/**
 * HDF5 outputs as ilastik writes them (issue 17): one dataset (default `exported_data`) with ilastik's `axistags`
 * attribute and a trailing channel axis — axes `[t][z]yxc`, t and z only when the image has them — chunked
 * and gzip-compressed, plus our provenance as a dataset attribute (exportProvenance.ts) so incremental runs
 * recognise their outputs.
 *
 * Bands arrive channel by channel and row-ordered per plane; the sink interleaves them into channel-last rows
 * and writes whole chunk rows only (every chunk is written once, complete: no read-modify-write of compressed
 * chunks). The chunk shape depends only on the image, never on the tiling, so the same inputs give the same
 * bytes whatever the memory limit. Memory: at most one chunk row (< chunk height rows) per plane in flight
 * waits here. Written under a temporary name and renamed when complete.
 */
import { files as fs, platform } from '../core/platform/platform';
import * as path from 'node:path';
import { axisTagsJson, type AxisTag } from '../core/image/axistags';
import type { PixelArray } from '../core/image/imageModel';
import { createHdf5DatasetWriter, type Hdf5DatasetWriter } from '../node/hdf5Writer';
import { toSaveError } from '../project/saveError';
import type { ExportSink, SinkShape } from './exportSink';
import { HDF5_PROVENANCE_ATTRIBUTE, provenanceJson, type ExportProvenance } from './exportProvenance';

/** Default dataset path, as ilastik's OutputInternalPath. */
export const DEFAULT_HDF5_INTERNAL_PATH = 'exported_data';
/** Target bytes of one chunk (ilastik-like plane chunks for small images, tiles of about this size for large ones). */
const CHUNK_TARGET_BYTES = 128 * 1024;
/** Widest chunk in columns. */
const CHUNK_MAX_COLUMNS = 512;
/** gzip level (h5py's default). */
export const HDF5_GZIP_LEVEL = 4;

/** Axes, dataset shape and chunk shape of an export of `shape`. */
export function hdf5Layout(shape: SinkShape): { axes: AxisTag['key'][]; datasetShape: number[]; chunks: number[]; chunkRows: number } {
  const bytes = shape.dtype === 'uint8' ? 1 : 4;
  const chunkColumns = Math.min(shape.width, CHUNK_MAX_COLUMNS);
  const chunkRows = Math.min(shape.height, Math.max(1, Math.floor(CHUNK_TARGET_BYTES / (chunkColumns * bytes))));
  const axes: AxisTag['key'][] = [];
  const datasetShape: number[] = [];
  const chunks: number[] = [];
  if (shape.t > 1) { axes.push('t'); datasetShape.push(shape.t); chunks.push(1); }
  if (shape.z > 1) { axes.push('z'); datasetShape.push(shape.z); chunks.push(1); }
  axes.push('y', 'x', 'c');
  datasetShape.push(shape.height, shape.width, shape.channels);
  chunks.push(chunkRows, chunkColumns, 1);
  return { axes, datasetShape, chunks, chunkRows };
}

/** Options of {@link Hdf5Sink.create}. */
export interface Hdf5SinkOptions {
  /** Dataset path inside the file. @default {@link DEFAULT_HDF5_INTERNAL_PATH} */
  internalPath?: string;
  provenance?: ExportProvenance;
}

interface PendingRows {
  /** First row of the chunk row being filled. */
  rowStart: number;
  /** Rows of it filled so far. */
  filled: number;
  buffer: PixelArray;
}

/** An HDF5 file with one dataset, written chunk row by chunk row. */
export class Hdf5Sink implements ExportSink {
  private readonly pending = new Map<number, PendingRows>();
  private readonly chunkRows: number;

  private constructor(
    private readonly output: string,
    private readonly temp: string,
    private readonly writer: Hdf5DatasetWriter,
    private readonly shape: SinkShape,
  ) {
    this.chunkRows = hdf5Layout(shape).chunkRows;
  }

  /** Creates the temporary output with its (empty) dataset and attributes. @throws SaveError naming the output */
  static async create(output: string, shape: SinkShape, options: Hdf5SinkOptions = {}): Promise<Hdf5Sink> {
    const temp = path.join(path.dirname(output), `.${path.basename(output)}.${platform().processId}.partial`);
    const layout = hdf5Layout(shape);
    const attributes: Record<string, string> = { axistags: axisTagsJson(layout.axes) };
    if (options.provenance) attributes[HDF5_PROVENANCE_ATTRIBUTE] = provenanceJson(options.provenance);
    try {
      await fs.access(path.dirname(output));
      const writer = await createHdf5DatasetWriter(temp, {
        internalPath: options.internalPath ?? DEFAULT_HDF5_INTERNAL_PATH,
        shape: layout.datasetShape,
        dtype: shape.dtype,
        chunks: layout.chunks,
        gzipLevel: HDF5_GZIP_LEVEL,
        attributes,
      });
      return new Hdf5Sink(output, temp, writer, shape);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw toSaveError(output, error);
    }
  }

  async writeBand(t: number, z0: number, nz: number, y0: number, ny: number, channels: PixelArray[]): Promise<void> {
    try {
      for (let dz = 0; dz < nz; dz++) this.addRows(t, z0 + dz, dz, y0, ny, channels);
    } catch (error) {
      throw toSaveError(this.output, error);
    }
  }

  private addRows(t: number, z: number, dz: number, y0: number, ny: number, channels: PixelArray[]): void {
    const { width: X, channels: C, height: Y } = this.shape;
    const key = t * this.shape.z + z;
    let rows = this.pending.get(key);
    if (!rows) {
      const size = this.chunkRows * X * C;
      rows = { rowStart: 0, filled: 0, buffer: this.shape.dtype === 'uint8' ? new Uint8Array(size) : new Float32Array(size) };
      this.pending.set(key, rows);
    }
    if (y0 !== rows.rowStart + rows.filled) throw new Error(`internal: rows of plane t=${t} z=${z} arrived out of order (${y0}, expected ${rows.rowStart + rows.filled})`);
    let r = 0;
    while (r < ny) {
      const take = Math.min(ny - r, this.chunkRows - rows.filled);
      const buffer = rows.buffer;
      for (let row = 0; row < take; row++) {
        const from = (dz * ny + r + row) * X;
        const to = (rows.filled + row) * X * C;
        for (let c = 0; c < C; c++) {
          const channel = channels[c];
          for (let x = 0; x < X; x++) buffer[to + x * C + c] = channel[from + x];
        }
      }
      rows.filled += take;
      r += take;
      if (rows.filled === this.chunkRows || rows.rowStart + rows.filled === Y) {
        const box: [number, number][] = [];
        if (this.shape.t > 1) box.push([t, t + 1]);
        if (this.shape.z > 1) box.push([z, z + 1]);
        box.push([rows.rowStart, rows.rowStart + rows.filled], [0, X], [0, C]);
        this.writer.writeSlice(box, buffer.subarray(0, rows.filled * X * C) as Float32Array | Uint8Array);
        rows.rowStart += rows.filled;
        rows.filled = 0;
        if (rows.rowStart === Y) this.pending.delete(key);
      }
    }
  }

  /** Closes the file and renames it into place. @throws SaveError naming the output */
  async finish(): Promise<void> {
    try {
      if (this.pending.size > 0) throw new Error(`internal: ${this.pending.size} plane(s) incomplete when the export finished`);
      this.writer.close();
      await fs.rename(this.temp, this.output);
    } catch (error) {
      throw toSaveError(this.output, error);
    }
  }

  async abort(): Promise<void> {
    this.pending.clear();
    try {
      this.writer.close();
    } catch {
      // already closed or failed: the temporary file is removed below either way
    }
    await fs.rm(this.temp, { force: true });
  }
}
