/**
 * Builds Zarr v2 / v3 stores in memory for the reader tests (zarr-python 2.13 cannot write v3, so the v3 stores —
 * sharded ones included — are written here): metadata JSON by hand, chunks encoded with node:zlib or numcodecs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import type { PixelArray } from '../../extension/core/image/imageModel';

export type Compressor = 'none' | 'gzip' | 'zlib' | 'zstd' | 'blosc-lz4' | 'blosc-zstd';

/** One array: C-order `data` of `shape`, cut into `chunks` (and `shard`s of chunks in v3). */
export interface ArraySpec {
  shape: number[];
  chunks: number[];
  dtype: 'uint8' | 'uint16' | 'int16' | 'uint32' | 'float32' | 'float64';
  data: PixelArray;
  compressor?: Compressor;
  fill?: number;
  /** v3 only: shard shape (a multiple of `chunks`); inner chunks are stored in one file per shard. */
  shard?: number[];
  /** v3 sharding: protect the shard index with a crc32c checksum (zarr-python 3's default). */
  indexChecksum?: boolean;
  dimensionNames?: string[];
  /** Chunk (grid) coordinates not to write: they read as the fill value. */
  skip?: (coords: number[]) => boolean;
}

const V2_DTYPE: Record<ArraySpec['dtype'], string> = { uint8: '|u1', uint16: '<u2', int16: '<i2', uint32: '<u4', float32: '<f4', float64: '<f8' };
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2));

async function compress(bytes: Uint8Array, compressor: Compressor, typesize: number): Promise<Uint8Array> {
  switch (compressor) {
    case 'none': return bytes;
    case 'gzip': return new Uint8Array(gzipSync(bytes));
    case 'zlib': return new Uint8Array(deflateSync(bytes));
    case 'zstd': return (await import('numcodecs/zstd')).default.fromConfig({ level: 3, id: 'zstd' } as never).encode(bytes);
    default: {
      const Blosc = (await import('numcodecs/blosc')).default;
      return Blosc.fromConfig({ cname: compressor.slice(6), clevel: 5, shuffle: typesize > 1 ? 1 : 0, blocksize: 0, id: 'blosc' } as never).encode(bytes);
    }
  }
}

function v2Compressor(c: Compressor): unknown {
  switch (c) {
    case 'none': return null;
    case 'gzip': return { id: 'gzip', level: 5 };
    case 'zlib': return { id: 'zlib', level: 5 };
    case 'zstd': return { id: 'zstd', level: 3 };
    default: return { id: 'blosc', cname: c.slice(6), clevel: 5, shuffle: 1, blocksize: 0 };
  }
}

function v3Codecs(c: Compressor, typesize: number): unknown[] {
  const bytes = { name: 'bytes', configuration: { endian: 'little' } };
  switch (c) {
    case 'none': return [bytes];
    case 'gzip': return [bytes, { name: 'gzip', configuration: { level: 5 } }];
    case 'zlib': return [bytes, { name: 'zlib', configuration: { level: 5 } }];
    case 'zstd': return [bytes, { name: 'zstd', configuration: { level: 3, checksum: false } }];
    default: return [bytes, { name: 'blosc', configuration: { cname: c.slice(6), clevel: 5, shuffle: 'shuffle', typesize, blocksize: 0 } }];
  }
}

/** CRC-32C (Castagnoli), as the v3 `crc32c` codec appends it. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Odometer over all integer points of [0, sizes). */
function* grid(sizes: number[]): Generator<number[]> {
  if (sizes.some((s) => s <= 0)) return;
  const at = sizes.map(() => 0);
  for (;;) {
    yield [...at];
    let d = sizes.length - 1;
    while (d >= 0 && at[d] === sizes[d] - 1) { at[d] = 0; d--; }
    if (d < 0) return;
    at[d]++;
  }
}

/** The raw little-endian bytes of chunk `coords` (edge chunks padded with the fill value). */
function chunkBytes(spec: ArraySpec, coords: number[]): Uint8Array {
  const { shape, chunks, data } = spec;
  const Ctor = data.constructor as new (n: number) => PixelArray;
  const out = new Ctor(chunks.reduce((a, b) => a * b, 1));
  out.fill(spec.fill ?? 0);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  let i = 0;
  for (const p of grid(chunks)) {
    const at = p.map((v, d) => coords[d] * chunks[d] + v);
    if (at.every((v, d) => v < shape[d])) out[i] = data[at.reduce((s, v, d) => s + v * strides[d], 0)];
    i++;
  }
  return new Uint8Array(out.buffer);
}

