import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File, sha256Folder } from '../../extension/project/fileHash';

describe('sha256 of a folder image (an OME-Zarr store)', () => {
  const make = () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pc-folder-hash-')), 'a.zarr');
    mkdirSync(join(dir, '0'), { recursive: true });
    writeFileSync(join(dir, '.zattrs'), '{"multiscales": []}');
    writeFileSync(join(dir, '0', '0.0'), Uint8Array.from([1, 2, 3, 4]));
    return dir;
  };

  it('is the same for the same files, and changes with any chunk byte (content mode)', async () => {
    const a = make();
    const b = make();
    expect(await sha256File(a)).toBe(await sha256File(b));
    expect(await sha256File(a)).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(join(b, '0', '0.0'), Uint8Array.from([1, 2, 3, 5]));
    expect(await sha256File(b)).not.toBe(await sha256File(a));
  });

  it('above the content limit: the listing (paths, sizes) and the metadata bytes count, chunk bytes do not', async () => {
    const a = make();
    const listing = await sha256Folder(a, 1);
    expect(listing).not.toBe(await sha256Folder(a));
    writeFileSync(join(a, '0', '0.0'), Uint8Array.from([9, 9, 9, 9]));
    expect(await sha256Folder(a, 1)).toBe(listing);
    writeFileSync(join(a, '0', '0.1'), Uint8Array.from([1]));
    const added = await sha256Folder(a, 1);
    expect(added).not.toBe(listing);
    writeFileSync(join(a, '.zattrs'), '{"multiscales": [1]}');
    expect(await sha256Folder(a, 1)).not.toBe(added);
  });
});
