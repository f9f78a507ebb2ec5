/**
 * An {@link ImageSource} over an OME-Zarr image or a bare Zarr array (issue #13): OME-Zarr 0.4 (Zarr v2:
 * `.zgroup`/`.zattrs`/`.zarray`) and 0.5 (Zarr v3: `zarr.json`, sharding included), decoded by zarrita.
 * Multiscales become {@link ImageInfo.levels}; axes (t, c, z, y, x in any order) with units and `scale`
 * transformations become physical pixel sizes; `omero` labels become channel names. `readBox` reads only the
 * chunks a box intersects (a missing chunk is the fill value); every problem is one {@link ImageError}.
 */
import type * as zarr from 'zarrita';
import type { Box } from '../features/box';
import { ChunkCache } from './chunkCache';
import { sliceRange, type ChunkStore } from './chunkStore';
import { BYTES_PER_SAMPLE, DEFAULT_MEMORY_LIMIT_BYTES, ImageError, type DType, type ImageInfo, type ImageLevel, type ImageOpenOptions, type ImageSource, type PixelArray } from './imageModel';
import { guessAxes, jsonText, omeroChannelNames, parseMultiscales, type AxisKey, type OmeMultiscale, type ZarrAxis } from './omeZarrMetadata';
import { allocatePixels, toFloat32 } from './pixelArrays';
import { canDecode, loadZarrita, type Zarrita } from './zarrCodecs';
import { chunkKeyEncoder, describeChunk } from './zarrChunkKeys';

const DTYPES: readonly string[] = ['uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32', 'float32', 'float64'];
/** More chunks than this in one read means absurd chunking (or a corrupt header): refuse instead of crawling. */
const MAX_CHUNKS_PER_READ = 1 << 18;
/** Budget of the decoded-chunk cache of one image (at most a quarter of the memory limit). */
const CHUNK_CACHE_BYTES = 64 * 2 ** 20;
/** Chunks decoded at once within one read. */
const PARALLEL_CHUNKS = 4;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One opened resolution level. */
interface LevelArray {
  path: string;
  array: zarr.Array<zarr.DataType, zarr.Readable>;
  shape: number[];
  /** Chunk shape (inner chunks of a sharded array). */
  chunks: number[];
  keyOf: (coords: readonly number[]) => string;
  /** Inner chunks per shard along each axis, for sharded arrays. */
  shardInner?: number[];
}

/** Thrown by the store adaptor so read failures are told apart from decode failures. */
class StoreReadError extends Error {}

