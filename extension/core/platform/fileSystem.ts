/**
 * File access as a port (issue #20), so the same project, editor and batch code runs on Node (`fs`) and in the
 * browser's web-worker extension host (`vscode.workspace.fs`). The shape is the subset of Node's `fs.promises`
 * the extension uses, so the Node adaptor is a thin pass-through and call sites read as before.
 *
 * Errors carry Node's `code` (`ENOENT`, `EEXIST`, `EISDIR`, `ENOTDIR`, `EACCES`) on every platform: callers
 * branch on it (see {@link fileErrorCode}).
 */

/** What `stat` tells. */
export interface FileStats {
  size: number;
  /** Last modification, ms since the epoch. */
  mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** One entry of a folder listing. */
export interface DirEntry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** An open file (Node's `FileHandle` subset): positioned reads and writes. */
export interface FileHandle {
  /** The operating system's file descriptor, where the platform has one (Node): lets worker threads write in place. */
  readonly fd?: number;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  writeFile(data: Uint8Array | string): Promise<void>;
  stat(): Promise<FileStats>;
  /** Flushes written bytes to storage. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Flags of {@link FileSystem.open}: read, write (truncate), write exclusive (fails if it exists), read+write (truncate). */
export type OpenFlags = 'r' | 'w' | 'wx' | 'w+';

/** File access by absolute path (`/`-separated on the web; the platform's own separator on Node). */
export interface FileSystem {
  readFile(path: string): Promise<Uint8Array>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  stat(path: string): Promise<FileStats>;
  readdir(path: string): Promise<string[]>;
  readdir(path: string, options: { withFileTypes: true }): Promise<DirEntry[]>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<unknown>;
  /** Moves `from` to `to`, replacing `to` (atomic where the file system is). */
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void>;
  /** Resolves when `path` exists, rejects (ENOENT) otherwise. */
  access(path: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  /** The canonical path (symbolic links resolved where the platform has them). */
  realpath(path: string): Promise<string>;
  open(path: string, flags: OpenFlags): Promise<FileHandle>;
  /** Creates a new folder named `prefix` + random characters and returns its path. */
  mkdtemp(prefix: string): Promise<string>;
}

/** Node's error code of a file error (`ENOENT`…), or undefined. */
export function fileErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** An Error with a Node-style `code`, as the web adaptor throws them. */
export function fileError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}
