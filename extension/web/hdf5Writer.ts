/**
 * HDF5 export in the browser (counterpart of extension/node/hdf5Writer.ts, issue #20): not available — Export
 * offers TIFF, PNG and OME-Zarr there, and choosing HDF5 fails with this message.
 */
import { HDF5_IN_BROWSER } from './hdf5File';
import type { Hdf5DatasetSpec, Hdf5DatasetWriter } from '../core/hdf5/hdf5DatasetSpec';

export type { Hdf5DatasetSpec, Hdf5DatasetWriter, Hdf5WriteDtype } from '../core/hdf5/hdf5DatasetSpec';

/** @throws Error always: HDF5 cannot be written in the browser */
export async function createHdf5DatasetWriter(file: string, _spec: Hdf5DatasetSpec): Promise<Hdf5DatasetWriter> {
  throw new Error(`${file}: ${HDF5_IN_BROWSER.replace('opened', 'written')}`);
}