function message(e: unknown): string {
  if (e instanceof Error && e.name === 'CodecPipelineError') {
    const cause = e.cause instanceof Error ? e.cause.message : String(e.cause);
    return `${((e as Error & { codec?: string }).codec ?? 'codec').replace(/^numcodecs\./, '')}: ${cause}`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** The store as zarrita reads it (absolute keys `/a/b`); store failures become {@link StoreReadError}. */
function zarritaStore(store: ChunkStore): zarr.Readable {
  const wrap = async (key: string, read: () => Promise<Uint8Array | undefined>) => {
    try {
      return await read();
    } catch (e) {
      throw new StoreReadError(`cannot read ${key}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return {
    get: (key: string) => wrap(key.slice(1), () => store.get(key.slice(1))),
    getRange: (key: string, range: { offset: number; length: number } | { suffixLength: number }) => wrap(key.slice(1), async () => {
      if (store.getRange) return store.getRange(key.slice(1), range);
      const bytes = await store.get(key.slice(1));
      return bytes && sliceRange(bytes, range);
    }),
  } as zarr.Readable;
}

/** Reads and parses a JSON object stored under `key`; `undefined` when absent. */
async function readJson(store: ChunkStore, name: string, key: string): Promise<Record<string, unknown> | undefined> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get(key);
  } catch (e) {
    throw new ImageError(name, `cannot read ${key}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!bytes) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ImageError(name, `${key} is not valid JSON (${(e as Error).message.slice(0, 80)})`);
  }
  if (!isRecord(value)) throw new ImageError(name, `${key} is not a JSON object`);
  return value;
}

/** The codec names (zarrita registry names) an array's raw metadata uses. */
function codecNames(meta: Record<string, unknown>, zarrFormat: 2 | 3): string[] {
  if (zarrFormat === 2) {
    const names: string[] = [];
    const compressor = meta.compressor;
    if (compressor !== null && compressor !== undefined) {
      if (!isRecord(compressor) || typeof compressor.id !== 'string') throw new Error('its compressor has no id');
      names.push(`numcodecs.${compressor.id}`);
    }
    if (meta.filters !== null && meta.filters !== undefined) {
      if (!Array.isArray(meta.filters)) throw new Error('its filters are not a list');
      for (const f of meta.filters) {
        if (!isRecord(f) || typeof f.id !== 'string') throw new Error('a filter has no id');
        if (f.id !== 'fixedscaleoffset' && f.id !== 'numcodecs.fixedscaleoffset') names.push(`numcodecs.${f.id}`);
      }
    }
    return names;
  }
  const walk = (codecs: unknown): string[] => {
    if (!Array.isArray(codecs)) throw new Error('its codecs are not a list');
    return codecs.flatMap((c) => {
      if (!isRecord(c) || typeof c.name !== 'string') throw new Error('a codec has no name');
      if (c.name !== 'sharding_indexed') return [c.name];
      const config = isRecord(c.configuration) ? c.configuration : {};
      return [...walk(config.codecs ?? []), ...walk(config.index_codecs ?? [])];
    });
  };
  return walk(meta.codecs ?? []);
}

/** "gzip", "blosc-lz4", "sharding(bytes, zstd)" … for {@link ImageInfo.compression}. */
function compressionName(meta: Record<string, unknown>, zarrFormat: 2 | 3): string {
  if (zarrFormat === 2) {
    const c = meta.compressor;
    if (!isRecord(c)) return 'none';
    return c.id === 'blosc' && typeof c.cname === 'string' ? `blosc-${c.cname}` : String(c.id);
  }
  const name = (codecs: unknown): string => (Array.isArray(codecs) ? codecs : []).map((c) => {
    if (!isRecord(c)) return '?';
    const config = isRecord(c.configuration) ? c.configuration : {};
    if (c.name === 'sharding_indexed') return `sharding(${name(config.codecs)})`;
    return c.name === 'blosc' && typeof config.cname === 'string' ? `blosc-${config.cname}` : String(c.name);
  }).filter((n) => n !== 'bytes').join(', ') || 'none';
  return name(meta.codecs);
}

const positiveIntegers = (v: unknown, rank?: number): v is number[] =>
  Array.isArray(v) && (rank === undefined || v.length === rank) && v.every((n) => Number.isSafeInteger(n) && n >= 1);

/** A relative path inside the store: no `..`, no leading `/`. */
function checkDatasetPath(name: string, path: string): string {
  const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
  if (clean.startsWith('/') || clean.split('/').some((part) => part === '..') || clean.includes('\\')) {
    throw new ImageError(name, `multiscales dataset path "${path.slice(0, 60)}" leaves the store`);
  }
  return clean;
}

/** Opens the array at `path` (after checking its metadata) with zarrita. */
async function openLevel(zarr: Zarrita, store: ChunkStore, zstore: zarr.Readable, name: string, path: string, zarrFormat: 2 | 3, limit: number): Promise<LevelArray> {
  const prefix = path === '' ? '' : `${path}/`;
  const label = path === '' ? 'the array' : `array "${path}"`;
  const metaKey = `${prefix}${zarrFormat === 3 ? 'zarr.json' : '.zarray'}`;
  const meta = await readJson(store, name, metaKey);
  if (!meta) throw new ImageError(name, `${label} is missing (no ${metaKey})`);
  if (zarrFormat === 3 && meta.node_type !== 'array') throw new ImageError(name, `${metaKey} is not an array`);
  let names: string[];
  try {
    names = codecNames(meta, zarrFormat);
  } catch (e) {
    throw new ImageError(name, `${label} has invalid codec metadata: ${(e as Error).message}`);
  }
  const unknown = names.find((n) => !canDecode(zarr, n));
  if (unknown) {
    throw new ImageError(name, `${label} uses the codec "${unknown.replace(/^numcodecs\./, '').slice(0, 60)}", which Pixel Classifier cannot decode (it reads gzip, zlib, zstd, blosc, lz4 and uncompressed chunks)`);
  }
  const shape = meta.shape;
  if (!positiveIntegers(shape) || shape.length < 2 || shape.length > 5) throw new ImageError(name, `${label} has an invalid shape ${jsonText(shape, 60)} (2 to 5 positive dimensions)`);
  let array: zarr.Array<zarr.DataType, zarr.Readable>;
  try {
    const location = path === '' ? zarr.root(zstore) : zarr.root(zstore).resolve(path);
    array = zarrFormat === 3
      ? await zarr.open.v3(location, { kind: 'array' })
      : await zarr.open.v2(location, { kind: 'array', attrs: false });
  } catch (e) {
    throw new ImageError(name, `${label}: ${message(e).slice(0, 200)}`);
  }
  const chunks = array.chunks;
  if (!positiveIntegers(chunks, shape.length)) throw new ImageError(name, `${label} has an invalid chunk shape ${jsonText(chunks, 60)}`);
  if (!DTYPES.includes(array.dtype)) throw new ImageError(name, `${label} holds ${String(array.dtype).slice(0, 30)} samples, which Pixel Classifier does not read (it reads 8-, 16- and 32-bit integers and 32/64-bit floats)`);
  const chunkBytes = chunks.reduce((a, b) => a * b, 1) * BYTES_PER_SAMPLE[array.dtype as DType];
  if (chunkBytes > limit) throw new ImageError(name, `${label} has chunks of ${(chunkBytes / 2 ** 20).toFixed(1)} MiB, over the memory limit of ${(limit / 2 ** 20).toFixed(1)} MiB`);
  let shardInner: number[] | undefined;
  const sharding = zarrFormat === 3 && Array.isArray(meta.codecs) ? meta.codecs.find((c) => isRecord(c) && c.name === 'sharding_indexed') : undefined;
  if (sharding) {
    const grid = isRecord(meta.chunk_grid) && isRecord(meta.chunk_grid.configuration) ? meta.chunk_grid.configuration.chunk_shape : undefined;
    if (!positiveIntegers(grid, shape.length) || grid.some((g, i) => g % chunks[i] !== 0)) {
      throw new ImageError(name, `${label}: its shard shape ${jsonText(grid, 40)} is not a multiple of its chunk shape ${jsonText(chunks)}`);
    }
    shardInner = grid.map((g, i) => g / chunks[i]);
    const indexBytes = 16 * shardInner.reduce((a, b) => a * b, 1);
    if (indexBytes > limit) throw new ImageError(name, `${label}: its shard index of ${indexBytes} bytes is over the memory limit`);
  }
  return { path, array, shape, chunks, keyOf: chunkKeyEncoder(path, meta, zarrFormat), ...(shardInner ? { shardInner } : {}) };
}

/** What the node at `prefix` ('' = the root, else ending in `/`) is: a v3 node, a v2 array or a v2 group (with its attributes). */
async function readNode(store: ChunkStore, name: string, prefix = ''): Promise<{ zarrFormat: 2 | 3; isArray: boolean; attrs: Record<string, unknown>; meta?: Record<string, unknown> }> {
  const v3 = await readJson(store, name, `${prefix}zarr.json`);
  if (v3) {
    if (v3.zarr_format !== 3) throw new ImageError(name, `${prefix}zarr.json has zarr_format ${jsonText(v3.zarr_format, 20)}, expected 3`);
    if (v3.node_type !== 'array' && v3.node_type !== 'group') throw new ImageError(name, `${prefix}zarr.json is neither an array nor a group`);
    return { zarrFormat: 3, isArray: v3.node_type === 'array', attrs: isRecord(v3.attributes) ? v3.attributes : {}, meta: v3 };
  }
  const attrs = (await readJson(store, name, `${prefix}.zattrs`)) ?? {};
  const array = await readJson(store, name, `${prefix}.zarray`);
  if (array) return { zarrFormat: 2, isArray: true, attrs, meta: array };
  const group = await readJson(store, name, `${prefix}.zgroup`);
  if (group || Object.keys(attrs).length > 0) return { zarrFormat: 2, isArray: false, attrs };
  throw new ImageError(name, prefix ? `has no image at ${prefix.slice(0, -1)} (no zarr.json, .zarray or .zgroup there)` : 'is not a Zarr store (no zarr.json, .zarray or .zgroup)');
}

/** Whether group attributes mark bioformats2raw's layout (the image is the group `0` below it). */
function isBioformats2raw(attrs: Record<string, unknown>): boolean {
  return attrs['bioformats2raw.layout'] !== undefined || (isRecord(attrs.ome) && attrs.ome['bioformats2raw.layout'] !== undefined);
}

/**
 * Opens the Zarr store behind `store` as an image: an OME-Zarr multiscale group (its first image) or a bare array.
 * @param name the store's path, used in every message
 * @throws ImageError naming the store and the problem
 */
export async function openZarrImageSource(store: ChunkStore, name: string, options: ImageOpenOptions = {}): Promise<ImageSource> {
  const zarr = await loadZarrita();
  const limit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  const zstore = zarritaStore(store);
  let root = await readNode(store, name);
  // bioformats2raw (QuPath, bioformats2raw, OMERO exports) keeps the first image in the group `0`.
  let series = '';
  if (!root.isArray && parseMultiscalesSafely(root.attrs) === undefined && isBioformats2raw(root.attrs)) {
    series = '0/';
    root = await readNode(store, name, series);
    if (root.isArray) throw new ImageError(name, 'its bioformats2raw series 0 is an array, not an OME-Zarr image');
  }
  let multiscale: OmeMultiscale | undefined;
  if (!root.isArray) {
    try {
      multiscale = parseMultiscales(root.attrs);
    } catch (e) {
      throw new ImageError(name, `invalid OME-Zarr metadata: ${(e as Error).message}`);
    }
    if (!multiscale) throw new ImageError(name, 'is a Zarr group without OME-Zarr multiscales metadata (open one of its arrays)');
  }
  const paths = multiscale ? multiscale.datasets.map((d) => series + checkDatasetPath(name, d.path)) : [''];
  const levels: LevelArray[] = [];
  for (const path of paths) levels.push(await openLevel(zarr, store, zstore, name, path, root.zarrFormat, limit));
  const base = levels[0];
  const axes: ZarrAxis[] | undefined = multiscale?.axes
    ?? guessAxes(base.shape, root.meta?.dimension_names ?? (levels[0].array as unknown as { dimensionNames?: unknown }).dimensionNames);
  if (!axes) throw new ImageError(name, `cannot tell the axes of a ${base.shape.length}-dimensional array without OME-Zarr metadata`);
  if (axes.length !== base.shape.length) throw new ImageError(name, `the metadata names ${axes.length} axes but the array has ${base.shape.length} dimensions`);
  const keys = axes.map((a) => a.key);
  const dtype = base.array.dtype as DType;
  const sizeAt = (level: LevelArray, key: AxisKey) => { const i = keys.indexOf(key); return i < 0 ? 1 : level.shape[i]; };
  const shapeOf = (level: LevelArray) => ({ t: sizeAt(level, 't'), z: sizeAt(level, 'z'), c: sizeAt(level, 'c'), y: sizeAt(level, 'y'), x: sizeAt(level, 'x') });
  const shape = shapeOf(base);
  for (const level of levels.slice(1)) {
    const s = shapeOf(level);
    if (level.shape.length !== base.shape.length || s.t !== shape.t || s.c !== shape.c) {
      throw new ImageError(name, `resolution level "${level.path}" (shape ${level.shape.join('×')}) does not match level 0 (${base.shape.join('×')})`);
    }
    if (level.array.dtype !== dtype) throw new ImageError(name, `resolution level "${level.path}" holds ${level.array.dtype}, level 0 ${dtype}`);
  }
  // No whole-plane limit (issue #13): a chunked image is read box by box, each box checked against the limit below.
  const scales = multiscale?.datasets.map((d) => d.scale);
  const imageLevels: ImageLevel[] = levels.map((level, i) => {
    const ratio = (key: AxisKey) => {
      const d = keys.indexOf(key);
      if (d < 0) return 1;
      const s0 = scales?.[0]?.[d];
      const s = scales?.[i]?.[d];
      return s0 && s ? s / s0 : base.shape[d] / level.shape[d];
    };
    return { shape: shapeOf(level), scale: { z: ratio('z'), y: ratio('y'), x: ratio('x') } };
  });
  const chunkOf = (key: AxisKey) => { const i = keys.indexOf(key); return i < 0 ? 1 : base.chunks[i]; };
  const channelNames = omeroChannelNames(root.attrs);
  const info: ImageInfo = {
    name,
    format: 'zarr',
    shape,
    axes: ['t', 'z', 'c', 'y', 'x'].filter((k) => keys.includes(k as AxisKey)).join('').toUpperCase(),
    dtype,
    pages: 1,
    compression: compressionName(root.isArray ? root.meta! : await readJson(store, name, `${base.path}/${root.zarrFormat === 3 ? 'zarr.json' : '.zarray'}`) ?? {}, root.zarrFormat),
    metadata: {
      zarrFormat: root.zarrFormat,
      ...(multiscale?.version ? { omeZarrVersion: multiscale.version } : {}),
      ...(series ? { series: 0 } : {}),
      dataset: base.path || '/',
      storageAxes: keys.join(''),
      ...physicalMetadata(axes, scales?.[0], multiscale?.globalScale),
      ...(channelNames && channelNames.length === shape.c ? { channelNames } : {}),
      ...(base.shardInner ? { sharded: true } : {}),
    },
    ...(levels.length > 1 ? { levels: imageLevels } : {}),
    chunkShape: { z: chunkOf('z'), y: chunkOf('y'), x: chunkOf('x') },
  };

  // Decoded chunks are kept up to a budget, so plane after plane of chunks spanning several z decodes each once.
  const cache = new ChunkCache<{ data: PixelArray; shape: number[]; stride: number[] }>(Math.min(CHUNK_CACHE_BYTES, limit / 4));
  const readChunk = (level: LevelArray, coords: number[]) => cache.get(`${level.path}:${coords.join(',')}`, () => decodeChunk(level, coords));
  const decodeChunk = async (level: LevelArray, coords: number[]) => {
    try {
      const chunk = await level.array.getChunk(coords);
      const expected = level.chunks.reduce((a, b) => a * b, 1);
      if (!chunk || !ArrayBuffer.isView(chunk.data) || (chunk.data as PixelArray).length < expected
        || chunk.shape.length !== level.chunks.length || chunk.shape.some((n, i) => n !== level.chunks[i])) {
        throw new Error(`it decodes to ${(chunk?.data as PixelArray | undefined)?.length ?? 0} samples, expected ${expected}`);
      }
      return chunk as { data: PixelArray; shape: number[]; stride: number[] };
    } catch (e) {
      const what = describeChunk(coords, level.keyOf, level.shardInner);
      if (e instanceof StoreReadError) throw new ImageError(name, `${what}: ${e.message}`);
      const file = level.shardInner ? level.keyOf(coords.map((c, i) => Math.floor(c / level.shardInner![i]))) : level.keyOf(coords);
      throw new ImageError(name, `${what} (file ${name}/${file}) is corrupt: ${message(e).slice(0, 200)}`);
    }
  };

  const readBox = async (levelIndex: number, t: number, c: number, box: Box): Promise<PixelArray> => {
    const level = levels[levelIndex];
    if (!level) throw new ImageError(name, `resolution level ${levelIndex} does not exist (the image has ${levels.length})`);
    const ls = imageLevels[levelIndex].shape;
    const { z0, y0, x0, nz, ny, nx } = box;
    if (![t, c].every(Number.isInteger) || t < 0 || t >= shape.t || c < 0 || c >= shape.c) {
      throw new ImageError(name, `time point ${t}, channel ${c} is outside the image (${shape.t} time points, ${shape.c} channels)`);
    }
    if (![z0, y0, x0, nz, ny, nx].every(Number.isInteger) || z0 < 0 || y0 < 0 || x0 < 0 || nz < 1 || ny < 1 || nx < 1
      || z0 + nz > ls.z || y0 + ny > ls.y || x0 + nx > ls.x) {
      throw new ImageError(name, `box z ${z0}+${nz}, rows ${y0}+${ny}, columns ${x0}+${nx} is empty or outside level ${levelIndex} (${ls.z}×${ls.y}×${ls.x})`);
    }
    const bytes = nz * ny * nx * BYTES_PER_SAMPLE[dtype];
    if (bytes > limit) throw new ImageError(name, `a box of ${nz}×${ny}×${nx} samples needs ${(bytes / 2 ** 20).toFixed(0)} MiB, over the memory limit`);
    const at: Record<AxisKey, [number, number]> = { t: [t, t + 1], c: [c, c + 1], z: [z0, z0 + nz], y: [y0, y0 + ny], x: [x0, x0 + nx] };
    const outStride: Record<AxisKey, number> = { t: 0, c: 0, z: ny * nx, y: nx, x: 1 };
    const lo = keys.map((k) => at[k][0]);
    const hi = keys.map((k) => at[k][1]);
    const strides = keys.map((k) => outStride[k]);
    const first = lo.map((v, d) => Math.floor(v / level.chunks[d]));
    const last = hi.map((v, d) => Math.floor((v - 1) / level.chunks[d]));
    const count = first.reduce((n, f, d) => n * (last[d] - f + 1), 1);
    if (count > MAX_CHUNKS_PER_READ) throw new ImageError(name, `the box spans ${count} chunks of ${level.chunks.join('×')}, too many to read at once`);
    const all: number[][] = [];
    const coords = [...first];
    for (;;) {
      all.push([...coords]);
      let d = coords.length - 1;
      while (d >= 0 && coords[d] === last[d]) { coords[d] = first[d]; d--; }
      if (d < 0) break;
      coords[d]++;
    }
    const out = allocatePixels(dtype, nz * ny * nx);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < all.length; i = next++) {
        const chunkCoords = all[i];
        const chunk = await readChunk(level, chunkCoords);
        copyIntersection(chunk, chunkCoords.map((cc, d) => cc * level.chunks[d]), lo, hi, strides, out);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, all.length) }, worker));
    return out;
  };

  const plane = (t: number, z: number, c: number, y0: number, y1: number, x0: number, x1: number) => {
    if (!Number.isInteger(z) || z < 0 || z >= shape.z) throw new ImageError(name, `plane (t=${t}, z=${z}, c=${c}) is outside the image (${shape.t}×${shape.z}×${shape.c})`);
    if (![y0, y1, x0, x1].every(Number.isInteger) || y0 < 0 || x0 < 0 || y1 > shape.y || x1 > shape.x || y1 <= y0 || x1 <= x0) {
      throw new ImageError(name, `region rows ${y0}..${y1}, columns ${x0}..${x1} is empty or outside the ${shape.x}×${shape.y} plane`);
    }
    return readBox(0, t, c, { z0: z, nz: 1, y0, ny: y1 - y0, x0, nx: x1 - x0 });
  };
  return {
    info,
    readPlane: (t, z, c) => plane(t, z, c, 0, shape.y, 0, shape.x),
    readPlaneFloat32: async (t, z, c, target) => toFloat32(await plane(t, z, c, 0, shape.y, 0, shape.x), target),
    readRegion: (t, z, c, r) => plane(t, z, c, r.y0, r.y1, r.x0, r.x1),
    readRegionFloat32: async (t, z, c, r, target) => toFloat32(await plane(t, z, c, r.y0, r.y1, r.x0, r.x1), target),
    readBox,
    close: async () => undefined,
  };
}

