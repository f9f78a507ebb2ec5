/**
 * A Zarr store in a folder (issue #13): one file per key. Writes go to a unique temporary file beside the key and
 * are renamed over it, so a reader — or another task of a sharded run writing the same metadata — never sees
 * a partial file. The browser's copy of extension/node/zarrDirectoryStore.ts (issue #20): the platform's file access
 * (`vscode.workspace.fs`) and fflate's gzip (other compressed bytes than zlib's, the same samples once decoded).
 */
import { gunzipSync, gzipSync } from 'fflate';
import { fileErrorCode } from '../core/platform/fileSystem';
import { files as fs, platform } from '../core/platform/platform';
import * as path from './posixPath';
import type { ZarrChunkCodec, ZarrStore } from '../core/zarrOutput/zarrStore';
import { ZARR_GZIP_LEVEL } from '../core/zarrOutput/omeZarrLayout';

let tempCounter = 0;

/** A folder-backed {@link ZarrStore}. */
export class ZarrDirectoryStore implements ZarrStore {
  private readonly folders = new Set<string>();

  constructor(readonly root: string) {}

  private file(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '')) throw new Error(`invalid Zarr key ${key}`);
    return path.join(this.root, ...key.split('/'));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const bytes = await fs.readFile(this.file(key));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    } catch (error) {
      if (fileErrorCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await fs.access(this.file(key));
      return true;
    } catch {
      return false;
    }
  }

  async set(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.file(key);
    const folder = path.dirname(file);
    if (!this.folders.has(folder)) {
      await fs.mkdir(folder, { recursive: true });
      this.folders.add(folder);
    }
    const temp = `${file}.${platform().processId}.${++tempCounter}.partial`;
    try {
      await fs.writeFile(temp, bytes);
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
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
export async function isZarrFolder(folder: string): Promise<boolean> {
  for (const name of ['.zgroup', 'zarr.json', '.zarray', '.zattrs']) {
    try {
      await fs.access(path.join(folder, name));
      return true;
    } catch { /* next */ }
  }
  return false;
}
