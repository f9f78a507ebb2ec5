/**
 * A Zarr store in a folder (issue #13): one file per key. Writes go to a unique temporary file beside the key and
 * are renamed over it, so a reader — or another task of a sharded run writing the same metadata — never sees
 * a partial file. gzip chunks through node:zlib.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
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
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
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
    const temp = `${file}.${process.pid}.${++tempCounter}.partial`;
    try {
      await fs.writeFile(temp, bytes);
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
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
export async function isZarrFolder(folder: string): Promise<boolean> {
  for (const name of ['.zgroup', 'zarr.json', '.zarray', '.zattrs']) {
    try {
      await fs.access(path.join(folder, name));
      return true;
    } catch { /* next */ }
  }
  return false;
}
