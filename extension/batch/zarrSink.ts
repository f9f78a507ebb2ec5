/**
 * OME-Zarr outputs (issue #13): 0.4 (Zarr v2) or 0.5 (Zarr v3), gzip chunks, a multiscale pyramid of the result
 * and the provenance in the root group's attributes (exportProvenance.ts), written band by band.
 *
 * Bands are cut into chunk rows (omeZarrLayout.ts): each chunk row of each (t, z) plane waits here until its rows
 * are complete, then its chunks are compressed and written — memory is at most one chunk row per plane in flight.
 *
 * Two modes:
 * - whole image (one task): written into a temporary folder beside the output; at the end the pyramid is built
 *   from the stored level 0, the root attributes are written and the folder is renamed into place (an
 *   interrupted run never leaves a store that looks finished; an older export at that path is replaced, any
 *   other folder there is refused);
 * - shard of a block-sharded run (`predict --shard I/N` on one input): writes straight into the shared store,
 *   creating its metadata idempotently, only the chunk rows it is given; `--finalize` (finalizeZarrExport) then
 *   checks every level-0 chunk is there, builds the pyramid and writes the root attributes. Both modes run the
 *   same pyramid code on the same level-0 bytes, so their stores are identical file for file.
 */
import { files as fs, platform } from '../core/platform/platform';
import * as path from 'node:path';
import type { PixelArray } from '../core/image/imageModel';
import type { PixelSize } from '../core/image/pixelSize';
import { omeZarrLayout, rootAttributes, type DownsampleMethod, type OmeZarrLayout, type OmeZarrPixelSize, type OmeZarrVersion } from '../core/zarrOutput/omeZarrLayout';
import { OmeZarrWriter, ZarrLayoutConflictError } from '../core/zarrOutput/omeZarrWriter';
import { isZarrFolder, nodeGzipCodec, ZarrDirectoryStore } from '../node/zarrDirectoryStore';
import { toSaveError } from '../project/saveError';
import type { ExportSource } from '../project/projectSchema';
import type { ExportSink, SinkShape } from './exportSink';
import { ZARR_PROVENANCE_ATTRIBUTE, type ExportProvenance } from './exportProvenance';

/** Options of {@link ZarrSink.create}. */
export interface ZarrSinkOptions {
  version: OmeZarrVersion;
  downsample: DownsampleMethod;
  channelNames: string[];
  pixelSize?: OmeZarrPixelSize;
  provenance?: ExportProvenance;
  /** Write into the shared store as one task of a block-sharded run (no pyramid, no root attributes). */
  shardTask?: boolean;
  signal?: AbortSignal;
}

/** How a result type's pyramid is computed: labels and segmentations keep their values. */
export function downsampleMethodFor(source: ExportSource): DownsampleMethod {
  return source === 'labels' || source === 'simple-segmentation' ? 'nearest' : 'mean';
}

/** NGFF unit names of the length units our pixel sizes use. */
const NGFF_UNITS: Record<string, string> = { 'µm': 'micrometer', 'nm': 'nanometer', 'mm': 'millimeter', 'cm': 'centimeter', 'm': 'meter', 'pm': 'picometer' };

/** The input's pixel size as OME-Zarr scale and unit; undefined when unknown or not a length. */
export function omeZarrPixelSize(size: PixelSize | undefined): OmeZarrPixelSize | undefined {
  if (!size) return undefined;
  const unit = NGFF_UNITS[size.unit];
  if (!unit) return undefined;
  return { x: size.x, y: size.y, ...(size.z !== undefined ? { z: size.z } : {}), unit };
}

/** The layout of an export of `shape` with these options. */
export function zarrSinkLayout(shape: SinkShape, options: Pick<ZarrSinkOptions, 'version' | 'downsample' | 'pixelSize'>): OmeZarrLayout {
  return omeZarrLayout(shape, { version: options.version, downsample: options.downsample, pixelSize: options.pixelSize });
}

/** The root attributes of a finished export. */
function finishedAttributes(output: string, options: ZarrSinkOptions): Record<string, unknown> {
  return options.provenance ? { [ZARR_PROVENANCE_ATTRIBUTE]: options.provenance } : {};
}

function rootAttributesOf(layout: OmeZarrLayout, output: string, options: ZarrSinkOptions): Record<string, unknown> {
  return rootAttributes(layout, path.basename(output).replace(/\.ome\.zarr$|\.zarr$/i, ''), options.channelNames, finishedAttributes(output, options));
}

interface PendingChunkRow {
  filled: number;
  rows: number;
  channels: (Float32Array | Uint8Array)[];
}

/** An OME-Zarr store written chunk row by chunk row. */
export class ZarrSink implements ExportSink {
  private readonly pending = new Map<string, PendingChunkRow>();

  private constructor(
    private readonly output: string,
    private readonly folder: string,
    private readonly writer: OmeZarrWriter,
    private readonly shape: SinkShape,
    private readonly options: ZarrSinkOptions,
  ) {}

  /** The store's layout. */
  get layout(): OmeZarrLayout {
    return this.writer.layout;
  }

