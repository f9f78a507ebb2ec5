/**
 * A Zarr store in a folder in the browser (counterpart of extension/node/zarrDirectoryStore.ts, issue #20): the
 * shared store (core/zarrOutput/zarrFolderStore.ts, atomic writes by rename) over the platform's file access
 * (`vscode.workspace.fs`), and fflate's gzip (other compressed bytes than zlib's, the same samples once decoded).
 */
import { gunzipSync, gzipSync } from 'fflate';
import { hasZarrMetadata, ZarrFolderStore } from '../core/zarrOutput/zarrFolderStore';
import type { ZarrChunkCodec } from '../core/zarrOutput/zarrStore';
import { ZARR_GZIP_LEVEL } from '../core/zarrOutput/omeZarrLayout';
import { webFileAccess } from './webFileAccess';

/** A folder-backed Zarr store on the workspace's file system (`vscode.workspace.fs`): {@link ZarrFolderStore}. */
export class ZarrDirectoryStore extends ZarrFolderStore {
  constructor(root: string) {
    super(root, webFileAccess);
  }
}

/** gzip (level {@link ZARR_GZIP_LEVEL}) with fflate; decoding is capped at the chunk size. */
export const nodeGzipCodec: ZarrChunkCodec = {
  encode(bytes: Uint8Array): Uint8Array {
    return gzipSync(bytes, { level: ZARR_GZIP_LEVEL as 6, mtime: 0 });
  },
  decode(bytes: Uint8Array, expectedLength: number): Uint8Array {
    const out = gunzipSync(bytes);
    return out.length > expectedLength ? out.subarray(0, Math.max(1, expectedLength)) : out;
  },
};

/** Whether `folder` is a Zarr store (has `.zgroup`, `.zattrs`, `.zarray` or `zarr.json`). */
export function isZarrFolder(folder: string): Promise<boolean> {
  return hasZarrMetadata(webFileAccess, folder);
}
