/**
 * HDF5 export in the browser (counterpart of extension/node/hdf5Writer.ts, issue #20): not available — Export
 * offers TIFF, PNG and OME-Zarr there, and choosing HDF5 fails with this message.
 */
import { HDF5_IN_BROWSER } from './hdf5File';

/** Sample types the writer supports (the export's). */
export type Hdf5WriteDtype = 'float32' | 'uint8';

/** Options of {@link createHdf5DatasetWriter}. */
export interface Hdf5DatasetSpec {
  internalPath: string;
  shape: number[];
  dtype: Hdf5WriteDtype;
  chunks: number[];
  gzipLevel: number;
  attributes: Record<string, string>;
}

/** An open dataset being written. */
export interface Hdf5DatasetWriter {
  writeSlice(box: [number, number][], data: Float32Array | Uint8Array): void;
  close(): void;
}

/** @throws Error always: HDF5 cannot be written in the browser */
export async function createHdf5DatasetWriter(file: string, _spec: Hdf5DatasetSpec): Promise<Hdf5DatasetWriter> {
  throw new Error(`${file}: ${HDF5_IN_BROWSER.replace('opened', 'written')}`);
}
