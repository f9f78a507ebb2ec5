/** sha256 of files, streamed so a multi-gigabyte image is hashed in constant memory. */
import * as path from 'node:path';
import { createSha256, files as fs, type Sha256 } from '../core/platform/platform';
import { splitHdf5Path } from '../core/image/hdf5Path';

/** Stores (folders) up to this many bytes are hashed by content; bigger ones by their listing and metadata. */
export const FOLDER_CONTENT_HASH_LIMIT = 1024 ** 3;

/** Zarr metadata files, always hashed by content. */
const METADATA = /(^|\/)(zarr\.json|\.zarray|\.zattrs|\.zgroup)$/;

/** Feeds a file into `hash` 1 MiB at a time (through the platform's file access: Node or `workspace.fs`). */
async function streamInto(hash: Sha256, file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    const chunk = new Uint8Array(1 << 20);
    for (let position = 0; ;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) return;
      hash.update(chunk.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** Files below `dir` (relative, `/`-separated, sorted) with their sizes. */
async function listFiles(dir: string, prefix = ''): Promise<{ rel: string; size: number }[]> {
  const out: { rel: string; size: number }[] = [];
  const entries = await fs.readdir(path.join(dir, prefix), { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...await listFiles(dir, rel));
    else if (e.isFile()) out.push({ rel, size: (await fs.stat(path.join(dir, rel))).size });
  }
  return out;
}

/**
 * sha256 of a folder image (an OME-Zarr store): every file's relative path, size and bytes in path order; above
 * {@link FOLDER_CONTENT_HASH_LIMIT} bytes in total, the paths and sizes of all files and the bytes of the Zarr
 * metadata only (a terabyte store is not read whole to detect changes).
 */
export async function sha256Folder(dir: string, contentLimit = FOLDER_CONTENT_HASH_LIMIT): Promise<string> {
  const files = await listFiles(dir);
  const total = files.reduce((n, f) => n + f.size, 0);
  const hash = createSha256();
  hash.update(total <= contentLimit ? 'folder-content\n' : 'folder-listing\n');
  for (const f of files) {
    hash.update(`${f.rel}\0${f.size}\n`);
    if (total <= contentLimit || METADATA.test(f.rel)) await streamInto(hash, path.join(dir, f.rel));
  }
  return hash.digest();
}

/**
 * Lowercase hex sha256 of a file's bytes. For an HDF5 dataset path (`file.h5/exported_data`) it is the hash of
 * the HDF5 file; for a folder (an OME-Zarr store) see {@link sha256Folder}.
 */
export async function sha256File(file: string): Promise<string> {
  const container = splitHdf5Path(file)?.file ?? file;
  if ((await fs.stat(container).catch(() => undefined))?.isDirectory()) return sha256Folder(container);
  const hash = createSha256();
  await streamInto(hash, container);
  return hash.digest();
}

/** UTF-16 code units hashed per `update` call: ≤ 96 KiB of UTF-8, below malloc's mmap threshold. */
const STRING_SLICE = 32768;

/**
 * Lowercase hex sha256 of bytes or a string (UTF-8).
 *
 * Long strings (the training hash covers every label row, hundreds of KB after a long session) are fed in
 * slices: `update(string)` encodes its whole argument into one temporary malloc buffer, and one that grows
 * with every stroke fragments the process heap. A slice never ends between the two halves of a surrogate
 * pair, so the bytes hashed, and the digest, are exactly the UTF-8 of the whole string.
 */
export function sha256Of(data: Uint8Array | string): string {
  const hash = createSha256();
  if (typeof data !== 'string' || data.length <= STRING_SLICE) return hash.update(data).digest();
  for (let start = 0; start < data.length;) {
    let end = Math.min(data.length, start + STRING_SLICE);
    const last = data.charCodeAt(end - 1);
    if (end < data.length && last >= 0xd800 && last <= 0xdbff) end++; // keep a high surrogate with its low half
    hash.update(data.slice(start, end));
    start = end;
  }
  return hash.digest();
}