/** Entries (key → bytes) of one array at `path` ('' for the root). */
export async function zarrArrayEntries(format: 2 | 3, path: string, spec: ArraySpec): Promise<Map<string, Uint8Array>> {
  const entries = new Map<string, Uint8Array>();
  const prefix = path ? `${path}/` : '';
  const compressor = spec.compressor ?? 'none';
  const typesize = spec.data.BYTES_PER_ELEMENT;
  const chunkGrid = spec.shape.map((n, d) => Math.ceil(n / spec.chunks[d]));
  if (format === 2) {
    entries.set(`${prefix}.zarray`, json({
      zarr_format: 2, shape: spec.shape, chunks: spec.chunks, dtype: V2_DTYPE[spec.dtype], compressor: v2Compressor(compressor),
      fill_value: spec.fill ?? 0, order: 'C', filters: null, dimension_separator: '/',
    }));
    for (const coords of grid(chunkGrid)) {
      if (spec.skip?.(coords)) continue;
      entries.set(`${prefix}${coords.join('/')}`, await compress(chunkBytes(spec, coords), compressor, typesize));
    }
    return entries;
  }
  const inner = v3Codecs(compressor, typesize);
  const shard = spec.shard;
  entries.set(`${prefix}zarr.json`, json({
    zarr_format: 3, node_type: 'array', shape: spec.shape, data_type: spec.dtype,
    chunk_grid: { name: 'regular', configuration: { chunk_shape: shard ?? spec.chunks } },
    chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
    fill_value: spec.fill ?? 0,
    codecs: shard
      ? [{ name: 'sharding_indexed', configuration: {
        chunk_shape: spec.chunks, codecs: inner, index_location: 'end',
        index_codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, ...(spec.indexChecksum ? [{ name: 'crc32c' }] : [])],
      } }]
      : inner,
    attributes: {},
    ...(spec.dimensionNames ? { dimension_names: spec.dimensionNames } : {}),
  }));
  if (!shard) {
    for (const coords of grid(chunkGrid)) {
      if (spec.skip?.(coords)) continue;
      entries.set(`${prefix}c/${coords.join('/')}`, await compress(chunkBytes(spec, coords), compressor, typesize));
    }
    return entries;
  }
  const perShard = shard.map((s, d) => s / spec.chunks[d]);
  const shardGrid = spec.shape.map((n, d) => Math.ceil(n / shard[d]));
  for (const shardCoords of grid(shardGrid)) {
    const parts: Uint8Array[] = [];
    const index = new BigUint64Array(2 * perShard.reduce((a, b) => a * b, 1));
    let offset = 0;
    let k = 0;
    for (const local of grid(perShard)) {
      const coords = local.map((v, d) => shardCoords[d] * perShard[d] + v);
      if (spec.skip?.(coords) || coords.some((v, d) => v >= chunkGrid[d])) {
        index[2 * k] = index[2 * k + 1] = 0xffffffffffffffffn;
      } else {
        const bytes = await compress(chunkBytes(spec, coords), compressor, typesize);
        index[2 * k] = BigInt(offset);
        index[2 * k + 1] = BigInt(bytes.length);
        parts.push(bytes);
        offset += bytes.length;
      }
      k++;
    }
    if (parts.length === 0) continue;
    const indexBytes = new Uint8Array(index.buffer);
    const checksum = spec.indexChecksum ? 4 : 0;
    const file = new Uint8Array(offset + indexBytes.length + checksum);
    let at = 0;
    for (const p of parts) { file.set(p, at); at += p.length; }
    file.set(indexBytes, at);
    if (checksum) new DataView(file.buffer).setUint32(at + indexBytes.length, crc32c(indexBytes), true);
    entries.set(`${prefix}c/${shardCoords.join('/')}`, file);
  }
  return entries;
}

/** An OME-Zarr multiscale group: `.zgroup` + `.zattrs` (0.4) or `zarr.json` with `ome` (0.5). */
export function omeGroupEntries(format: 2 | 3, multiscale: { axes: unknown[]; datasets: { path: string; scale: number[] }[] }, omero?: unknown): Map<string, Uint8Array> {
  const ms = {
    axes: multiscale.axes,
    datasets: multiscale.datasets.map((d) => ({ path: d.path, coordinateTransformations: [{ type: 'scale', scale: d.scale }] })),
  };
  if (format === 2) {
    return new Map([
      ['.zgroup', json({ zarr_format: 2 })],
      ['.zattrs', json({ multiscales: [{ version: '0.4', ...ms }], ...(omero ? { omero } : {}) })],
    ]);
  }
  return new Map([['zarr.json', json({ zarr_format: 3, node_type: 'group', attributes: { ome: { version: '0.5', multiscales: [ms], ...(omero ? { omero } : {}) } } })]]);
}

/** Writes entries below `dir`. */
export function writeStore(dir: string, entries: Map<string, Uint8Array>): string {
  for (const [key, bytes] of entries) {
    const file = join(dir, key);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  return dir;
}

/** Merges entry maps. */
export function mergeEntries(...maps: Map<string, Uint8Array>[]): Map<string, Uint8Array> {
  return new Map(maps.flatMap((m) => [...m]));
}
