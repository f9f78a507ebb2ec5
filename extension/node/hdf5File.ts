/**
 * Opens HDF5 files (ilastik `.ilp` projects, `.h5` images) with h5wasm, behind the engine's {@link Hdf5File}
 * view (extension/core/hdf5/hdf5Tree.ts). h5wasm's Node build reads the real file lazily (only the chunks a read
 * touches), so large datasets are never loaded whole.
 *
 * Safety: a dataset compressed with a filter h5wasm does not include (Blosc, Zstandard, …) would read as zeros
 * without an error (measured, see ../shared/reference/image-io.md), so reads check the filter pipeline first and
 * refuse with the filter's name. LZF (h5py's and ilastik's fast compression) is decoded by its h5wasm-plugins
 * plugin, shipped in dist/h5plugins.
 */
import * as path from 'node:path';
import type { PixelArray } from '../core/image/imageModel';
import type { Hdf5Dataset, Hdf5File, Hdf5Group, Hdf5Value } from '../core/hdf5/hdf5Tree';
import { availablePluginFilters, loadH5wasm, type H5wasm } from './hdf5Library';
import { HDF5_PROBE_TIMEOUT_MS, probeHdf5Metadata } from './hdf5MetadataProbe';

/** An HDF5 file that cannot be read, with its name and the reason. */
export class Hdf5Error extends Error {
  constructor(readonly fileName: string, readonly reason: string) {
    super(`${fileName}: ${reason}`);
    this.name = 'Hdf5Error';
  }
}

/** Filters h5wasm decodes: deflate (gzip), shuffle, fletcher32, szip, nbit, scale-offset; LZF through its plugin (hdf5Library.ts). */
const SUPPORTED_FILTERS = new Set([1, 2, 3, 4, 5, 6]);
const FILTER_NAMES: Record<number, string> = { 32000: 'LZF', 32001: 'Blosc', 32004: 'LZ4', 32008: 'bitshuffle', 32015: 'Zstandard', 307: 'bzip2' };

type H5Any = ReturnType<InstanceType<H5wasm['File']>['get']>;
type H5Dataset = InstanceType<H5wasm['Dataset']>;
type H5Group = InstanceType<H5wasm['Group']>;

function dtypeOf(metadata: { type: number; size: number; signed: boolean; vlen?: boolean }): Hdf5Dataset['dtype'] {
  const { type, size, signed } = metadata;
  if (type === 3) return 'string';
  if (type === 1) return size === 4 ? 'float32' : size === 8 ? 'float64' : 'other';
  if (type === 0 || type === 8) {
    if (type === 8 && size === 1) return 'bool'; // h5py stores numpy bools as an int8 enum {FALSE, TRUE}
    const bits = size * 8;
    if (bits === 8) return signed ? 'int8' : 'uint8';
    if (bits === 16) return signed ? 'int16' : 'uint16';
    if (bits === 32) return signed ? 'int32' : 'uint32';
    if (bits === 64) return signed ? 'int64' : 'uint64';
  }
  return 'other';
}

function wrapValue(value: unknown): Hdf5Value {
  if (value === null || value === undefined) return null;
  return value as Hdf5Value;
}

function wrap(node: H5Any, fileName: string): Hdf5Group | Hdf5Dataset | undefined {
  if (!node) return undefined;
  const type = (node as { type?: string }).type;
  const attrs = (n: { attrs: Record<string, { value: unknown }> }) => ({
    attributeNames: () => Object.keys(n.attrs),
    attribute: (name: string) => (name in n.attrs ? wrapValue(n.attrs[name].value) : undefined),
  });
  if (type === 'Group' || type === 'File') {
    const group = node as H5Group;
    return {
      kind: 'group',
      path: group.path,
      ...attrs(group as never),
      keys: () => group.keys(),
      get: (name: string) => wrap(group.get(name) as H5Any, fileName),
    };
  }
  if (type === 'Dataset') {
    const dataset = node as H5Dataset;
    const metadata = dataset.metadata as { type: number; size: number; signed: boolean; chunks: number[] | null };
    const dtype = dtypeOf(metadata);
    const shape = dataset.shape ?? [];
    const checkFilters = () => {
      for (const filter of dataset.filters) {
        if (!SUPPORTED_FILTERS.has(filter.id) && !availablePluginFilters().has(filter.id)) {
          throw new Hdf5Error(fileName, `dataset ${dataset.path} is compressed with ${FILTER_NAMES[filter.id] ?? `HDF5 filter ${filter.id} (${filter.name})`}, which cannot be decoded here; re-save it with gzip or without compression`);
        }
      }
    };
    return {
      kind: 'dataset',
      path: dataset.path,
      shape,
      ...(Array.isArray(metadata.chunks) && metadata.chunks.length === shape.length ? { chunks: [...metadata.chunks] } : {}),
      dtype,
      ...attrs(dataset as never),
      read: () => {
        checkFilters();
        return wrapValue(dataset.value);
      },
      readBox: (box) => {
        checkFilters();
        if (box.length !== shape.length) throw new Hdf5Error(fileName, `dataset ${dataset.path}: a ${box.length}-dimensional box for ${shape.length} dimensions`);
        box.forEach(([start, stop], i) => {
          if (!(start >= 0 && stop <= shape[i] && start < stop)) {
            throw new Hdf5Error(fileName, `dataset ${dataset.path}: box [${start}, ${stop}) is outside dimension ${i} (size ${shape[i]})`);
          }
        });
        const out = dataset.slice(box.map(([a, b]) => [a, b]));
        if (!ArrayBuffer.isView(out)) throw new Hdf5Error(fileName, `dataset ${dataset.path} is not numeric (${String(dtype)})`);
        return out as PixelArray;
      },
    };
  }
  return undefined;
}

/**
 * Opens an HDF5 file for reading.
 * @throws Hdf5Error naming the file: missing, not HDF5, damaged
 */
export async function openHdf5(file: string): Promise<Hdf5File> {
  const h5 = await loadH5wasm();
  const name = path.basename(file);
  const { promises: fs } = await import('node:fs');
  let header: Buffer;
  try {
    const handle = await fs.open(file, 'r');
    try {
      header = Buffer.alloc(8);
      await handle.read(header, 0, 8, 0);
    } finally {
      await handle.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Hdf5Error(name, code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(e)})`);
  }
  // The HDF5 signature is at offset 0 for files written by h5py/ilastik (a user block would move it; rare).
  if (header.toString('latin1') !== '\x89HDF\r\n\x1a\n') throw new Hdf5Error(name, 'not an HDF5 file (bad signature)');
  // h5wasm hangs on some damaged attributes: their metadata is read in a watched worker first.
  if (await probeHdf5Metadata(path.resolve(file)) === 'timeout') {
    throw new Hdf5Error(name, `damaged HDF5 file (reading an attribute did not finish within ${HDF5_PROBE_TIMEOUT_MS / 1000} s)`);
  }
  let handle: InstanceType<H5wasm['File']>;
  try {
    handle = new h5.File(path.resolve(file), 'r');
  } catch (e) {
    throw new Hdf5Error(name, `damaged HDF5 file (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!handle.file_id || handle.file_id < 0n) throw new Hdf5Error(name, 'damaged HDF5 file (cannot be opened)');
  const root = wrap(handle as unknown as H5Any, name) as Hdf5Group;
  return { ...root, name, close: () => handle.close() };
}
