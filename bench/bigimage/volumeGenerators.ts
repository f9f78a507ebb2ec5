/**
 * Streaming generators of the big-image benchmark's chunked inputs: a uint16 z-stack as OME-Zarr 0.4 and as a
 * chunked, gzip HDF5 dataset (ilastik-style axistags), and a huge sparse uint8 OME-Zarr plane whose chunks exist
 * only where it has content (the rest is the fill value, as the Zarr spec allows). One chunk (or one slice for
 * HDF5) is in memory at a time.
 */
import { mkdirSync } from 'node:fs';
import { axisTagsJson } from '../../extension/core/image/axistags';
import { loadH5wasm } from '../../extension/node/hdf5Library';
import { nodeGzipCodec, ZarrDirectoryStore } from '../../extension/node/zarrDirectoryStore';
import { insideDisc, intensityBlock } from './syntheticPixels';

const text = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

function multiscales(axes: string[], scale: number[]): unknown {
  return {
    multiscales: [{
      version: '0.4', name: 'bench',
      axes: axes.map((name) => ({ name, type: name === 'c' ? 'channel' : 'space', ...(name === 'c' ? {} : { unit: 'micrometer' }) })),
      datasets: [{ path: '0', coordinateTransformations: [{ type: 'scale', scale }] }],
    }],
  };
}

/** OME-Zarr 0.4 of a `z × size × size` uint16 stack, chunks (1, chunkZ, chunk, chunk), axes c z y x. */
export async function writeZarrVolume(folder: string, z: number, size: number, chunk: number, chunkZ = 1): Promise<void> {
  mkdirSync(folder, { recursive: true });
  const store = new ZarrDirectoryStore(folder);
  await store.set('.zgroup', text({ zarr_format: 2 }));
  await store.set('.zattrs', text(multiscales(['c', 'z', 'y', 'x'], [1, 2, 0.5, 0.5])));
  await store.set('0/.zarray', text({
    zarr_format: 2, shape: [1, z, size, size], chunks: [1, chunkZ, chunk, chunk], dtype: '<u2', compressor: { id: 'gzip', level: 1 },
    fill_value: 0, order: 'C', filters: null, dimension_separator: '/',
  }));
  for (let cz = 0; cz < Math.ceil(z / chunkZ); cz++) {
    for (let cy = 0; cy < Math.ceil(size / chunk); cy++) {
      for (let cx = 0; cx < Math.ceil(size / chunk); cx++) {
        const data = new Uint16Array(chunkZ * chunk * chunk);
        for (let dz = 0; dz < chunkZ && cz * chunkZ + dz < z; dz++) {
          const ny = Math.min(chunk, size - cy * chunk);
          const nx = Math.min(chunk, size - cx * chunk);
          const block = intensityBlock(cz * chunkZ + dz, cy * chunk, cx * chunk, ny, nx);
          for (let y = 0; y < ny; y++) data.set(block.subarray(y * nx, (y + 1) * nx), (dz * chunk + y) * chunk);
        }
        await store.set(`0/0/${cz}/${cy}/${cx}`, nodeGzipCodec.encode(new Uint8Array(data.buffer)));
      }
    }
  }
}

/** The same stack as HDF5 dataset `data` (axes z y x), chunks (1, chunk, chunk), gzip 1, written slice by slice. */
export async function writeHdf5Volume(file: string, z: number, size: number, chunk: number): Promise<void> {
  const h5 = await loadH5wasm();
  const handle = new h5.File(file, 'w');
  try {
    const dataset = handle.create_dataset({
      name: 'data', data: new Uint16Array(0), shape: [0, size, size], maxshape: [z, size, size], chunks: [1, chunk, chunk],
      compression: 'gzip', compression_opts: 1, dtype: '<H',
    } as never);
    dataset.resize([z, size, size]);
    dataset.create_attribute('axistags', axisTagsJson(['z', 'y', 'x']));
    for (let s = 0; s < z; s++) dataset.write_slice([[s, s + 1], [0, size], [0, size]], intensityBlock(s, 0, 0, size, size));
  } finally {
    handle.close();
  }
}

/**
 * A `size × size` uint8 OME-Zarr 0.4 plane (axes y x) with chunks only where there is content: a few tissue-like
 * regions (about `fraction` of the chunks); every other chunk is absent and reads as the fill value 0.
 * @returns the number of chunks written
 */
export async function writeSparseZarr(folder: string, size: number, chunk: number, fraction = 0.02): Promise<number> {
  mkdirSync(folder, { recursive: true });
  const store = new ZarrDirectoryStore(folder);
  await store.set('.zgroup', text({ zarr_format: 2 }));
  await store.set('.zattrs', text(multiscales(['y', 'x'], [0.25, 0.25])));
  await store.set('0/.zarray', text({
    zarr_format: 2, shape: [size, size], chunks: [chunk, chunk], dtype: '|u1', compressor: { id: 'gzip', level: 1 },
    fill_value: 0, order: 'C', filters: null, dimension_separator: '/',
  }));
  const grid = Math.ceil(size / chunk);
  // Content: a diagonal band of regions (deterministic), about `fraction` of the chunks.
  const wanted = Math.max(1, Math.round(grid * grid * fraction));
  let written = 0;
  for (let i = 0; written < wanted && i < grid * grid; i++) {
    const cy = Math.floor(i / Math.max(1, Math.round(Math.sqrt(wanted)))) % grid;
    const cx = (i * 7 + cy * 3) % grid;
    const key = `0/${cy}/${cx}`;
    if (await store.has(key)) continue;
    const data = new Uint8Array(chunk * chunk);
    for (let y = 0; y < chunk; y++) for (let x = 0; x < chunk; x++) data[y * chunk + x] = insideDisc(0, cy * chunk + y, cx * chunk + x) ? 200 : 60;
    await store.set(key, nodeGzipCodec.encode(data));
    written++;
  }
  return written;
}
