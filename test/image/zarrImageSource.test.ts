import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { memoryChunkStore, type ChunkStore } from '../../extension/core/image/chunkStore';
import { ImageError, imageLevels } from '../../extension/core/image/imageModel';
import { pixelSizeFromMetadata } from '../../extension/core/image/pixelSize';
import { readImageBox } from '../../extension/core/image/readImageBox';
import { ChunkCache } from '../../extension/core/image/chunkCache';
import { copyIntersection, openZarrImageSource } from '../../extension/core/image/zarrImageSource';
import { mergeEntries, omeGroupEntries, zarrArrayEntries, type Compressor } from './zarrStoreBuilder';

const ramp = (n: number, mul = 1) => Uint16Array.from({ length: n }, (_, i) => (i * mul) % 65536);
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** A store that counts the keys it is asked for. */
function countingStore(entries: Map<string, Uint8Array>): ChunkStore & { keys: string[] } {
  const inner = memoryChunkStore(entries);
  const keys: string[] = [];
  return {
    keys,
    get: (key) => { keys.push(key); return inner.get(key); },
    getRange: (key, range) => { keys.push(key); return inner.getRange!(key, range); },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ImageError);
  return error as ImageError;
}

describe('Zarr v3 arrays (generated here: zarr-python 2.13 cannot write v3)', () => {
  it.each<Compressor>(['none', 'gzip', 'zlib', 'zstd', 'blosc-lz4', 'blosc-zstd'])('%s: planes and regions equal the data, edge chunks clipped', async (compressor) => {
    const data = ramp(13 * 17, 7);
    const store = memoryChunkStore(await zarrArrayEntries(3, '', { shape: [13, 17], chunks: [5, 6], dtype: 'uint16', data, compressor }));
    const image = await openZarrImageSource(store, 'a.zarr');
    expect(image.info).toMatchObject({ format: 'zarr', shape: { t: 1, z: 1, c: 1, y: 13, x: 17 }, axes: 'YX', dtype: 'uint16', chunkShape: { z: 1, y: 5, x: 6 } });
    expect(image.info.compression).toBe(compressor);
    expect(Array.from(await image.readPlane(0, 0, 0))).toEqual(Array.from(data));
    const region = await image.readRegion(0, 0, 0, { y0: 4, y1: 11, x0: 5, x1: 13 });
    const expected: number[] = [];
    for (let y = 4; y < 11; y++) for (let x = 5; x < 13; x++) expected.push(data[y * 17 + x]);
    expect(Array.from(region)).toEqual(expected);
    expect(Array.from(await image.readRegionFloat32(0, 0, 0, { y0: 4, y1: 11, x0: 5, x1: 13 }))).toEqual(expected);
  });

  it('sharded (sharding_indexed): values, a missing inner chunk is the fill value, reads only the shards it needs', async () => {
    const data = ramp(3 * 20 * 24, 3);
    const entries = await zarrArrayEntries(3, '', {
      shape: [3, 20, 24], chunks: [1, 5, 6], shard: [1, 10, 12], dtype: 'uint16', data, compressor: 'gzip', fill: 9,
      skip: ([z, y, x]) => z === 1 && y === 0 && x === 1, dimensionNames: ['z', 'y', 'x'],
    });
    const store = countingStore(entries);
    const image = await openZarrImageSource(store, 's.zarr');
    expect(image.info).toMatchObject({ axes: 'ZYX', shape: { z: 3, y: 20, x: 24 }, chunkShape: { z: 1, y: 5, x: 6 }, metadata: { sharded: true, zarrFormat: 3 } });
    expect(image.info.compression).toBe('sharding(gzip)');
    const plane = await image.readPlane(0, 1, 0);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 24; x++) {
      const inMissing = y < 5 && x >= 6 && x < 12;
      expect(plane[y * 24 + x]).toBe(inMissing ? 9 : data[480 + y * 24 + x]);
    }
    store.keys.length = 0;
    const box = await image.readBox!(0, 0, 0, { z0: 2, nz: 1, y0: 11, ny: 3, x0: 13, nx: 2 });
    expect(Array.from(box)).toEqual([11, 12, 13].flatMap((y) => [13, 14].map((x) => data[960 + y * 24 + x])));
    expect(new Set(store.keys)).toEqual(new Set(['c/2/1/1']));
  });

  it('OME-Zarr 0.5 multiscales: levels with scale, axes with units → pixel size, omero channel names, readBox at a level', async () => {
    const level0 = ramp(2 * 3 * 16 * 20, 5);
    const level1 = new Uint16Array(2 * 3 * 8 * 10);
    for (let c = 0; c < 2; c++) for (let z = 0; z < 3; z++) for (let y = 0; y < 8; y++) for (let x = 0; x < 10; x++) {
      level1[((c * 3 + z) * 8 + y) * 10 + x] = level0[((c * 3 + z) * 16 + 2 * y) * 20 + 2 * x];
    }
    const axes = [
      { name: 'c', type: 'channel' }, { name: 'z', type: 'space', unit: 'micrometer' },
      { name: 'y', type: 'space', unit: 'micrometer' }, { name: 'x', type: 'space', unit: 'micrometer' },
    ];
    const entries = mergeEntries(
      omeGroupEntries(3, { axes, datasets: [{ path: 's0', scale: [1, 2, 0.25, 0.25] }, { path: 's1', scale: [1, 2, 0.5, 0.5] }] }, { channels: [{ label: 'DAPI' }, { label: 'GFP' }] }),
      await zarrArrayEntries(3, 's0', { shape: [2, 3, 16, 20], chunks: [1, 1, 8, 8], dtype: 'uint16', data: level0, compressor: 'zstd' }),
      await zarrArrayEntries(3, 's1', { shape: [2, 3, 8, 10], chunks: [1, 1, 8, 8], dtype: 'uint16', data: level1, compressor: 'zstd' }),
    );
    const image = await openZarrImageSource(memoryChunkStore(entries), 'ome.zarr');
    const { info } = image;
    expect(info).toMatchObject({ axes: 'ZCYX', shape: { t: 1, z: 3, c: 2, y: 16, x: 20 }, metadata: { omeZarrVersion: '0.5', storageAxes: 'czyx', channelNames: ['DAPI', 'GFP'] } });
    expect(imageLevels(info)).toEqual([
      { shape: { t: 1, z: 3, c: 2, y: 16, x: 20 }, scale: { z: 1, y: 1, x: 1 } },
      { shape: { t: 1, z: 3, c: 2, y: 8, x: 10 }, scale: { z: 1, y: 2, x: 2 } },
    ]);
    expect(pixelSizeFromMetadata(info)).toEqual({ x: 0.25, y: 0.25, z: 2, unit: 'µm', source: 'OME-Zarr' });
    const box = await readImageBox(image, 1, 0, 1, { z0: 1, nz: 2, y0: 6, ny: 2, x0: 7, nx: 3 });
    const expected: number[] = [];
    for (let z = 1; z < 3; z++) for (let y = 6; y < 8; y++) for (let x = 7; x < 10; x++) expected.push(level1[((3 + z) * 8 + y) * 10 + x]);
    expect(Array.from(box)).toEqual(expected);
    const plane = await image.readPlane(0, 2, 1);
    expect(plane[0]).toBe(level0[(3 + 2) * 320]);
    await expect(image.readBox!(2, 0, 0, { z0: 0, nz: 1, y0: 0, ny: 1, x0: 0, nx: 1 })).rejects.toThrow(/level 2 does not exist/);
    await expect(image.readBox!(1, 0, 0, { z0: 0, nz: 1, y0: 0, ny: 9, x0: 0, nx: 1 })).rejects.toThrow(/outside level 1 \(3×8×10\)/);
  });

  it('time axis and nanometre units: TZYX, pixel size converted to µm, a global scale multiplies', async () => {
    const data = ramp(2 * 2 * 4 * 4);
    const entries = mergeEntries(
      omeGroupEntries(3, { axes: [{ name: 't', type: 'time', unit: 'second' }, 'z', { name: 'y', unit: 'nanometer' }, { name: 'x', unit: 'nanometer' }], datasets: [{ path: '0', scale: [1, 300, 100, 100] }] }),
      await zarrArrayEntries(3, '0', { shape: [2, 2, 4, 4], chunks: [1, 1, 4, 4], dtype: 'uint16', data }),
    );
    const image = await openZarrImageSource(memoryChunkStore(entries), 't.zarr');
    expect(image.info.axes).toBe('TZYX');
    expect(image.info.levels).toBeUndefined();
    expect(pixelSizeFromMetadata(image.info)).toEqual({ x: 0.1, y: 0.1, z: 0.3, unit: 'µm', source: 'OME-Zarr' });
    expect(Array.from(await image.readPlane(1, 1, 0))).toEqual(Array.from(data.subarray(48, 64)));
  });

  it.each([2, 3] as const)('bioformats2raw layout (v%s): the image is series 0 below the root', async (format) => {
    const data = ramp(6 * 8, 9);
    const prefixed = (entries: Map<string, Uint8Array>) => new Map([...entries].map(([k, v]) => [`0/${k}`, v]));
    const root = format === 2
      ? new Map([['.zgroup', json({ zarr_format: 2 })], ['.zattrs', json({ 'bioformats2raw.layout': 3 })]])
      : new Map([['zarr.json', json({ zarr_format: 3, node_type: 'group', attributes: { ome: { version: '0.5', 'bioformats2raw.layout': 3 } } })]]);
    const entries = mergeEntries(
      root,
      prefixed(omeGroupEntries(format, { axes: [{ name: 'y', unit: 'micrometer' }, { name: 'x', unit: 'micrometer' }], datasets: [{ path: '0', scale: [0.3, 0.3] }] }, { channels: [{ label: 'DNA' }] })),
      prefixed(await zarrArrayEntries(format, '0', { shape: [6, 8], chunks: [4, 4], dtype: 'uint16', data, compressor: 'gzip' })),
    );
    const image = await openZarrImageSource(memoryChunkStore(entries), 'b2r.zarr');
    expect(image.info).toMatchObject({ axes: 'YX', shape: { y: 6, x: 8 }, metadata: { series: 0, dataset: '0/0', channelNames: ['DNA'] } });
    expect(pixelSizeFromMetadata(image.info)).toMatchObject({ x: 0.3, y: 0.3, unit: 'µm' });
    expect(Array.from(await image.readPlane(0, 0, 0))).toEqual(Array.from(data));
  });

  it('bare arrays: axes from dimension_names, else guessed from the rank (c, y, x when the first is ≤ 4)', async () => {
    const named = await openZarrImageSource(memoryChunkStore(await zarrArrayEntries(3, '', { shape: [5, 6, 2], chunks: [5, 6, 2], dtype: 'uint8', data: new Uint8Array(60).map((_, i) => i), dimensionNames: ['y', 'x', 'c'] })), 'n.zarr');
    expect(named.info).toMatchObject({ axes: 'CYX', shape: { c: 2, y: 5, x: 6 } });
    expect(Array.from(await named.readPlane(0, 0, 1))).toEqual(Array.from({ length: 30 }, (_, i) => 2 * i + 1));
    const guessed = await openZarrImageSource(memoryChunkStore(await zarrArrayEntries(2, '', { shape: [3, 4, 5], chunks: [1, 4, 5], dtype: 'uint8', data: new Uint8Array(60) })), 'g.zarr');
    expect(guessed.info).toMatchObject({ axes: 'CYX', shape: { c: 3, y: 4, x: 5 } });
    const stack = await openZarrImageSource(memoryChunkStore(await zarrArrayEntries(2, '', { shape: [6, 4, 5], chunks: [1, 4, 5], dtype: 'uint8', data: new Uint8Array(120) })), 'z.zarr');
    expect(stack.info).toMatchObject({ axes: 'ZYX', shape: { z: 6 } });
  });
});

