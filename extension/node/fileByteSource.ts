import { open, type FileHandle } from 'node:fs/promises';
import type { ByteSource } from '../core/image/byteSource';

/**
 * A {@link ByteSource} over a file handle: every read is a positioned `read`, so only the bytes
 * asked for are loaded (a 16384² TIFF region reads just its strips/tiles).
 */
export async function openFileByteSource(path: string): Promise<ByteSource> {
  const handle: FileHandle = await open(path, 'r');
  let size: number;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = stat.size;
  } catch (error) {
    await handle.close();
    throw error;
  }
  let closed = false;
  return {
    size,
    async read(offset, length) {
      if (closed) throw new Error('file is closed');
      const start = Math.max(0, Math.min(offset, size));
      const n = Math.max(0, Math.min(length, size - start));
      const out = new Uint8Array(n);
      let done = 0;
      while (done < n) {
        const { bytesRead } = await handle.read(out, done, n - done, start + done);
        if (bytesRead === 0) return out.subarray(0, done); // file shrank underneath us
        done += bytesRead;
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}