  /** Creates the (temporary or shared) store and its metadata. @throws SaveError naming the output */
  static async create(output: string, shape: SinkShape, options: ZarrSinkOptions): Promise<ZarrSink> {
    const folder = options.shardTask ? output : path.join(path.dirname(output), `.${path.basename(output)}.${platform().processId}.partial`);
    try {
      await fs.access(path.dirname(output));
      if (!options.shardTask) await fs.rm(folder, { recursive: true, force: true });
      else await assertZarrOrAbsent(output);
      const writer = new OmeZarrWriter(zarrSinkLayout(shape, options), new ZarrDirectoryStore(folder), nodeGzipCodec);
      await writer.create();
      return new ZarrSink(output, folder, writer, shape, options);
    } catch (error) {
      if (!options.shardTask) await fs.rm(folder, { recursive: true, force: true }).catch(() => undefined);
      throw toSaveError(output, named(output, error));
    }
  }

  async writeBand(t: number, z0: number, nz: number, y0: number, ny: number, channels: PixelArray[]): Promise<void> {
    try {
      for (let dz = 0; dz < nz; dz++) await this.addRows(t, z0 + dz, dz, y0, ny, channels);
    } catch (error) {
      throw toSaveError(this.output, error);
    }
  }

  private async addRows(t: number, z: number, dz: number, y0: number, ny: number, channels: PixelArray[]): Promise<void> {
    const { width: X, height: Y } = this.shape;
    const ch = this.layout.chunkHeight;
    let y = y0;
    while (y < y0 + ny) {
      const chunkRow = Math.floor(y / ch);
      const key = `${t}/${z}/${chunkRow}`;
      let pending = this.pending.get(key);
      if (!pending) {
        const rows = Math.min(ch, Y - chunkRow * ch);
        pending = { filled: 0, rows, channels: channels.map(() => (this.shape.dtype === 'uint8' ? new Uint8Array(rows * X) : new Float32Array(rows * X))) };
        this.pending.set(key, pending);
      }
      const start = chunkRow * ch + pending.filled;
      if (y !== start) throw new Error(`internal: rows of plane t=${t} z=${z} arrived out of order (${y}, expected ${start})`);
      const take = Math.min(y0 + ny - y, pending.rows - pending.filled);
      const from = (dz * ny + (y - y0)) * X;
      channels.forEach((data, c) => pending!.channels[c].set(data.subarray(from, from + take * X) as Float32Array & Uint8Array, pending!.filled * X));
      pending.filled += take;
      y += take;
      if (pending.filled === pending.rows) {
        this.pending.delete(key);
        await this.writer.writeChunkRow(t, z, chunkRow, pending.channels);
      }
    }
  }

  /** Whole image: pyramid, root attributes, rename into place. Shard task: checks its chunk rows are written. */
  async finish(): Promise<void> {
    try {
      if (this.pending.size > 0) throw new Error(`internal: ${this.pending.size} chunk row(s) incomplete when the export finished`);
      if (this.options.shardTask) return;
      await this.writer.buildPyramid(undefined, this.options.signal);
      await this.writer.writeRootAttributes(rootAttributesOf(this.layout, this.output, this.options));
      await replaceZarrFolder(this.folder, this.output);
    } catch (error) {
      throw toSaveError(this.output, error);
    }
  }

  /** Whole image: removes the temporary store. Shard task: keeps the shared store (other tasks write it). */
  async abort(): Promise<void> {
    this.pending.clear();
    if (!this.options.shardTask) await fs.rm(this.folder, { recursive: true, force: true });
  }
}

/** Refuses to write into an existing folder that is not a Zarr store (it may hold anything). */
async function assertZarrOrAbsent(output: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(output);
  } catch {
    return;
  }
  if (!stat.isDirectory() || !(await isZarrFolder(output))) {
    throw new Error(`${output} exists and is not a Zarr store; choose another output name or remove it`);
  }
}

/** Moves a finished store into place, replacing an earlier Zarr store (never another kind of folder). */
async function replaceZarrFolder(folder: string, output: string): Promise<void> {
  await assertZarrOrAbsent(output);
  await fs.rm(output, { recursive: true, force: true });
  await fs.rename(folder, output);
}

/**
 * The `--finalize` step of a block-sharded run: checks that every task wrote its chunks, builds the pyramid
 * and writes the root attributes with the provenance (the store then looks finished).
 * @throws Error naming missing chunks when a task has not finished; SaveError for OS errors
 */
export async function finalizeZarrExport(output: string, shape: SinkShape, options: ZarrSinkOptions): Promise<void> {
  try {
    if (!(await isZarrFolder(output))) throw new Error(`${output} is not a Zarr store yet: run every shard task (predict --shard I/N) before --finalize`);
    const writer = new OmeZarrWriter(zarrSinkLayout(shape, options), new ZarrDirectoryStore(output), nodeGzipCodec);
    await writer.create();
    const missing = await writer.missingChunks();
    if (missing.length > 0) throw new Error(`${output}: chunks are missing (${missing.join(', ')}${missing.length >= 5 ? ', …' : ''}): a shard task has not finished; rerun it, then --finalize`);
    await writer.buildPyramid(undefined, options.signal);
    await writer.writeRootAttributes(rootAttributesOf(writer.layout, output, options));
  } catch (error) {
    throw toSaveError(output, named(output, error));
  }
}

/** A layout conflict names the store. */
function named(output: string, error: unknown): unknown {
  return error instanceof ZarrLayoutConflictError ? new Error(`${output}: ${error.message}`) : error;
}
