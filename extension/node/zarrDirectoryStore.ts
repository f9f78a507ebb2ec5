/**
 * A Zarr store in a folder on Node (issue #13): the shared store (core/zarrOutput/zarrFolderStore.ts, atomic writes by
 * rename) over `fs.promises` and `node:path`, and gzip chunks through node:zlib.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { hasZarrMetadata, ZarrFolderStore } from '../core/zarrOutput/zarrFolderStore';
import type { ZarrChunkCodec } from '../core/zarrOutput/zarrStore';
import { ZARR_GZIP_LEVEL } from '../core/zarrOutput/omeZarrLayout';
import { nodeFileAccess } from './nodePlatform';

/** A folder-backed Zarr store on Node's file system: {@link ZarrFolderStore}. */
export class ZarrDirectoryStore extends ZarrFolderStore {
  constructor(root: string) {
    super(root, nodeFileAccess);
  }
}

/** gzip (level {@link ZARR_GZIP_LEVEL}) on node:zlib; decoding is capped at the chunk size. */
export const nodeGzipCodec: ZarrChunkCodec = {
  encode(bytes: Uint8Array): Uint8Array {
    const out = gzipSync(bytes, { level: ZARR_GZIP_LEVEL });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
  decode(bytes: Uint8Array, expectedLength: number): Uint8Array {
    const out = gunzipSync(bytes, { maxOutputLength: Math.max(1, expectedLength) });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
};

/** Whether `folder` is a Zarr store (has `.zgroup`, `.zattrs`, `.zarray` or `zarr.json`). */
export function isZarrFolder(folder: string): Promise<boolean> {
  return hasZarrMetadata(nodeFileAccess, folder);
}
