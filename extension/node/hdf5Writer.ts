/**
 * Writes one chunked, gzip-compressed HDF5 dataset with h5wasm in write mode, slab by slab (`write_slice`), so
 * the dataset is never held in memory whole. h5wasm's Node build writes the real file directly.
 *
 * The dataset is created empty along its first dimension and then resized to its full extent: h5wasm creates
 * datasets from data, and an empty first dimension is the way to create a large one without allocating it.
 */
import * as path from 'node:path';
import { internalPathSegments } from '../core/hdf5/hdf5InternalPath';
import { loadH5wasm, type H5wasm } from './hdf5Library';
import type { Hdf5DatasetSpec, Hdf5DatasetWriter } from '../core/hdf5/hdf5DatasetSpec';

export type { Hdf5DatasetSpec, Hdf5DatasetWriter, Hdf5WriteDtype } from '../core/hdf5/hdf5DatasetSpec';

/**
 * Creates `file` (replacing it) with one dataset as specified.
 * @throws Error naming the file when h5wasm cannot create it
 */
export async function createHdf5DatasetWriter(file: string, spec: Hdf5DatasetSpec): Promise<Hdf5DatasetWriter> {
  const h5: H5wasm = await loadH5wasm();
  const segments = internalPathSegments(spec.internalPath);
  if (spec.chunks.length !== spec.shape.length || spec.chunks.some((c, i) => !(c >= 1 && c <= Math.max(1, spec.shape[i])))) {
    throw new RangeError(`chunks ${spec.chunks.join('×')} do not fit the shape ${spec.shape.join('×')}`);
  }
  let handle: InstanceType<H5wasm['File']>;
  try {
    handle = new h5.File(path.resolve(file), 'w');
  } catch (error) {
    throw new Error(`${path.basename(file)}: cannot create the HDF5 file (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    let group: InstanceType<H5wasm['Group']> = handle;
    for (const name of segments.slice(0, -1)) group = group.create_group(name);
    const dtype = spec.dtype === 'uint8' ? '<B' : '<f';
    const empty = spec.dtype === 'uint8' ? new Uint8Array(0) : new Float32Array(0);
    const dataset = group.create_dataset({
      name: segments[segments.length - 1],
      data: empty,
      shape: [0, ...spec.shape.slice(1)],
      maxshape: spec.shape,
      chunks: spec.chunks,
      compression: 'gzip',
      compression_opts: spec.gzipLevel,
      dtype,
    });
    dataset.resize(spec.shape);
    for (const [name, value] of Object.entries(spec.attributes)) dataset.create_attribute(name, value);
    return {
      writeSlice(box, data) {
        let n = 1;
        for (const [start, stop] of box) n *= stop - start;
        if (data.length !== n) throw new RangeError(`HDF5 slice of ${n} samples given ${data.length}`);
        dataset.write_slice(box, data);
      },
      close() {
        handle.flush();
        handle.close();
      },
    };
  } catch (error) {
    handle.close();
    throw error instanceof Error ? error : new Error(String(error));
  }
}
