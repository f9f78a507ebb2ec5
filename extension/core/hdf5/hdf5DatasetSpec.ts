/**
 * What an HDF5 dataset writer is asked to write and what it offers, shared by the Node writer
 * (extension/node/hdf5Writer.ts, h5wasm) and its browser counterpart (extension/web/hdf5Writer.ts, which refuses).
 */

/** Sample types the writer supports (the export's). */
export type Hdf5WriteDtype = 'float32' | 'uint8';

/** Options of `createHdf5DatasetWriter`. */
export interface Hdf5DatasetSpec {
  /** Path of the dataset inside the file, e.g. `exported_data` or `results/probabilities` (groups are created). */
  internalPath: string;
  shape: number[];
  dtype: Hdf5WriteDtype;
  /** Chunk shape (same rank as `shape`, each ≥ 1 and ≤ the dimension). */
  chunks: number[];
  /** gzip level 1..9. */
  gzipLevel: number;
  /** String attributes of the dataset (e.g. `axistags`). */
  attributes: Record<string, string>;
}

/** An open dataset being written. */
export interface Hdf5DatasetWriter {
  /** Writes `data` (row-major over the box, dtype of the dataset) into the box `[start, stop)` per dimension. */
  writeSlice(box: [number, number][], data: Float32Array | Uint8Array): void;
  /** Flushes and closes the file. */
  close(): void;
}
