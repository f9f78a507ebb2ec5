/**
 * A Zarr store in a folder (issue #13): one file per key. Writes go to a unique temporary file beside the key and
 * are renamed over it, so a reader — or another task of a sharded run writing the same metadata — never sees
 * a partial file. Platform-neutral: the Node and browser adaptors (extension/node|web/zarrDirectoryStore.ts) hand it
 * their file access.
 */
import { ZARR_METADATA_FILES } from '../image/zarrPaths';
import type { FileAccess } from '../platform/fileAccess';
import { fileErrorCode } from '../platform/fileSystem';
import type { ZarrStore } from './zarrStore';

let tempCounter = 0;

/** A folder-backed {@link ZarrStore} through a platform's file access. */
export class ZarrFolderStore implements ZarrStore {
  private readonly folders = new Set<string>();

  constructor(readonly root: string, private readonly access: FileAccess) {}

  private file(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '')) throw new Error(`invalid Zarr key ${key}`);
    return this.access.path.join(this.root, ...key.split('/'));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const bytes = await this.access.fs.readFile(this.file(key));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    } catch (error) {
      if (fileErrorCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.access.fs.access(this.file(key));
      return true;
    } catch {
      return false;
    }
  }

  async set(key: string, bytes: Uint8Array): Promise<void> {
    const { fs, path } = this.access;
    const file = this.file(key);
    const folder = path.dirname(file);
    if (!this.folders.has(folder)) {
      await fs.mkdir(folder, { recursive: true });
      this.folders.add(folder);
    }
    const temp = `${file}.${this.access.processId()}.${++tempCounter}.partial`;
    try {
      await fs.writeFile(temp, bytes);
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
  }
}

/** Whether `folder` is a Zarr store (has `.zgroup`, `.zattrs`, `.zarray` or `zarr.json`). */
export async function hasZarrMetadata(access: FileAccess, folder: string): Promise<boolean> {
  for (const name of ZARR_METADATA_FILES) {
    try {
      await access.fs.access(access.path.join(folder, name));
      return true;
    } catch { /* next */ }
  }
  return false;
}
