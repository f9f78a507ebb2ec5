import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installPlatform } from '../../extension/core/platform/platform';
import { PureSha256 } from '../../extension/core/platform/sha256';
import { installNodePlatform } from '../../extension/node/nodePlatform';
import { openImage, WEB_WHOLE_FILE_LIMIT_BYTES } from '../../extension/web/openImage';
import { workspaceFileSystem } from '../../extension/web/workspaceFileSystem';
import { fakeWorkspaceFs } from './fakeWorkspaceFs';
import { writeUint16Tiff } from '../cli/generatedImages';

afterEach(() => installNodePlatform());

function webPlatform(sizeOverride?: number) {
  const fake = fakeWorkspaceFs();
  const api = sizeOverride === undefined ? fake.api : { ...fake.api, stat: async (uri: { scheme: 'fake'; path: string }) => ({ ...(await fake.api.stat(uri)), size: sizeOverride }) };
  installPlatform({ name: 'web', fs: workspaceFileSystem(api, fake.uriOf), createSha256: () => new PureSha256(), processId: 7 });
  return fake;
}

describe('opening images in the browser (issue #20)', () => {
  it('a TIFF is read whole through workspace.fs (one readFile) and decodes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pc-webopen-'));
    const file = path.join(dir, 'a.tif');
    writeUint16Tiff(file, Uint16Array.from({ length: 12 }, (_, i) => i * 100), 4, 3);
    const fake = webPlatform();
    const image = await openImage(file);
    expect(image.info.shape).toMatchObject({ x: 4, y: 3 });
    expect(Array.from(await image.readPlane(0, 0, 0))).toEqual(Array.from({ length: 12 }, (_, i) => i * 100));
    await image.close();
    expect(fake.calls.readFile).toBe(1);
  });

  it('a file above the limit is refused with a message naming the file and the limit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pc-webopen-'));
    const file = path.join(dir, 'huge.tif');
    writeFileSync(file, 'II*\0');
    webPlatform(WEB_WHOLE_FILE_LIMIT_BYTES + 1);
    await expect(openImage(file)).rejects.toThrow(/huge\.tif.*at most 1024 MiB \(1 GiB\).*OME-Zarr/);
  });

  it('HDF5 says why it does not open in the browser; a missing file says so', async () => {
    webPlatform();
    await expect(openImage('/nowhere/a.h5/exported_data')).rejects.toThrow(/HDF5 files cannot be opened in the browser/);
    await expect(openImage('/nowhere/b.tif')).rejects.toThrow(/b\.tif.*file not found/);
  });
});
