/**
 * sha256 of an image file in the browser (counterpart of extension/node/sha256FileOffThread.ts, issue #20). A web
 * worker cannot reach `vscode.workspace.fs`, so the extension host reads the file (whole, as every web read is) and
 * hashes it in 4 MiB slices with a pause between them, so strokes and messages are served while a big file is hashed.
 * Same digest as {@link sha256File}; folders (OME-Zarr stores) are hashed as there.
 */
import { splitHdf5Path } from '../core/image/hdf5Path';
import { createSha256, files } from '../core/platform/platform';
import { sha256File } from '../project/fileHash';

const SLICE = 4 << 20;

/** Lowercase hex sha256 of `file` (the HDF5 file of `file.h5/dataset`), yielding to the event loop between slices. */
export async function sha256FileOffThread(file: string): Promise<string> {
  const container = splitHdf5Path(file)?.file ?? file;
  const stat = await files.stat(container);
  if (!stat.isFile()) return sha256File(file);
  const bytes = await files.readFile(container);
  const hash = createSha256();
  for (let at = 0; at < bytes.length; at += SLICE) {
    hash.update(bytes.subarray(at, at + SLICE));
    if (at + SLICE < bytes.length) await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  return hash.digest();
}
