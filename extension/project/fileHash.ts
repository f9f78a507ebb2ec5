/** sha256 of files, streamed so a multi-gigabyte image is hashed in constant memory. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { splitHdf5Path } from '../core/image/hdf5Path';

/**
 * Lowercase hex sha256 of a file's bytes. For an HDF5 dataset path (`file.h5/exported_data`) it is the hash of
 * the HDF5 file.
 */
export function sha256File(file: string): Promise<string> {
  const container = splitHdf5Path(file)?.file ?? file;
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(container, { highWaterMark: 1 << 20 });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
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
  const hash = createHash('sha256');
  if (typeof data !== 'string' || data.length <= STRING_SLICE) return hash.update(data).digest('hex');
  for (let start = 0; start < data.length;) {
    let end = Math.min(data.length, start + STRING_SLICE);
    const last = data.charCodeAt(end - 1);
    if (end < data.length && last >= 0xd800 && last <= 0xdbff) end++; // keep a high surrogate with its low half
    hash.update(data.slice(start, end));
    start = end;
  }
  return hash.digest('hex');
}
