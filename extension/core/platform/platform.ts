/**
 * The platform port (issue #20): file access, hashing and the platform's name, installed once by each composition
 * root — the desktop extension and the CLI install the Node adaptor (extension/node/nodePlatform.ts), the browser
 * entry the `vscode.workspace.fs` one (extension/web/webPlatform.ts), unit tests the Node one (test/setupPlatform.ts).
 * Code above core reads files through {@link files} and hashes through {@link createSha256}, never through `node:*`.
 */
import type { FileSystem } from './fileSystem';

/** An incremental SHA-256. */
export interface Sha256 {
  update(data: Uint8Array | string): Sha256;
  /** Lowercase hex digest; the hash is finished afterwards. */
  digest(): string;
}

/** What a platform provides. */
export interface Platform {
  /** `node` (desktop, Remote, CLI, tests) or `web` (the browser's web-worker extension host). */
  name: 'node' | 'web';
  fs: FileSystem;
  createSha256(): Sha256;
  /** A small number identifying this process in temporary file names (Node: the pid). */
  processId: number;
  /** A folder for temporary files, where the platform has one (Node: `os.tmpdir()`; the web has none). */
  tempDir?(): string;
  /**
   * Synchronous real path of `path` (symbolic links resolved), or undefined when it does not exist. Node only: path
   * safety checks resolve symlinks with it; on the web `vscode.workspace.fs` offers no such call and the paths are
   * checked literally.
   */
  realpathSync?(path: string): string | undefined;
  /** Whether process `pid` is alive; absent where processes cannot be asked (the web). */
  isProcessAlive?(pid: number): boolean;
  /** Whether git ignores `file` (`git check-ignore`); absent where no git can run (the web). */
  gitIgnoreState?(file: string): Promise<'ignored' | 'not-ignored' | 'no-repo'>;
}

let current: Platform | undefined;

/** Installs the platform (each composition root does, before anything reads a file). */
export function installPlatform(platform: Platform): void {
  current = platform;
}

/** The installed platform. @throws when none was installed (a composition root forgot to). */
export function platform(): Platform {
  if (!current) throw new Error('no platform installed: call installPlatform() at the entry point (extension, CLI, worker or test setup)');
  return current;
}

/** A new SHA-256 of the installed platform. */
export function createSha256(): Sha256 {
  return platform().createSha256();
}

/** The installed platform's file system, as a value that can be imported before installation. */
export const files: FileSystem = {
  readFile: ((path: string, encoding?: 'utf8') => (encoding ? platform().fs.readFile(path, encoding) : platform().fs.readFile(path))) as FileSystem['readFile'],
  writeFile: (path, data) => platform().fs.writeFile(path, data),
  stat: (path) => platform().fs.stat(path),
  readdir: ((path: string, options?: { withFileTypes: true }) => (options ? platform().fs.readdir(path, options) : platform().fs.readdir(path))) as FileSystem['readdir'],
  mkdir: (path, options) => platform().fs.mkdir(path, options),
  rename: (from, to) => platform().fs.rename(from, to),
  rm: (path, options) => platform().fs.rm(path, options),
  access: (path) => platform().fs.access(path),
  copyFile: (from, to) => platform().fs.copyFile(from, to),
  realpath: (path) => platform().fs.realpath(path),
  open: (path, flags) => platform().fs.open(path, flags),
  mkdtemp: (prefix) => platform().fs.mkdtemp(prefix),
};
