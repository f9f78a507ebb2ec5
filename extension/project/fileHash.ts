/** sha256 of files, streamed so a multi-gigabyte image is hashed in constant memory. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Lowercase hex sha256 of a file's bytes. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(file, { highWaterMark: 1 << 20 });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/** Lowercase hex sha256 of bytes or a string (UTF-8). */
export function sha256Of(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