/** The multiscales of group attributes, or `undefined` when absent or unusable (the caller reports it later). */
function parseMultiscalesSafely(attrs: Record<string, unknown>): OmeMultiscale | undefined {
  try {
    return parseMultiscales(attrs);
  } catch {
    return undefined;
  }
}

/** Physical pixel size (level 0 `scale` × the multiscale's `scale`) and axis units, for {@link ImageInfo.metadata}. */
function physicalMetadata(axes: readonly ZarrAxis[], scale: number[] | undefined, globalScale: number[] | undefined): Record<string, unknown> {
  const units: Record<string, string> = {};
  for (const a of axes) if (a.unit) units[a.key] = a.unit;
  const size = (key: AxisKey) => {
    const d = axes.findIndex((a) => a.key === key);
    return d < 0 ? undefined : (scale?.[d] ?? 1) * (globalScale?.[d] ?? 1);
  };
  const unit = units.x ?? units.y;
  const out: Record<string, unknown> = Object.keys(units).length ? { units } : {};
  if (unit && (scale || globalScale)) {
    const z = size('z');
    out.pixelSize = { x: size('x'), y: size('y'), ...(z !== undefined ? { z } : {}), unit };
  }
  return out;
}

/**
 * Copies the part of a decoded chunk (origin `origin`, strides `chunk.stride`, C or F order) that lies in the
 * box [lo, hi) into `out`, whose strides per storage axis are `outStrides` (0 for the fixed t and c).
 */
