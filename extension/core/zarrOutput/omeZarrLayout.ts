/**
 * The layout of an OME-Zarr export (issue #13): arrays, chunk shape, pyramid levels and the metadata documents of
 * OME-Zarr 0.4 (Zarr v2: `.zgroup`, `.zattrs`, `.zarray`) and 0.5 (Zarr v3: `zarr.json`). Everything here depends
 * only on the export's shape, sample type and pixel size — never on the tiling, the memory limit or the shard — so
 * every task of a sharded run computes the same documents byte for byte and may create the store idempotently.
 *
 * Axes follow NGFF order `[t][c][z]yx`: `t` and `z` only when the image has them, `c` always. Chunks are one
 * (t, c, z) plane deep and {@link ZARR_CHUNK_EDGE} pixels square, so bands of rows arrive chunk row by chunk row
 * and the pyramid (2× in y and x per level, never in z: stacks are usually anisotropic) reuses the same grid.
 */

/** Edge of a chunk in y and x (smaller images: the image size). */
export const ZARR_CHUNK_EDGE = 256;
/** gzip level of the chunks (zarr-python's default for GZip). */
export const ZARR_GZIP_LEVEL = 5;

/** OME-Zarr versions written. */
export const OME_ZARR_VERSIONS = ['0.4', '0.5'] as const;
export type OmeZarrVersion = (typeof OME_ZARR_VERSIONS)[number];

/** How lower pyramid levels are computed. */
export type DownsampleMethod = 'mean' | 'nearest';

/** What an export holds. */
export interface OmeZarrExportShape {
  t: number;
  z: number;
  channels: number;
  height: number;
  width: number;
  dtype: 'float32' | 'uint8';
}

/** Physical size of one level-0 pixel, in `unit` (an NGFF unit name such as `micrometer`). */
export interface OmeZarrPixelSize {
  x: number;
  y: number;
  z?: number;
  unit?: string;
}

/** One array of the pyramid. */
export interface OmeZarrLevel {
  /** Path of the array in the group ("0", "1", …). */
  path: string;
  /** Array shape in axis order. */
  shape: number[];
  /** Rows and columns of this level. */
  height: number;
  width: number;
  /** Level-0 pixels per pixel of this level along y and x. */
  factor: number;
}

/** The complete layout of one export. */
export interface OmeZarrLayout {
  version: OmeZarrVersion;
  axes: { name: string; type: 'time' | 'channel' | 'space'; unit?: string }[];
  /** Chunk shape in axis order (the same for every level). */
  chunks: number[];
  chunkHeight: number;
  chunkWidth: number;
  levels: OmeZarrLevel[];
  downsample: DownsampleMethod;
  shape: OmeZarrExportShape;
  pixelSize?: OmeZarrPixelSize;
}

/** Options of {@link omeZarrLayout}. */
export interface OmeZarrLayoutOptions {
  version: OmeZarrVersion;
  downsample: DownsampleMethod;
  pixelSize?: OmeZarrPixelSize;
}

/**
 * The layout of an export: levels halve y and x until the whole plane fits in one chunk (at least one level).
 */
export function omeZarrLayout(shape: OmeZarrExportShape, options: OmeZarrLayoutOptions): OmeZarrLayout {
  const chunkHeight = Math.min(shape.height, ZARR_CHUNK_EDGE);
  const chunkWidth = Math.min(shape.width, ZARR_CHUNK_EDGE);
  const unit = options.pixelSize?.unit;
  const axes: OmeZarrLayout['axes'] = [];
  const leading: number[] = [];
  if (shape.t > 1) { axes.push({ name: 't', type: 'time' }); leading.push(shape.t); }
  axes.push({ name: 'c', type: 'channel' });
  leading.push(shape.channels);
  if (shape.z > 1) { axes.push({ name: 'z', type: 'space', ...(unit ? { unit } : {}) }); leading.push(shape.z); }
  axes.push({ name: 'y', type: 'space', ...(unit ? { unit } : {}) }, { name: 'x', type: 'space', ...(unit ? { unit } : {}) });
  const levels: OmeZarrLevel[] = [];
  for (let level = 0, factor = 1; ; level++, factor *= 2) {
    const height = Math.ceil(shape.height / factor);
    const width = Math.ceil(shape.width / factor);
    levels.push({ path: String(level), shape: [...leading, height, width], height, width, factor });
    if (height <= chunkHeight && width <= chunkWidth) break;
  }
  return {
    version: options.version,
    axes,
    chunks: [...leading.map(() => 1), chunkHeight, chunkWidth],
    chunkHeight,
    chunkWidth,
    levels,
    downsample: options.downsample,
    shape,
    pixelSize: options.pixelSize,
  };
}

