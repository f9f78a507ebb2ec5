/**
 * The browser's {@link ByteSource} of a file (counterpart of extension/node/fileByteSource.ts, issue #20):
 * `vscode.workspace.fs` has no partial reads, so the file is read whole — up to {@link WEB_WHOLE_FILE_LIMIT_BYTES},
 * above which opening fails with a message stating the limit (chunked formats such as OME-Zarr have no such limit).
 */
import { memoryByteSource, type ByteSource } from '../core/image/byteSource';
import { files } from '../core/platform/platform';

/** Largest single file the browser build reads whole: 1 GiB. */
export const WEB_WHOLE_FILE_LIMIT_BYTES = 1024 ** 3;

/** Thrown for a file above the whole-file limit. */
export class FileTooLargeForWebError extends Error {
  readonly code = 'EFBIG';
  constructor(readonly path: string, readonly size: number) {
    super(`is ${(size / 1024 ** 2).toFixed(0)} MiB; in the browser a TIFF, PNG or JPEG is read whole and may be at most ${WEB_WHOLE_FILE_LIMIT_BYTES / 1024 ** 2} MiB (1 GiB) — convert it to OME-Zarr, which is read chunk by chunk, or use the desktop app`);
    this.name = 'FileTooLargeForWebError';
  }
}

/** Reads `path` whole into a memory byte source. */
export async function openFileByteSource(path: string): Promise<ByteSource> {
  const stat = await files.stat(path);
  if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  if (stat.size > WEB_WHOLE_FILE_LIMIT_BYTES) throw new FileTooLargeForWebError(path, stat.size);
  return memoryByteSource(await files.readFile(path));
}
