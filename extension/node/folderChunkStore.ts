/**
 * The Node {@link ChunkStore}: a Zarr store in a local folder, read with `fs`. A missing file is `undefined` (a
 * missing chunk is the fill value); keys that would leave the folder are refused.
 */
import { open, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { ByteRange, ChunkStore } from '../core/image/chunkStore';

const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/** A store over the folder `root`. */
export function folderChunkStore(root: string): ChunkStore {
  const base = resolve(root);
  const fileOf = (key: string): string => {
    const file = resolve(join(base, key));
    if (file !== base && !file.startsWith(base + sep)) throw new Error(`key ${key} leaves the store`);
    return file;
  };
  const absent = (e: unknown) => ABSENT.has((e as NodeJS.ErrnoException).code ?? '');
  return {
    async get(key) {
      try {
        return new Uint8Array(await readFile(fileOf(key)));
      } catch (e) {
        if (absent(e)) return undefined;
        throw e;
      }
    },
    async getRange(key, range: ByteRange) {
      let handle;
      try {
        handle = await open(fileOf(key), 'r');
      } catch (e) {
        if (absent(e)) return undefined;
        throw e;
      }
      try {
        const { size } = await handle.stat();
        const start = 'suffixLength' in range ? Math.max(0, size - range.suffixLength) : Math.min(range.offset, size);
        const length = Math.max(0, Math.min('suffixLength' in range ? range.suffixLength : range.length, size - start));
        const out = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(out, done, length - done, start + done);
          if (bytesRead === 0) return out.subarray(0, done);
          done += bytesRead;
        }
        return out;
      } catch (e) {
        if (absent(e)) return undefined;
        throw e;
      } finally {
        await handle.close();
      }
    },
  };
}