/** Index of each leading (non-yx) axis of a (t, c, z) position, in axis order. */
export function leadingIndex(layout: OmeZarrLayout, t: number, c: number, z: number): number[] {
  const index: number[] = [];
  if (layout.shape.t > 1) index.push(t);
  index.push(c);
  if (layout.shape.z > 1) index.push(z);
  return index;
}

/** Store key of a chunk: `0/t/c/z/y/x` (v2, "/" separator) or `0/c/t/c/z/y/x` (v3 default encoding). */
export function chunkKey(layout: OmeZarrLayout, level: number, t: number, c: number, z: number, chunkRow: number, chunkColumn: number): string {
  const coords = [...leadingIndex(layout, t, c, z), chunkRow, chunkColumn].join('/');
  return layout.version === '0.4' ? `${level}/${coords}` : `${level}/c/${coords}`;
}

/** Number of chunk rows and columns of a level. */
export function chunkGrid(layout: OmeZarrLayout, level: number): { rows: number; columns: number } {
  const l = layout.levels[level];
  return { rows: Math.ceil(l.height / layout.chunkHeight), columns: Math.ceil(l.width / layout.chunkWidth) };
}

function scaleOf(layout: OmeZarrLayout, level: OmeZarrLevel): number[] {
  const p = layout.pixelSize;
  const scale: number[] = [];
  if (layout.shape.t > 1) scale.push(1);
  scale.push(1);
  if (layout.shape.z > 1) scale.push(p?.z ?? 1);
  scale.push((p?.y ?? 1) * level.factor, (p?.x ?? 1) * level.factor);
  return scale;
}

/** The NGFF `multiscales` entry (without the `version` key for 0.5, where it moves to `ome.version`). */
export function multiscalesEntry(layout: OmeZarrLayout, name: string): Record<string, unknown> {
  return {
    ...(layout.version === '0.4' ? { version: '0.4' } : {}),
    name,
    axes: layout.axes,
    datasets: layout.levels.map((level) => ({ path: level.path, coordinateTransformations: [{ type: 'scale', scale: scaleOf(layout, level) }] })),
    type: layout.downsample,
    metadata: {
      description: layout.downsample === 'mean'
        ? 'lower levels: mean of each 2x2 block in y and x (clipped at the edges)'
        : 'lower levels: nearest (the top-left pixel of each 2x2 block in y and x), so labels stay labels',
    },
  };
}

/** Root group attributes: OME metadata, channel names and extra (provenance) keys. */
export function rootAttributes(layout: OmeZarrLayout, name: string, channelNames: string[], extra: Record<string, unknown>): Record<string, unknown> {
  const channels = { channelNames };
  if (layout.version === '0.4') return { multiscales: [multiscalesEntry(layout, name)], 'pixel-classifier': channels, ...extra };
  return { ome: { version: '0.5', multiscales: [multiscalesEntry(layout, name)] }, 'pixel-classifier': channels, ...extra };
}

/** JSON text of a metadata document (2-space indented, trailing newline: stable bytes). */
export function metadataText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The metadata documents of the store: key → JSON text. `attributes` undefined writes the group without them. */
export function metadataDocuments(layout: OmeZarrLayout, attributes: Record<string, unknown> | undefined): Map<string, string> {
  const docs = new Map<string, string>();
  const v2Dtype = layout.shape.dtype === 'uint8' ? '|u1' : '<f4';
  if (layout.version === '0.4') {
    docs.set('.zgroup', metadataText({ zarr_format: 2 }));
    if (attributes) docs.set('.zattrs', metadataText(attributes));
    for (const level of layout.levels) {
      docs.set(`${level.path}/.zarray`, metadataText({
        zarr_format: 2, shape: level.shape, chunks: layout.chunks, dtype: v2Dtype,
        compressor: { id: 'gzip', level: ZARR_GZIP_LEVEL }, fill_value: 0, order: 'C', filters: null, dimension_separator: '/',
      }));
    }
  } else {
    docs.set('zarr.json', metadataText({ zarr_format: 3, node_type: 'group', attributes: attributes ?? {} }));
    for (const level of layout.levels) {
      docs.set(`${level.path}/zarr.json`, metadataText({
        zarr_format: 3, node_type: 'array', shape: level.shape, data_type: layout.shape.dtype,
        chunk_grid: { name: 'regular', configuration: { chunk_shape: layout.chunks } },
        chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
        fill_value: 0,
        codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, { name: 'gzip', configuration: { level: ZARR_GZIP_LEVEL } }],
        dimension_names: layout.axes.map((a) => a.name),
        attributes: {},
      }));
    }
  }
  return docs;
}

/** Key of the root metadata document that holds the group attributes. */
export function rootAttributesKey(version: OmeZarrVersion): string {
  return version === '0.4' ? '.zattrs' : 'zarr.json';
}
