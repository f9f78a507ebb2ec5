/**
 * The `zarr` fuzz target (issue #13): seeds are small Zarr stores (OME-Zarr 0.4 with gzip/blosc chunks, OME-Zarr 0.5
 * with zstd and sharding, bare arrays in both formats), packed into one byte string per store. A mutated input
 * damages one to three entries — metadata JSON (structure-aware: shapes, chunks, codecs, axes, dtypes) or chunk
 * bytes — or drops one; it is opened through openZarrImageSource over an in-memory ChunkStore.
 */
import { memoryChunkStore } from '../../../extension/core/image/chunkStore';
import type { ImageOpenOptions, ImageSource } from '../../../extension/core/image/imageModel';
import { openZarrImageSource } from '../../../extension/core/image/zarrImageSource';
import { mergeEntries, omeGroupEntries, zarrArrayEntries } from '../../image/zarrStoreBuilder';
import { GENERIC_MUTATIONS, PROJECT_MUTATIONS, type Mutation } from './mutators';
import { Random } from './random';
import type { Seed } from './seeds';

/** Packs a store as `[u32 n] n × ([u16 key length][key][u32 length][bytes])`. */
export function packStore(entries: Map<string, Uint8Array>): Uint8Array {
  const keys = [...entries.keys()].map((k) => new TextEncoder().encode(k));
  const size = 4 + keys.reduce((n, k, i) => n + 6 + k.length + entries.get([...entries.keys()][i])!.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, entries.size, true);
  let at = 4;
  [...entries.values()].forEach((bytes, i) => {
    view.setUint16(at, keys[i].length, true); at += 2;
    out.set(keys[i], at); at += keys[i].length;
    view.setUint32(at, bytes.length, true); at += 4;
    out.set(bytes, at); at += bytes.length;
  });
  return out;
}

/** The inverse of {@link packStore}. */
export function unpackStore(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = new Map<string, Uint8Array>();
  const n = view.getUint32(0, true);
  let at = 4;
  for (let i = 0; i < n; i++) {
    const keyLength = view.getUint16(at, true); at += 2;
    const key = new TextDecoder().decode(bytes.subarray(at, at + keyLength)); at += keyLength;
    const length = view.getUint32(at, true); at += 4;
    entries.set(key, bytes.slice(at, at + length)); at += length;
  }
  return entries;
}

const ramp = (n: number, mul: number) => Uint16Array.from({ length: n }, (_, i) => (i * mul) % 65536);

/** Seeds: small stores covering both Zarr formats, OME-Zarr 0.4/0.5, multiscales, every codec, sharding. */
export async function zarrSeeds(): Promise<Seed[]> {
  const yx = [{ name: 'y', type: 'space', unit: 'micrometer' }, { name: 'x', type: 'space', unit: 'micrometer' }];
  const czyx = [{ name: 'c', type: 'channel' }, { name: 'z', type: 'space' }, ...yx];
  const seeds: Seed[] = [];
  const add = (name: string, entries: Map<string, Uint8Array>) => seeds.push({ name, bytes: packStore(entries) });
  add('ome04-gzip-2levels.zarr', mergeEntries(
    omeGroupEntries(2, { axes: yx, datasets: [{ path: '0', scale: [0.5, 0.5] }, { path: '1', scale: [1, 1] }] }),
    await zarrArrayEntries(2, '0', { shape: [12, 10], chunks: [5, 4], dtype: 'uint16', data: ramp(120, 7), compressor: 'gzip' }),
    await zarrArrayEntries(2, '1', { shape: [6, 5], chunks: [5, 4], dtype: 'uint16', data: ramp(30, 3), compressor: 'gzip' }),
  ));
  add('ome04-blosc-lz4-czyx.zarr', mergeEntries(
    omeGroupEntries(2, { axes: czyx, datasets: [{ path: '0', scale: [1, 2, 0.5, 0.5] }] }, { channels: [{ label: 'a' }, { label: 'b' }] }),
    await zarrArrayEntries(2, '0', { shape: [2, 2, 6, 7], chunks: [1, 1, 4, 4], dtype: 'uint16', data: ramp(168, 11), compressor: 'blosc-lz4' }),
  ));
  add('ome05-zstd-sharded.zarr', mergeEntries(
    omeGroupEntries(3, { axes: yx, datasets: [{ path: 's0', scale: [1, 1] }] }),
    await zarrArrayEntries(3, 's0', { shape: [9, 11], chunks: [3, 4], shard: [6, 8], dtype: 'uint16', data: ramp(99, 5), compressor: 'zstd' }),
  ));
  add('v3-zlib-float.zarr', await zarrArrayEntries(3, '', { shape: [7, 6], chunks: [4, 4], dtype: 'float32', data: Float32Array.from({ length: 42 }, (_, i) => i / 3 - 2), compressor: 'zlib', dimensionNames: ['y', 'x'] }));
  add('v2-blosc-zstd-u8.zarr', await zarrArrayEntries(2, '', { shape: [3, 8, 9], chunks: [1, 8, 5], dtype: 'uint8', data: Uint8Array.from({ length: 216 }, (_, i) => i), compressor: 'blosc-zstd', fill: 3, skip: ([z, , x]) => z === 1 && x === 1 }));
  add('v2-raw-u16.zarr', await zarrArrayEntries(2, '', { shape: [6, 6], chunks: [6, 3], dtype: 'uint16', data: ramp(36, 1000) }));
  return seeds;
}

