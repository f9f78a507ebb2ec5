import { describe, expect, it } from 'vitest';
import { chunkGrid, chunkKey, metadataDocuments, omeZarrLayout, rootAttributes } from '../../extension/core/zarrOutput/omeZarrLayout';

const shape2d = { t: 1, z: 1, channels: 2, height: 600, width: 300, dtype: 'float32' as const };

describe('omeZarrLayout', () => {
  it('halves y and x until a level fits one chunk; axes c, y, x; one-plane chunks', () => {
    const layout = omeZarrLayout(shape2d, { version: '0.4', downsample: 'mean' });
    expect(layout.axes.map((a) => a.name)).toEqual(['c', 'y', 'x']);
    expect(layout.chunks).toEqual([1, 256, 256]);
    expect(layout.levels.map((l) => l.shape)).toEqual([[2, 600, 300], [2, 300, 150], [2, 150, 75]]);
    expect(layout.levels.map((l) => l.factor)).toEqual([1, 2, 4]);
    expect(chunkGrid(layout, 0)).toEqual({ rows: 3, columns: 2 });
    expect(chunkGrid(layout, 2)).toEqual({ rows: 1, columns: 1 });
  });

  it('a small image is one level with chunks of its own size', () => {
    const layout = omeZarrLayout({ ...shape2d, height: 40, width: 50 }, { version: '0.4', downsample: 'mean' });
    expect(layout.levels).toHaveLength(1);
    expect(layout.chunks).toEqual([1, 40, 50]);
  });

  it('t and z axes only when present; scales carry the pixel size and the level factor, units on space axes', () => {
    const layout = omeZarrLayout({ t: 3, z: 5, channels: 1, height: 300, width: 300, dtype: 'uint8' }, { version: '0.4', downsample: 'nearest', pixelSize: { x: 0.5, y: 0.25, z: 2, unit: 'micrometer' } });
    expect(layout.axes).toEqual([
      { name: 't', type: 'time' }, { name: 'c', type: 'channel' },
      { name: 'z', type: 'space', unit: 'micrometer' }, { name: 'y', type: 'space', unit: 'micrometer' }, { name: 'x', type: 'space', unit: 'micrometer' },
    ]);
    expect(layout.chunks).toEqual([1, 1, 1, 256, 256]);
    const attrs = rootAttributes(layout, 'img', ['Labels'], {}) as { multiscales: { datasets: { coordinateTransformations: { scale: number[] }[] }[]; type: string }[] };
    expect(attrs.multiscales[0].datasets.map((d) => d.coordinateTransformations[0].scale)).toEqual([[1, 1, 2, 0.25, 0.5], [1, 1, 2, 0.5, 1]]);
    expect(attrs.multiscales[0].type).toBe('nearest');
  });

  it('chunk keys: "/"-separated for 0.4, the v3 default encoding ("c/" prefix) for 0.5', () => {
    const v2 = omeZarrLayout({ ...shape2d, t: 2, z: 4 }, { version: '0.4', downsample: 'mean' });
    const v3 = omeZarrLayout({ ...shape2d, t: 2, z: 4 }, { version: '0.5', downsample: 'mean' });
    expect(chunkKey(v2, 1, 1, 0, 3, 2, 1)).toBe('1/1/0/3/2/1');
    expect(chunkKey(v3, 1, 1, 0, 3, 2, 1)).toBe('1/c/1/0/3/2/1');
    expect(chunkKey(omeZarrLayout(shape2d, { version: '0.4', downsample: 'mean' }), 0, 0, 1, 0, 2, 0)).toBe('0/1/2/0');
  });

  it('0.4: .zgroup, .zarray per level (gzip, "/" separator, C order), .zattrs only with attributes', () => {
    const layout = omeZarrLayout(shape2d, { version: '0.4', downsample: 'mean' });
    const bare = metadataDocuments(layout, undefined);
    expect([...bare.keys()]).toEqual(['.zgroup', '0/.zarray', '1/.zarray', '2/.zarray']);
    expect(JSON.parse(bare.get('.zgroup')!)).toEqual({ zarr_format: 2 });
    expect(JSON.parse(bare.get('1/.zarray')!)).toEqual({
      zarr_format: 2, shape: [2, 300, 150], chunks: [1, 256, 256], dtype: '<f4', compressor: { id: 'gzip', level: 5 },
      fill_value: 0, order: 'C', filters: null, dimension_separator: '/',
    });
    const full = metadataDocuments(layout, rootAttributes(layout, 'img', ['a', 'b'], { extra: 1 }));
    const zattrs = JSON.parse(full.get('.zattrs')!);
    expect(zattrs.multiscales[0].version).toBe('0.4');
    expect(zattrs.multiscales[0].datasets.map((d: { path: string }) => d.path)).toEqual(['0', '1', '2']);
    expect(zattrs['pixel-classifier']).toEqual({ channelNames: ['a', 'b'] });
    expect(zattrs.extra).toBe(1);
  });

  it('0.5: zarr.json documents in the shape of the Zarr v3 and NGFF 0.5 specifications', () => {
    const layout = omeZarrLayout({ ...shape2d, z: 3, dtype: 'uint8' }, { version: '0.5', downsample: 'nearest', pixelSize: { x: 1, y: 1, z: 3, unit: 'micrometer' } });
    const docs = metadataDocuments(layout, rootAttributes(layout, 'seg', ['Simple Segmentation'], { p: { q: 1 } }));
    expect([...docs.keys()]).toEqual(['zarr.json', '0/zarr.json', '1/zarr.json', '2/zarr.json']);
    const array = JSON.parse(docs.get('0/zarr.json')!);
    // Required keys of a v3 array (zarr-specs v3.0 "Array metadata"), no v2 leftovers.
    expect(Object.keys(array).sort()).toEqual(['attributes', 'chunk_grid', 'chunk_key_encoding', 'codecs', 'data_type', 'dimension_names', 'fill_value', 'node_type', 'shape', 'zarr_format']);
    expect(array).toEqual({
      zarr_format: 3, node_type: 'array', shape: [2, 3, 600, 300], data_type: 'uint8',
      chunk_grid: { name: 'regular', configuration: { chunk_shape: [1, 1, 256, 256] } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } }, fill_value: 0,
      codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, { name: 'gzip', configuration: { level: 5 } }],
      dimension_names: ['c', 'z', 'y', 'x'], attributes: {},
    });
    expect(array.chunk_grid.configuration.chunk_shape).toHaveLength(array.shape.length);
    const group = JSON.parse(docs.get('zarr.json')!);
    expect(group.zarr_format).toBe(3);
    expect(group.node_type).toBe('group');
    // NGFF 0.5: the OME metadata lives under attributes.ome with the version there, not in multiscales.
    expect(group.attributes.ome.version).toBe('0.5');
    const ms = group.attributes.ome.multiscales[0];
    expect(ms.version).toBeUndefined();
    expect(ms.axes.map((a: { name: string }) => a.name)).toEqual(['c', 'z', 'y', 'x']);
    expect(ms.datasets[2]).toEqual({ path: '2', coordinateTransformations: [{ type: 'scale', scale: [1, 3, 4, 4] }] });
    expect(group.attributes.p).toEqual({ q: 1 });
    expect(group.attributes.multiscales).toBeUndefined();
  });
});
