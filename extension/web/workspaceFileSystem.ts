/**
 * The browser's file access (issue #20): the platform port's {@link FileSystem} over `vscode.workspace.fs`, which
 * reaches the workspace wherever it lives (`vscode-vfs://github/…` on github.dev, `vscode-remote://…` under
 * code-server). Paths are the URIs' `/`-separated paths; {@link PathMapper} turns them back into URIs.
 *
 * `workspace.fs` has whole-file reads and writes only: an open file handle holds the file in memory and writes it
 * whole on `sync`/`close`. Renames replace their target, so write-temp-then-rename stays atomic where the
 * underlying file system's rename is. Errors carry Node's codes (ENOENT, EEXIST, …) so callers work unchanged.
 * VS Code's API is injected ({@link WorkspaceFsApi}), so unit tests run this adaptor over a fake.
 */
import { fileError, type DirEntry, type FileHandle, type FileStats, type FileSystem, type OpenFlags } from '../core/platform/fileSystem';
import * as posix from './posixPath';

/** `vscode.FileType` bits. */
export const FILE_TYPE = { File: 1, Directory: 2, SymbolicLink: 64 } as const;

/** The part of `vscode.workspace.fs` used, over the URI type `U`. */
export interface WorkspaceFsApi<U> {
  stat(uri: U): Thenable<{ type: number; size: number; mtime: number }>;
  readFile(uri: U): Thenable<Uint8Array>;
  writeFile(uri: U, content: Uint8Array): Thenable<void>;
  readDirectory(uri: U): Thenable<[string, number][]>;
  createDirectory(uri: U): Thenable<void>;
  delete(uri: U, options?: { recursive?: boolean; useTrash?: boolean }): Thenable<void>;
  rename(source: U, target: U, options?: { overwrite?: boolean }): Thenable<void>;
  copy(source: U, target: U, options?: { overwrite?: boolean }): Thenable<void>;
}

/** Absolute path → URI on the workspace's file system. */
export type PathMapper<U> = (path: string) => U;

/** Node's error code for a `vscode.FileSystemError` code. */
const CODES: Record<string, string> = {
  FileNotFound: 'ENOENT', EntryNotFound: 'ENOENT', FileExists: 'EEXIST', EntryExists: 'EEXIST',
  FileNotADirectory: 'ENOTDIR', EntryNotADirectory: 'ENOTDIR', FileIsADirectory: 'EISDIR', EntryIsADirectory: 'EISDIR',
  NoPermissions: 'EACCES', Unavailable: 'EAGAIN',
};

