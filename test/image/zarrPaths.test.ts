import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryChunkStore } from '../../extension/core/image/chunkStore';
import { zarrPaths } from '../../extension/core/image/zarrPaths';
import { nodeFileAccess } from '../../extension/node/nodePlatform';

const dir = mkdtempSync(join(tmpdir(), 'pc-zarrpaths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'a.ome.zarr'));
mkdirSync(join(dir, 'plain'));
writeFileSync(join(dir, 'plain', '.zattrs'), '{}');
writeFileSync(join(dir, 'plain', '.zgroup'), '{}');
mkdirSync(join(dir, 'attrsOnly'));
writeFileSync(join(dir, 'attrsOnly', '.zattrs'), '{}');
writeFileSync(join(dir, 'fake.zarr'), 'not a folder');

const opened: string[] = [];
const paths = zarrPaths(nodeFileAccess, (root) => { opened.push(root); return memoryChunkStore({}); });

describe('zarrPaths (the store-path logic both platforms share)', () => {
  it('finds the store folder of a path', async () => {
    expect(await paths.zarrStorePath(join(dir, 'a.ome.zarr'))).toBe(join(dir, 'a.ome.zarr'));
    expect(await paths.zarrStorePath(`${join(dir, 'a.ome.zarr')}/`)).toBe(join(dir, 'a.ome.zarr'));
    expect(await paths.zarrStorePath(join(dir, 'plain'))).toBe(join(dir, 'plain'));
    expect(await paths.zarrStorePath(join(dir, 'plain', '.zattrs'))).toBe(join(dir, 'plain'));
    expect(await paths.zarrStorePath(join(dir, 'attrsOnly'))).toBeUndefined();
    expect(await paths.zarrStorePath(join(dir, 'plain', 'zarr.json'))).toBeUndefined();
    expect(await paths.zarrStorePath(join(dir, 'fake.zarr'))).toBeUndefined();
  });

  it('names the metadata file VS Code opens a folder through', async () => {
    expect(await paths.zarrEntryFile(join(dir, 'plain'))).toBe(`${join(dir, 'plain')}/.zattrs`);
    expect(await paths.zarrEntryFile(join(dir, 'a.ome.zarr'))).toBeUndefined();
  });

  it('opens only stores, and names a *.zarr that is not one', async () => {
    expect(await paths.openZarrPath(join(dir, 'attrsOnly'))).toBeUndefined();
    await expect(paths.openZarrPath(join(dir, 'fake.zarr'))).rejects.toThrow(/fake\.zarr.*is not a Zarr folder/);
    await expect(paths.openZarrPath(join(dir, 'missing.zarr'))).rejects.toThrow(/missing\.zarr.*file not found/);
    await expect(paths.openZarrPath(join(dir, 'plain'))).rejects.toThrow();
    expect(opened).toEqual([join(dir, 'plain')]);
  });
});
