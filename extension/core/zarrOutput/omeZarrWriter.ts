/**
 * Writes an OME-Zarr export into a {@link ZarrStore} (issue #13): level-0 chunks as complete chunk rows arrive, then
 * the pyramid, read back from the store level by level (so a single run and a sharded run with a final
 * `--finalize` step compute it from the same bytes and write the same files), then the root attributes.
 *
 * Memory: one chunk row of one channel plane at a time per level (two rows of the level above while
 * downsampling). Chunks are complete when written (edge chunks padded with the fill value 0, as Zarr requires).
 */
import { downsample2x } from './downsample2x';
import { chunkGrid, chunkKey, metadataDocuments, metadataText, rootAttributesKey, type OmeZarrLayout } from './omeZarrLayout';
import type { ZarrChunkCodec, ZarrStore } from './zarrStore';

/** The store exists with a different layout (another shape, sample type or version). */
export class ZarrLayoutConflictError extends Error {
  constructor(readonly key: string, message: string) {
    super(message);
    this.name = 'ZarrLayoutConflictError';
  }
}

type Plane = Float32Array | Uint8Array;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Writes one export's arrays, pyramid and metadata. */
export class OmeZarrWriter {
  constructor(readonly layout: OmeZarrLayout, private readonly store: ZarrStore, private readonly codec: ZarrChunkCodec) {}

  private get bytesPerSample(): number {
    return this.layout.shape.dtype === 'uint8' ? 1 : 4;
  }

  private newPlane(size: number): Plane {
    return this.layout.shape.dtype === 'uint8' ? new Uint8Array(size) : new Float32Array(size);
  }

  /**
   * Creates the group and the array metadata, idempotently: a document that exists must have the same bytes
   * (the root group of 0.5 may already carry the attributes of a finished run).
   * @throws ZarrLayoutConflictError when the store holds another layout
   */
  async create(): Promise<void> {
    for (const [key, text] of metadataDocuments(this.layout, undefined)) {
      const existing = await this.store.get(key);
      if (existing === undefined) {
        await this.store.set(key, encoder.encode(text));
        continue;
      }
      const found = decoder.decode(existing);
      if (found === text) continue;
      if (key === rootAttributesKey(this.layout.version) && isV3Group(found)) continue;
      throw new ZarrLayoutConflictError(key, `${key} exists with another layout (an export of another shape, sample type or OME-Zarr version); remove the output to write it anew`);
    }
  }

  /**
   * Writes level-0 chunk row `chunkRow` of plane (t, z): `channels[c]` holds its rows (`rows × width` samples,
   * where rows is the chunk height, or fewer for the last chunk row).
   */
  async writeChunkRow(t: number, z: number, chunkRow: number, channels: Plane[]): Promise<void> {
    for (let c = 0; c < channels.length; c++) await this.writeRowOfChunks(0, t, c, z, chunkRow, channels[c]);
  }

  private async writeRowOfChunks(level: number, t: number, c: number, z: number, chunkRow: number, rows: Plane): Promise<void> {
    const { chunkHeight: ch, chunkWidth: cw } = this.layout;
    const width = this.layout.levels[level].width;
    const nRows = rows.length / width;
    const { columns } = chunkGrid(this.layout, level);
    for (let column = 0; column < columns; column++) {
      const chunk = this.newPlane(ch * cw);
      const x0 = column * cw;
      const nx = Math.min(cw, width - x0);
      for (let y = 0; y < nRows; y++) chunk.set(rows.subarray(y * width + x0, y * width + x0 + nx), y * cw);
      const raw = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      await this.store.set(chunkKey(this.layout, level, t, c, z, chunkRow, column), this.codec.encode(raw));
    }
  }

