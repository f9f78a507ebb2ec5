/**
 * HDF5 seeds for the fuzz campaign (issue #13), generated in code: an ilastik-style export (`exported_data`,
 * axistags y x c, chunked + gzip, float32), a chunked gzip uint8 z-stack, and a contiguous uint16 stack without
 * axistags. h5wasm writes through the real file system, so they are made once per process (async) and kept.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axisTagsJson } from '../../../extension/core/image/axistags';
import { loadH5wasm } from '../../../extension/node/hdf5Library';
import { createHdf5DatasetWriter } from '../../../extension/node/hdf5Writer';
import type { Seed } from './seeds';

let seeds: Seed[] | undefined;

/** The HDF5 seeds; {@link prepareHdf5Seeds} must have run. */
export function hdf5Seeds(): Seed[] {
  if (!seeds) throw new Error('internal: call prepareHdf5Seeds() before using the HDF5 seeds');
  return seeds;
}

/** Writes the seeds (once). */
export async function prepareHdf5Seeds(): Promise<Seed[]> {
  if (seeds) return seeds;
  const dir = mkdtempSync(join(tmpdir(), 'pc-h5seeds-'));
  try {
    const made: Seed[] = [];
    const exportFile = join(dir, 'export.h5');
    const exported = await createHdf5DatasetWriter(exportFile, {
      internalPath: 'exported_data', shape: [12, 10, 2], dtype: 'float32', chunks: [6, 10, 1], gzipLevel: 4,
      attributes: { axistags: axisTagsJson(['y', 'x', 'c']) },
    });
    exported.writeSlice([[0, 12], [0, 10], [0, 2]], Float32Array.from({ length: 240 }, (_, i) => (i % 17) / 16));
    exported.close();
    made.push({ name: 'export.h5', bytes: new Uint8Array(readFileSync(exportFile)) });

    const stackFile = join(dir, 'stack.h5');
    const stack = await createHdf5DatasetWriter(stackFile, {
      internalPath: 'volume/data', shape: [3, 9, 11], dtype: 'uint8', chunks: [1, 5, 6], gzipLevel: 1,
      attributes: { axistags: axisTagsJson(['z', 'y', 'x']) },
    });
    stack.writeSlice([[0, 3], [0, 9], [0, 11]], Uint8Array.from({ length: 297 }, (_, i) => (i * 7) % 251));
    stack.close();
    made.push({ name: 'stack.h5', bytes: new Uint8Array(readFileSync(stackFile)) });

    const contiguousFile = join(dir, 'contiguous.h5');
    const h5 = await loadH5wasm();
    const file = new h5.File(contiguousFile, 'w');
    file.create_dataset({ name: 'raw', data: Uint16Array.from({ length: 2 * 8 * 7 }, (_, i) => i * 301), shape: [2, 8, 7], dtype: '<H' } as never);
    file.close();
    made.push({ name: 'contiguous.h5', bytes: new Uint8Array(readFileSync(contiguousFile)) });
    seeds = made;
    return made;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