describe('missing, corrupt and undecodable chunks', () => {
  it('a missing chunk is the fill value', async () => {
    const data = ramp(8 * 8);
    const entries = await zarrArrayEntries(2, '', { shape: [8, 8], chunks: [4, 4], dtype: 'uint16', data, fill: 42, compressor: 'gzip', skip: ([y, x]) => y === 1 && x === 0 });
    const plane = await (await openZarrImageSource(memoryChunkStore(entries), 'm.zarr')).readPlane(0, 0, 0);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) expect(plane[y * 8 + x]).toBe(y >= 4 && x < 4 ? 42 : data[y * 8 + x]);
  });

  it.each([
    ['garbage bytes', () => new Uint8Array([1, 2, 3, 4, 5]), /gzip: invalid gzip data/],
    ['a chunk of the wrong size', () => new Uint8Array(gzipSync(new Uint8Array(10))), /5 samples, expected 16/],
    ['a gzip bomb', () => new Uint8Array(gzipSync(new Uint8Array(1 << 20))), /gzip: gzip data inflates to more than the chunk's 32 bytes/],
  ] as const)('corrupt chunk (%s) → one ImageError naming the store, the chunk key and its file', async (_, bytes, reason) => {
    const entries = mergeEntries(
      omeGroupEntries(2, { axes: ['y', 'x'], datasets: [{ path: '0', scale: [1, 1] }] }),
      await zarrArrayEntries(2, '0', { shape: [8, 8], chunks: [4, 4], dtype: 'uint16', data: ramp(64), compressor: 'gzip' }),
    );
    entries.set('0/1/0', bytes());
    const image = await openZarrImageSource(memoryChunkStore(entries), '/data/c.zarr');
    const error = await rejection(image.readPlane(0, 0, 0));
    expect(error.message).toMatch(/^\/data\/c\.zarr: chunk 0\/1\/0 \(file \/data\/c\.zarr\/0\/1\/0\) is corrupt: /);
    expect(error.message).toMatch(reason);
    // Chunks that are fine still read.
    expect((await image.readRegion(0, 0, 0, { y0: 0, y1: 4, x0: 0, x1: 8 })).length).toBe(32);
  });

  it('sharded with a crc32c-protected index (zarr-python 3\'s default): reads; a damaged index is an error naming the shard', async () => {
    const data = ramp(8 * 12, 3);
    const entries = await zarrArrayEntries(3, '', { shape: [8, 12], chunks: [4, 4], shard: [8, 12], dtype: 'uint16', data, compressor: 'zstd', indexChecksum: true });
    expect(Array.from(await (await openZarrImageSource(memoryChunkStore(entries), 'crc.zarr')).readPlane(0, 0, 0))).toEqual(Array.from(data));
    const shard = entries.get('c/0/0')!;
    shard[shard.length - 10] ^= 0xff;
    const error = await rejection((await openZarrImageSource(memoryChunkStore(entries), 'crc.zarr')).readPlane(0, 0, 0));
    expect(error.message).toMatch(/crc\.zarr: chunk \(\d, \d\) in shard c\/0\/0 \(file crc\.zarr\/c\/0\/0\) is corrupt: /);
  });

  it('a corrupt inner chunk of a shard names the chunk and the shard file', async () => {
    const entries = await zarrArrayEntries(3, '', { shape: [8, 8], chunks: [4, 4], shard: [8, 8], dtype: 'uint16', data: ramp(64), compressor: 'zstd' });
    const shard = entries.get('c/0/0')!;
    shard.fill(0xab, 0, 8);
    const error = await rejection((await openZarrImageSource(memoryChunkStore(entries), 'sh.zarr')).readPlane(0, 0, 0));
    expect(error.message).toMatch(/sh\.zarr: chunk \(0, 0\) in shard c\/0\/0 \(file sh\.zarr\/c\/0\/0\) is corrupt: zstd: /);
  });

  it.each([
    [2, (e: Map<string, Uint8Array>) => e.set('.zarray', json({ ...JSON.parse(new TextDecoder().decode(e.get('.zarray'))), compressor: { id: 'lzma', preset: 1 } })), /the array uses the codec "lzma", which Pixel Classifier cannot decode/],
    [3, (e: Map<string, Uint8Array>) => {
      const meta = JSON.parse(new TextDecoder().decode(e.get('zarr.json')));
      meta.codecs.push({ name: 'bz2', configuration: {} });
      e.set('zarr.json', json(meta));
    }, /the array uses the codec "bz2", which Pixel Classifier cannot decode/],
  ] as const)('v%s: a codec it cannot decode is named when opening', async (format, edit, message) => {
    const entries = await zarrArrayEntries(format, '', { shape: [4, 4], chunks: [4, 4], dtype: 'uint8', data: new Uint8Array(16) });
    edit(entries);
    expect((await rejection(openZarrImageSource(memoryChunkStore(entries), 'u.zarr'))).message).toMatch(message);
  });

  it.each([
    [{}, /u\.zarr: is not a Zarr store \(no zarr\.json, \.zarray or \.zgroup\)/],
    [{ 'zarr.json': new TextEncoder().encode('{"zarr_format": 3,') }, /zarr\.json is not valid JSON/],
    [{ '.zgroup': json({ zarr_format: 2 }) }, /is a Zarr group without OME-Zarr multiscales metadata/],
    [{ '.zgroup': json({ zarr_format: 2 }), '.zattrs': json({ multiscales: [{ axes: ['y', 'x'], datasets: [{ path: '../x' }] }] }) }, /dataset path "\.\.\/x" leaves the store/],
    [{ '.zgroup': json({ zarr_format: 2 }), '.zattrs': json({ multiscales: [{ axes: ['q', 'x'], datasets: [{ path: '0' }] }] }) }, /axis "q" is not one of t, c, z, y, x/],
    [{ '.zgroup': json({ zarr_format: 2 }), '.zattrs': json({ multiscales: [{ axes: ['y', 'x'], datasets: [{ path: '0' }] }] }) }, /array "0" is missing \(no 0\/\.zarray\)/],
    [{ '.zarray': json({ zarr_format: 2, shape: [4, 4], chunks: [4, 4], dtype: '<i8', compressor: null, fill_value: 0, order: 'C', filters: null }) }, /holds int64 samples/],
    [{ '.zarray': json({ zarr_format: 2, shape: [4, -4], chunks: [4, 4], dtype: '<u2', compressor: null, fill_value: 0, order: 'C', filters: null }) }, /invalid shape \[4,-4\]/],
    [{ '.zarray': json({ zarr_format: 2, shape: [100000, 100000], chunks: [100000, 100000], dtype: '|u1', compressor: null, fill_value: 0, order: 'C', filters: null }) }, /chunks of 9536\.7 MiB, over the memory limit/],
  ] as const)('bad stores: one clear error (%#)', async (entries, message) => {
    expect((await rejection(openZarrImageSource(memoryChunkStore(entries as Record<string, Uint8Array>), 'u.zarr'))).message).toMatch(message);
  });
});