/** Re-throws a workspace.fs error with Node's `code` (keeping its message). */
function nodeStyle(error: unknown, path: string): never {
  const code = (error as { code?: unknown } | undefined)?.code;
  const mapped = typeof code === 'string' ? CODES[code] ?? (/^E[A-Z]+$/.test(code) ? code : undefined) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (mapped) throw Object.assign(fileError(mapped, `${path}: ${message}`), { cause: error });
  if (/not ?found|ENOENT/i.test(message)) throw Object.assign(fileError('ENOENT', `${path}: ${message}`), { cause: error });
  throw error;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function statsOf(s: { type: number; size: number; mtime: number }): FileStats {
  return {
    size: s.size,
    mtimeMs: s.mtime,
    isFile: () => (s.type & FILE_TYPE.File) !== 0,
    isDirectory: () => (s.type & FILE_TYPE.Directory) !== 0,
  };
}

/** A {@link FileSystem} over `workspace.fs`. */
export function workspaceFileSystem<U>(api: WorkspaceFsApi<U>, uriOf: PathMapper<U>): FileSystem {
  const call = async <T>(path: string, run: () => Thenable<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      return nodeStyle(error, path);
    }
  };
  const stat = async (path: string): Promise<FileStats> => statsOf(await call(path, () => api.stat(uriOf(path))));
  const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);
  const readBytes = async (path: string): Promise<Uint8Array> => {
    const s = await stat(path);
    if (s.isDirectory()) throw fileError('EISDIR', `${path}: is a directory`);
    return call(path, () => api.readFile(uriOf(path)));
  };
  const writeBytes = (path: string, data: Uint8Array | string): Promise<void> =>
    call(path, () => api.writeFile(uriOf(path), typeof data === 'string' ? encoder.encode(data) : data));

  async function readFile(path: string): Promise<Uint8Array>;
  async function readFile(path: string, encoding: 'utf8'): Promise<string>;
  async function readFile(path: string, encoding?: 'utf8'): Promise<Uint8Array | string> {
    const bytes = await readBytes(path);
    return encoding ? decoder.decode(bytes) : bytes;
  }

  async function readdir(path: string): Promise<string[]>;
  async function readdir(path: string, options: { withFileTypes: true }): Promise<DirEntry[]>;
  async function readdir(path: string, options?: { withFileTypes: true }): Promise<string[] | DirEntry[]> {
    const entries = await call(path, () => api.readDirectory(uriOf(path)));
    if (!options?.withFileTypes) return entries.map(([name]) => name);
    return entries.map(([name, type]) => ({
      name,
      isFile: () => (type & FILE_TYPE.File) !== 0,
      isDirectory: () => (type & FILE_TYPE.Directory) !== 0,
    }));
  }

  const fs: FileSystem = {
    readFile,
    writeFile: writeBytes,
    stat,
    readdir,
    async mkdir(path, options) {
      if (await exists(path)) {
        if (options?.recursive && (await stat(path)).isDirectory()) return undefined;
        throw fileError('EEXIST', `${path}: already exists`);
      }
      if (!options?.recursive && !(await exists(posix.dirname(path)))) throw fileError('ENOENT', `${posix.dirname(path)}: no such folder`);
      await call(path, () => api.createDirectory(uriOf(path)));
      return undefined;
    },
    rename: (from, to) => call(from, () => api.rename(uriOf(from), uriOf(to), { overwrite: true })),
    async rm(path, options) {
      try {
        await call(path, () => api.delete(uriOf(path), { recursive: options?.recursive ?? false, useTrash: false }));
      } catch (error) {
        if (options?.force && (error as { code?: string }).code === 'ENOENT') return;
        throw error;
      }
    },
    async access(path) {
      await stat(path);
    },
    copyFile: (from, to) => call(from, () => api.copy(uriOf(from), uriOf(to), { overwrite: true })),
    async realpath(path) {
      await stat(path);
      return posix.resolve(path); // workspace.fs resolves links itself and exposes no real path
    },
    async open(path, flags: OpenFlags) {
      if (flags === 'wx' && (await exists(path))) throw fileError('EEXIST', `${path}: already exists`);
      const initial = flags === 'r' ? await readBytes(path) : new Uint8Array(0);
      const handle = new BufferedFileHandle(initial, flags === 'r' ? undefined : (bytes) => writeBytes(path, bytes));
      if (flags !== 'r') await handle.sync(); // creates (truncates) the file now, as Node's open does
      return handle;
    },
    async mkdtemp(prefix) {
      for (;;) {
        const path = `${prefix}${Math.random().toString(36).slice(2, 8)}`;
        if (await exists(path)) continue;
        await call(path, () => api.createDirectory(uriOf(path)));
        return path;
      }
    },
  };
  return fs;
}

/**
 * A file held in memory: positioned reads and writes; written whole through `save` on sync and close when changed.
 * (workspace.fs has no partial writes.)
 */
export class BufferedFileHandle implements FileHandle {
  private bytes: Uint8Array;
  private length: number;
  private dirty = false;
  private closed = false;

  constructor(initial: Uint8Array, private readonly save: ((bytes: Uint8Array) => Promise<void>) | undefined) {
    this.bytes = initial;
    this.length = initial.length;
  }

  async read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    this.check();
    const n = Math.max(0, Math.min(length, this.length - position));
    buffer.set(this.bytes.subarray(position, position + n), offset);
    return { bytesRead: n };
  }

  async write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }> {
    this.check();
    if (!this.save) throw fileError('EBADF', 'file is open for reading only');
    const end = position + length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2, 65536));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(buffer.subarray(offset, offset + length), position);
    this.length = Math.max(this.length, end);
    this.dirty = true;
    return { bytesWritten: length };
  }

  async writeFile(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    this.length = 0;
    await this.write(bytes, 0, bytes.length, 0);
  }

  async stat(): Promise<FileStats> {
    return statsOf({ type: FILE_TYPE.File, size: this.length, mtime: Date.now() });
  }

  async sync(): Promise<void> {
    this.check();
    if (!this.save) return;
    await this.save(this.bytes.slice(0, this.length));
    this.dirty = false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.dirty) await this.sync();
    this.closed = true;
    this.bytes = new Uint8Array(0);
  }

  private check(): void {
    if (this.closed) throw fileError('EBADF', 'file is closed');
  }
}
