import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../../extension/core/image/byteSource';
import { imageFileOpening } from '../../extension/core/image/imageFileOpening';
import type { ImageSource } from '../../extension/core/image/imageModel';
import { encodePng } from '../../extension/core/image/pngWriter';
import { fileError } from '../../extension/core/platform/fileSystem';

const png = encodePng(new Uint8Array([1, 2, 3, 4, 5, 6]), 3, 2);

/** Readers whose file read fails with `failure`, or reads the PNG; `zarr` answers the Zarr probe. */
function opening(failure?: unknown, zarr?: ImageSource) {
  return imageFileOpening({
    openZarrPath: async () => zarr,
    openFileByteSource: async () => { if (failure) throw failure; return memoryByteSource(png); },
    codecs: {},
  });
}

describe('imageFileOpening (what the Node and browser openImage share)', () => {
  it('says in words why a file cannot be read, naming it', async () => {
    await expect(opening(fileError('ENOENT', 'x')).openImageFile('/d/a.tif', {})).rejects.toThrow(/a\.tif.*file not found/);
    await expect(opening(fileError('EISDIR', 'x')).openImageFile('/d/a.tif', {})).rejects.toThrow(/a\.tif.*is a directory/);
    await expect(opening(fileError('EACCES', 'x')).openImageFile('/d/a.tif', {})).rejects.toThrow(/a\.tif.*permission denied/);
    await expect(opening(Object.assign(new Error('is 2000 MiB, too large'), { code: 'EFBIG' })).openImageFile('/d/a.tif', {})).rejects.toThrow(/a\.tif.*is 2000 MiB, too large/);
  });

  it('prefers a Zarr store, else reads the file', async () => {
    const store = { info: { format: 'zarr' } } as unknown as ImageSource;
    expect(await opening(undefined, store).openImageFile('/d/a.zarr', {})).toBe(store);
    const image = await opening().openImageFile('/d/a.png', {});
    expect(image.info).toMatchObject({ format: 'png', shape: { x: 3, y: 2 } });
    expect(Array.from(await image.readPlane(0, 0, 0))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('opens bytes, naming them in errors', async () => {
    expect((await opening().openImageBytes(png, 'b.png')).info.format).toBe('png');
    await expect(opening().openImageBytes(new Uint8Array([1, 2, 3]), '')).rejects.toThrow(/in-memory image/);
  });
});
