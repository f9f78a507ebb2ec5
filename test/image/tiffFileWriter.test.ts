import { describe, expect, it } from 'vitest';
import type { FileHandle, FileSystem } from '../../extension/core/platform/fileSystem';
import { TiffFileWriter, tiffFileWriting } from '../../extension/core/image/tiffFileWriter';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import { nodeDeflate } from '../../extension/node/nodeCodecs';

/** One in-memory file opened through a minimal `open`; `fd` as given (the browser's handles have none). */
function memoryFile(fd?: number) {
  const file = { bytes: new Uint8Array(0), closed: 0 };
  const handle = {
    ...(fd === undefined ? {} : { fd }),
    async write(buffer: Uint8Array, offset: number, length: number, position: number) {
      const end = Math.max(file.bytes.length, position + length);
      if (end > file.bytes.length) { const grown = new Uint8Array(end); grown.set(file.bytes); file.bytes = grown; }
      file.bytes.set(buffer.subarray(offset, offset + length), position);
      return { bytesWritten: length };
    },
    async close() { file.closed++; },
  } as unknown as FileHandle;
  const fs: Pick<FileSystem, 'open'> = { open: async () => handle };
  return { file, fs };
}

describe('TiffFileWriter (platform-neutral)', () => {
  it('writes the bytes encodeTiff writes, with the deflate it was given', async () => {
    const { file, fs } = memoryFile();
    const planes = [new Uint8Array([1, 2, 3, 4]), new Uint8Array([5, 6, 7, 8])];
    const options = { width: 2, height: 2, dtype: 'uint8' as const, shape: { t: 1, z: 1, c: 2 }, compression: 'deflate' as const };
    await tiffFileWriting(fs, nodeDeflate).writeTiffFile('a.tif', planes, options);
    expect(file.bytes).toEqual(encodeTiff(planes, { ...options, deflate: nodeDeflate }));
    expect(file.closed).toBe(1);
  });

  it('aborts (closes) the file when a plane is missing', async () => {
    const { file, fs } = memoryFile();
    await expect(tiffFileWriting(fs, nodeDeflate).writeTiffFile('a.tif', (i) => (i === 0 ? new Uint8Array(4) : new Uint8Array(3)), { width: 2, height: 2, dtype: 'uint8', shape: { t: 1, z: 2, c: 1 } })).rejects.toThrow();
    expect(file.closed).toBe(1);
  });

  it('offers in-place writing only where the file has a descriptor', async () => {
    const options = { width: 3, height: 2, dtype: 'uint16' as const };
    const withFd = await TiffFileWriter.create(memoryFile(7).fs, 'a.tif', options);
    expect(withFd.inPlaceTarget()).toMatchObject({ fd: 7, pageBytes: 12, rowBytes: 6 });
    const withoutFd = await TiffFileWriter.create(memoryFile().fs, 'b.tif', options);
    expect(withoutFd.inPlaceTarget()).toBeUndefined();
  });
});
