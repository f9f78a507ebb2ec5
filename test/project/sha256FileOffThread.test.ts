import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { sha256FileOffThread } from '../../extension/node/sha256FileOffThread';
import { sha256File } from '../../extension/project/fileHash';

let dir: string;
beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-hash-')); });
afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

describe('sha256FileOffThread (issue #13: big images are hashed off the extension host thread)', () => {
  it('gives the digest of the bytes, as sha256File does, across its 8 MiB read buffer', async () => {
    const bytes = new Uint8Array(8 * 2 ** 20 + 12345);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const file = path.join(dir, 'img.tif');
    await fs.writeFile(file, bytes);
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(await sha256FileOffThread(file)).toBe(expected);
    expect(await sha256File(file)).toBe(expected);
  });

  it('hashes the HDF5 file of a dataset path and a folder store as sha256File does', async () => {
    const h5 = path.join(dir, 'data.h5');
    await fs.writeFile(h5, 'hdf5 bytes');
    expect(await sha256FileOffThread(`${h5}/exported_data`)).toBe(await sha256File(`${h5}/exported_data`));
    const store = path.join(dir, 'img.zarr');
    await fs.mkdir(path.join(store, '0'), { recursive: true });
    await fs.writeFile(path.join(store, 'zarr.json'), '{}');
    await fs.writeFile(path.join(store, '0', 'c'), 'chunk');
    expect(await sha256FileOffThread(store)).toBe(await sha256File(store));
  });

  it('rejects naming the file when it is missing', async () => {
    await expect(sha256FileOffThread(path.join(dir, 'gone.tif'))).rejects.toThrow(/gone\.tif/);
  });
});
