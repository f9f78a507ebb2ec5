import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderChunkStore } from '../../extension/node/folderChunkStore';
import { zarrStorePath } from '../../extension/node/openZarrImage';

describe('folderChunkStore (the Node ChunkStore)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-zarr-store-'));
  mkdirSync(join(dir, 'a.zarr', '0', 'c'), { recursive: true });
  writeFileSync(join(dir, 'a.zarr', 'zarr.json'), '{}');
  writeFileSync(join(dir, 'a.zarr', '0', 'c', '1'), Uint8Array.from([1, 2, 3, 4, 5, 6]));
  writeFileSync(join(dir, 'secret'), 'x');
  const store = folderChunkStore(join(dir, 'a.zarr'));

  it('reads files by key; a missing file (or a folder) is undefined', async () => {
    expect(Array.from((await store.get('0/c/1'))!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await store.get('0/c/2')).toBeUndefined();
    expect(await store.get('0/c/1/0')).toBeUndefined();
    expect(await store.get('0')).toBeUndefined();
  });

  it('reads byte ranges and suffixes without the rest of the file', async () => {
    expect(Array.from((await store.getRange!('0/c/1', { offset: 2, length: 3 }))!)).toEqual([3, 4, 5]);
    expect(Array.from((await store.getRange!('0/c/1', { suffixLength: 2 }))!)).toEqual([5, 6]);
    expect(Array.from((await store.getRange!('0/c/1', { offset: 5, length: 9 }))!)).toEqual([6]);
    expect(await store.getRange!('nope', { suffixLength: 2 })).toBeUndefined();
  });

  it('refuses keys that leave the folder', async () => {
    await expect(store.get('../secret')).rejects.toThrow(/leaves the store/);
    await expect(store.getRange!('0/../../secret', { offset: 0, length: 1 })).rejects.toThrow(/leaves the store/);
  });

  it('zarrStorePath: the folder, a metadata file in it, a folder with zarr metadata; nothing else', async () => {
    expect(await zarrStorePath(join(dir, 'a.zarr'))).toBe(join(dir, 'a.zarr'));
    expect(await zarrStorePath(join(dir, 'a.zarr', 'zarr.json'))).toBe(join(dir, 'a.zarr'));
    expect(await zarrStorePath(join(dir, 'a.zarr', '.zattrs'))).toBeUndefined();
    expect(await zarrStorePath(join(dir, 'secret'))).toBeUndefined();
    expect(await zarrStorePath(join(dir, 'a.zarr', '0'))).toBeUndefined();
  });
});
