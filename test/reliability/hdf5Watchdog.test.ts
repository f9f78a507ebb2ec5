/**
 * h5wasm loops forever on some damaged HDF5 files (a variable-length string attribute with a corrupt global heap,
 * found by the hdf5 fuzz campaign). Opening such a file must end in one clear error naming it, not hang the thread.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeHdf5Metadata } from '../../extension/node/hdf5MetadataProbe';
import { openImage } from '../../extension/node/openImage';
import { mutatedInput, prepareSeeds } from './fuzz/campaign';

describe('HDF5 watchdog', () => {
  it('a file h5wasm hangs on is refused with a clear error; good files still open; the next open works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-h5hang-'));
    const seeds = await prepareSeeds('hdf5');
    // Input 171 of the campaign with seed 20261125: the axistags attribute's global heap is damaged.
    const { bytes } = mutatedInput('hdf5', seeds, 20261125, 171);
    writeFileSync(join(dir, 'hang.h5'), bytes);
    writeFileSync(join(dir, 'good.h5'), seeds[0].bytes);
    expect(await probeHdf5Metadata(join(dir, 'good.h5'))).toBe('ok');
    const started = Date.now();
    await expect(openImage(join(dir, 'hang.h5'))).rejects.toThrow(/hang\.h5: damaged HDF5 file \(reading an attribute did not finish within 3 s\)/);
    expect(Date.now() - started).toBeLessThan(20_000);
    const good = await openImage(join(dir, 'good.h5'));
    expect(good.info.shape).toEqual({ t: 1, z: 1, c: 2, y: 12, x: 10 });
    await good.close();
  }, 60_000);

  it('a process that opened HDF5 files exits by itself, and does not exit while the watchdog waits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-h5exit-'));
    const seeds = await prepareSeeds('hdf5');
    writeFileSync(join(dir, 'hang.h5'), mutatedInput('hdf5', seeds, 20261125, 171).bytes);
    writeFileSync(join(dir, 'good.h5'), seeds[0].bytes);
    const child = join(__dirname, 'helpers', 'openHdf5Child.ts');
    for (const [file, expected] of [['good.h5', /^shape \{"t":1,"z":1,"c":2,"y":12,"x":10\}$/m], ['hang.h5', /^error .*hang\.h5: damaged HDF5 file \(reading an attribute did not finish/m]] as const) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', child, join(dir, file)], { encoding: 'utf8', timeout: 30_000 });
      expect(run.signal, `${file} did not exit by itself`).toBeNull();
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(expected);
    }
  }, 90_000);
});