  /** Rows of chunk row `chunkRow` of a level (`rows × width`, fill value where a chunk is missing). */
  async readChunkRow(level: number, t: number, c: number, z: number, chunkRow: number): Promise<Plane> {
    const { chunkHeight: ch, chunkWidth: cw } = this.layout;
    const { height, width } = this.layout.levels[level];
    const y0 = chunkRow * ch;
    const nRows = Math.min(ch, height - y0);
    const rows = this.newPlane(nRows * width);
    const { columns } = chunkGrid(this.layout, level);
    const chunkBytes = ch * cw * this.bytesPerSample;
    for (let column = 0; column < columns; column++) {
      const key = chunkKey(this.layout, level, t, c, z, chunkRow, column);
      const stored = await this.store.get(key);
      if (stored === undefined) continue;
      const raw = this.codec.decode(stored, chunkBytes);
      if (raw.length !== chunkBytes) throw new Error(`chunk ${key} holds ${raw.length} bytes, expected ${chunkBytes}`);
      const aligned = raw.byteOffset % 4 === 0 ? raw : raw.slice();
      const chunk: Plane = this.layout.shape.dtype === 'uint8' ? aligned : new Float32Array(aligned.buffer, aligned.byteOffset, ch * cw);
      const x0 = column * cw;
      const nx = Math.min(cw, width - x0);
      for (let y = 0; y < nRows; y++) rows.set(chunk.subarray(y * cw, y * cw + nx), y * width + x0);
    }
    return rows;
  }

  /** Level-0 chunk keys that are missing (at most `limit`): a shard that has not finished. */
  async missingChunks(limit = 5): Promise<string[]> {
    const missing: string[] = [];
    const { t: T, z: Z, channels: C } = this.layout.shape;
    const { rows, columns } = chunkGrid(this.layout, 0);
    for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) for (let z = 0; z < Z; z++) {
      for (let row = 0; row < rows; row++) for (let column = 0; column < columns; column++) {
        const key = chunkKey(this.layout, 0, t, c, z, row, column);
        if (!(await this.store.has(key))) {
          missing.push(key);
          if (missing.length >= limit) return missing;
        }
      }
    }
    return missing;
  }

  /**
   * Computes levels 1… from the level above, chunk row by chunk row.
   * @param onProgress fraction of the pyramid done
   */
  async buildPyramid(onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<void> {
    const { t: T, z: Z, channels: C } = this.layout.shape;
    const levels = this.layout.levels;
    const total = levels.slice(1).reduce((n, _, i) => n + chunkGrid(this.layout, i + 1).rows, 0) * T * C * Z;
    let done = 0;
    for (let level = 1; level < levels.length; level++) {
      const above = levels[level - 1];
      const { rows } = chunkGrid(this.layout, level);
      const aboveRows = chunkGrid(this.layout, level - 1).rows;
      for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) for (let z = 0; z < Z; z++) {
        for (let row = 0; row < rows; row++) {
          signal?.throwIfAborted();
          const first = await this.readChunkRow(level - 1, t, c, z, 2 * row);
          const second = 2 * row + 1 < aboveRows ? await this.readChunkRow(level - 1, t, c, z, 2 * row + 1) : undefined;
          const band = second ? concat(first, second, this.newPlane(first.length + second.length)) : first;
          const down = downsample2x(band, band.length / above.width, above.width, this.layout.downsample);
          await this.writeRowOfChunks(level, t, c, z, row, down);
          onProgress?.(++done / total);
        }
      }
    }
  }

  /** Writes the root group's attributes (OME multiscales, channel names, provenance): the export is complete. */
  async writeRootAttributes(attributes: Record<string, unknown>): Promise<void> {
    const key = rootAttributesKey(this.layout.version);
    await this.store.set(key, encoder.encode(metadataDocuments(this.layout, attributes).get(key) ?? metadataText(attributes)));
  }
}

function concat(a: Plane, b: Plane, out: Plane): Plane {
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function isV3Group(text: string): boolean {
  try {
    const value = JSON.parse(text) as { zarr_format?: unknown; node_type?: unknown };
    return value.zarr_format === 3 && value.node_type === 'group';
  } catch {
    return false;
  }
}