describe('lazy reads', () => {
  it('a box reads only the chunks it intersects (after the metadata at open)', async () => {
    const data = ramp(6 * 32 * 32);
    const store = countingStore(await zarrArrayEntries(2, '', { shape: [6, 32, 32], chunks: [1, 8, 8], dtype: 'uint16', data, compressor: 'blosc-lz4' }));
    const image = await openZarrImageSource(store, 'l.zarr');
    expect(store.keys.every((k) => k.startsWith('.') || k === 'zarr.json')).toBe(true);
    store.keys.length = 0;
    await image.readBox!(0, 0, 0, { z0: 1, nz: 2, y0: 6, ny: 4, x0: 9, nx: 6 });
    expect(store.keys.sort()).toEqual(['1/0/1', '1/1/1', '2/0/1', '2/1/1']);
    store.keys.length = 0;
    await image.readRegion(0, 3, 0, { y0: 24, y1: 32, x0: 0, x1: 16 });
    expect(store.keys.sort()).toEqual(['3/3/0', '3/3/1']);
  });
});

describe('decoded-chunk cache', () => {
  it('the planes of a chunk spanning several z are decoded from one read of it', async () => {
    const data = ramp(4 * 6 * 6, 5);
    const store = countingStore(await zarrArrayEntries(3, '', { shape: [4, 6, 6], chunks: [4, 6, 6], dtype: 'uint16', data, compressor: 'zstd', dimensionNames: ['z', 'y', 'x'] }));
    const image = await openZarrImageSource(store, 'cache.zarr');
    store.keys.length = 0;
    for (let z = 0; z < 4; z++) expect(Array.from(await image.readPlane(0, z, 0))).toEqual(Array.from(data.subarray(z * 36, (z + 1) * 36)));
    expect(store.keys).toEqual(['c/0/0/0']);
  });

  it('ChunkCache: LRU by bytes, in-flight loads shared, failures not kept', async () => {
    const cache = new ChunkCache<{ data: Uint8Array }>(10);
    let loads = 0;
    const load = (n: number) => async () => { loads++; return { data: new Uint8Array(n) }; };
    await Promise.all([cache.get('a', load(4)), cache.get('a', load(4))]);
    expect(loads).toBe(1);
    await cache.get('b', load(4));
    await cache.get('a', load(4)); // a is now the most recent
    await cache.get('c', load(4)); // over 10 bytes: b goes
    expect(cache.size).toBe(8);
    loads = 0;
    await cache.get('a', load(4));
    await cache.get('b', load(4));
    expect(loads).toBe(1);
    await expect(cache.get('x', async () => { throw new Error('bad'); })).rejects.toThrow('bad');
    await cache.get('x', load(1));
    expect(loads).toBe(2);
  });
});