export function copyIntersection(chunk: { data: PixelArray; shape: number[]; stride: number[] }, origin: number[], lo: number[], hi: number[], outStrides: number[], out: PixelArray): void {
  const rank = origin.length;
  const from = origin.map((o, d) => Math.max(lo[d], o) - o);
  const to = origin.map((o, d) => Math.min(hi[d], o + chunk.shape[d]) - o);
  if (from.some((f, d) => f >= to[d])) return;
  const idx = [...from];
  const last = rank - 1;
  const n = to[last] - from[last];
  const srcStep = chunk.stride[last];
  const dstStep = outStrides[last];
  for (;;) {
    let src = 0;
    let dst = 0;
    for (let d = 0; d < rank; d++) {
      src += idx[d] * chunk.stride[d];
      dst += (origin[d] + idx[d] - lo[d]) * outStrides[d];
    }
    if (srcStep === 1 && dstStep === 1) out.set(chunk.data.subarray(src, src + n) as never, dst);
    else for (let i = 0; i < n; i++) out[dst + i * dstStep] = chunk.data[src + i * srcStep];
    let d = last - 1;
    while (d >= 0 && idx[d] === to[d] - 1) { idx[d] = from[d]; d--; }
    if (d < 0) break;
    idx[d]++;
  }
}
