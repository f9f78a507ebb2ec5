/**
 * Browser counterpart of extension/node/sha256FileOffThread.ts (issue #20): the web extension host already runs in a
 * Web Worker, off the window's thread, and `workspace.fs` reads files whole, so the file is hashed there through the
 * platform's file access — the same digest as on the desktop.
 */
import { sha256File } from '../project/fileHash';

/** Lowercase hex sha256 of `file` (the HDF5 file of `file.h5/dataset`; folders as {@link sha256File}). */
export function sha256FileOffThread(file: string): Promise<string> {
  return sha256File(file);
}