describe('copyIntersection', () => {
  it('copies the part of a C- or F-order chunk inside the box', () => {
    // A 2×3 chunk at origin (2, 3) holding 0..5; box rows 3..4, columns 2..5 of an output 2×3 (row stride 3).
    const c = { data: Uint8Array.from([0, 1, 2, 3, 4, 5]), shape: [2, 3], stride: [3, 1] };
    const out = new Uint8Array(6);
    copyIntersection(c, [2, 3], [3, 2], [5, 5], [3, 1], out);
    expect(Array.from(out)).toEqual([0, 3, 4, 0, 0, 0]);
    const f = { data: Uint8Array.from([0, 3, 1, 4, 2, 5]), shape: [2, 3], stride: [1, 2] };
    const outF = new Uint8Array(6);
    copyIntersection(f, [2, 3], [3, 2], [5, 5], [3, 1], outF);
    expect(Array.from(outF)).toEqual([0, 3, 4, 0, 0, 0]);
  });
});

describe('Zarr images bigger than memory (issue #13)', () => {
  it('a 100000² store with chunks only where there is content opens; boxes read, a whole plane is refused by the box limit', async () => {
    // Chunks of 1000² exist only in the top-left corner; the rest is the fill value (the spec).
    const chunk = Uint8Array.from(ramp(1000 * 1000, 1), (v) => v & 255);
    const entries = await zarrArrayEntries(2, '', {
      shape: [2000, 2000], chunks: [1000, 1000], dtype: 'uint8', data: new Uint8Array(2000 * 2000).map((_, i) => chunk[(Math.floor(i / 2000) % 1000) * 1000 + (i % 1000)]), compressor: 'zlib', fill: 7,
    });
    // Rewrite the metadata to the big shape: the written chunks are the grid's first four.
    const meta = JSON.parse(new TextDecoder().decode(entries.get('.zarray')!));
    meta.shape = [100_000, 100_000];
    entries.set('.zarray', new TextEncoder().encode(JSON.stringify(meta)));
    const image = await openZarrImageSource(memoryChunkStore(entries), 'slide.zarr', { memoryLimitBytes: 64 * 2 ** 20 });
    expect(image.info.shape).toMatchObject({ y: 100_000, x: 100_000 });
    const corner = await image.readBox!(0, 0, 0, { z0: 0, nz: 1, y0: 998, ny: 4, x0: 999, nx: 2 });
    expect(Array.from(corner)).toEqual([chunk[998 * 1000 + 999], chunk[998 * 1000], chunk[999 * 1000 + 999], chunk[999 * 1000], chunk[999], chunk[0], chunk[1000 + 999], chunk[1000]]);
    const far = await image.readBox!(0, 0, 0, { z0: 0, nz: 1, y0: 60_000, ny: 3, x0: 70_000, nx: 3 });
    expect(Array.from(far)).toEqual(new Array(9).fill(7));
    const refused = await rejection(image.readPlane(0, 0, 0));
    expect(refused.message).toMatch(/memory limit/);
  });
});
