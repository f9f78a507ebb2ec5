/**
 * The browser's {@link ChunkStore} (counterpart of extension/node/folderChunkStore.ts, issue #20): a Zarr store in a
 * folder of the workspace, one `vscode.workspace.fs` read per chunk — the web reads an OME-Zarr chunk by chunk.
 * Range reads (shard indexes) read the chunk file whole and slice it. Keys that would leave the folder are refused.
 */
import * as path from './posixPath';
import { sliceRange, type ByteRange, type ChunkStore } from '../core/image/chunkStore';
import { fileErrorCode } from '../core/platform/fileSystem';
import { files } from '../core/platform/platform';

const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/** A store over the folder `root`. */
export function folderChunkStore(root: string): ChunkStore {
  const base = path.resolve(root);
  const fileOf = (key: string): string => {
    const file = path.resolve(path.join(base, key));
    if (file !== base && !file.startsWith(`${base}/`)) throw new Error(`key ${key} leaves the store`);
    return file;
  };
  const get = async (key: string): Promise<Uint8Array | undefined> => {
    try {
      return await files.readFile(fileOf(key));
    } catch (e) {
      if (ABSENT.has(fileErrorCode(e) ?? '')) return undefined;
      throw e;
    }
  };
  return {
    get,
    async getRange(key: string, range: ByteRange) {
      const bytes = await get(key);
      return bytes ? sliceRange(bytes, range) : undefined;
    },
  };
}