const FIELDS = ['shape', 'chunks', 'chunk_shape', 'dtype', 'data_type', 'codecs', 'compressor', 'filters', 'axes', 'datasets', 'scale', 'fill_value',
  'order', 'dimension_separator', 'chunk_key_encoding', 'path', 'zarr_format', 'node_type', 'multiscales', 'id', 'name', 'cname', 'index_codecs', 'dimension_names', 'endian', 'typesize'];
const NASTY: readonly unknown[] = [0, -1, 1, 3, 1e9, 2 ** 31, 2 ** 53, 1e308, -0.5, 'x', '', null, true, [], {}, [0], [1e9, 1e9], [1, 1], [2 ** 40, 1],
  '<f16', '|O', '>u2', '<i8', '|b1', 'F', 'C', '/', 'lzma', 'numcodecs.blosc', 'bytes', 'sharding_indexed', ['t', 't'], ['y'], 'int64', 'bool', 'float16', '../..', '/abs'];

/** Sets a random metadata field (shape, chunks, codecs, axes, dtype …) to a nasty value. */
const zarrMetadataMutation: Mutation = (bytes, random) => {
  let root: unknown;
  try { root = JSON.parse(new TextDecoder().decode(bytes)); } catch { return bytes; }
  const spots: [Record<string | number, unknown>, string | number][] = [];
  const walk = (node: unknown, depth: number) => {
    if (depth > 12 || typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      const key = Array.isArray(node) ? Number(k) : k;
      if (FIELDS.includes(String(k)) || Array.isArray(node)) spots.push([node as Record<string | number, unknown>, key]);
      walk(v, depth + 1);
    }
  };
  walk(root, 0);
  if (spots.length === 0) return bytes;
  const [node, key] = random.pick(spots);
  node[key] = random.pick(NASTY);
  return new TextEncoder().encode(JSON.stringify(root));
};

const METADATA = /(^|\/)(zarr\.json|\.zarray|\.zattrs|\.zgroup)$/;

/** Mutated input `index`: one seed store with 1–3 damaged (or removed) entries. */
export function zarrMutatedInput(seeds: Seed[], campaignSeed: number, index: number): { seed: Seed; bytes: Uint8Array } {
  const random = Random.forInput(campaignSeed, index);
  const seed = random.pick(seeds);
  const entries = unpackStore(seed.bytes);
  const keys = [...entries.keys()];
  const steps = random.range(1, 3);
  for (let i = 0; i < steps; i++) {
    const metadata = keys.filter((k) => METADATA.test(k));
    const key = random.chance(0.55) ? random.pick(metadata) : random.pick(keys);
    if (!entries.has(key)) continue;
    if (random.chance(0.05)) { entries.delete(key); continue; }
    const mutation = METADATA.test(key)
      ? random.pick([zarrMetadataMutation, zarrMetadataMutation, ...PROJECT_MUTATIONS, ...GENERIC_MUTATIONS])
      : random.pick(GENERIC_MUTATIONS);
    try {
      entries.set(key, mutation(entries.get(key)!, random));
    } catch {
      // a mutator choking on an earlier mutation's output: skip it
    }
  }
  return { seed, bytes: packStore(entries) };
}

/** Opens a packed store as an image. */
export function openPackedZarr(bytes: Uint8Array, name: string, options: ImageOpenOptions): Promise<ImageSource> {
  return openZarrImageSource(memoryChunkStore(unpackStore(bytes)), name, options);
}
