/**
 * LZF-compressed HDF5 (h5py's `compression='lzf'`, common in ilastik users' files) decodes through the
 * h5wasm-plugins LZF plugin, offline. Files written by h5py (skipped without it on a developer machine, a failure
 * under CI=true, see test/pythonCrossCheck.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageBox } from '../../extension/core/image/readImageBox';
import { availablePluginFilters } from '../../extension/node/hdf5Library';
import { openImage } from '../../extension/node/openImage';
import { pythonCrossCheck, SYSTEM_PYTHON } from '../pythonCrossCheck';

const h5py = pythonCrossCheck(['h5py', 'numpy']);

describe('HDF5 LZF through h5wasm-plugins', () => {
  it('the LZF plugin ships with the package (filter 32000)', () => {
    expect([...availablePluginFilters()]).toEqual([32000]);
  });

  it.skipIf(h5py.skip)('reads LZF (and LZF + shuffle) datasets written by h5py with the right values', async () => {
    h5py.assertAvailable();
    const dir = mkdtempSync(join(tmpdir(), 'pc-lzf-'));
    writeFileSync(join(dir, 'make.py'), `
import h5py, numpy as np
z, y, x = np.meshgrid(np.arange(5), np.arange(70), np.arange(90), indexing='ij')
data = ((z * 1000 + y * 7 + x * 3) % 65521).astype(np.uint16)
with h5py.File('lzf.h5', 'w') as f:
    f.create_dataset('plain', data=data, chunks=(1, 32, 32), compression='lzf')
    f.create_dataset('shuffled', data=data, chunks=(2, 16, 64), compression='lzf', shuffle=True)
`);
    execFileSync(SYSTEM_PYTHON, [join(dir, 'make.py')], { cwd: dir });
    for (const name of ['plain', 'shuffled']) {
      const source = await openImage(join(dir, 'lzf.h5', name));
      try {
        expect(source.info.shape).toEqual({ t: 1, z: 5, c: 1, y: 70, x: 90 });
        const box = { z0: 1, y0: 20, x0: 33, nz: 3, ny: 40, nx: 50 };
        const got = await readImageBox(source, 0, 0, 0, box);
        const want: number[] = [];
        for (let z = 1; z < 4; z++) for (let y = 20; y < 60; y++) for (let x = 33; x < 83; x++) want.push((z * 1000 + y * 7 + x * 3) % 65521);
        expect(Array.from(got)).toEqual(want);
      } finally {
        await source.close();
      }
    }
  });
});
