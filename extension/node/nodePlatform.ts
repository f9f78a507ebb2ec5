/**
 * The Node adaptor of the platform port (issue #20): `fs.promises`, `crypto.createHash`, `git check-ignore`. The
 * desktop extension, the CLI, the compute workers and the unit tests install it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileAccess } from '../core/platform/fileAccess';
import type { FileSystem } from '../core/platform/fileSystem';
import { installPlatform, type Platform, type Sha256 } from '../core/platform/platform';

/** `fs.promises` seen through the port (its signatures are a superset of the port's). */
export const nodeFileSystem: FileSystem = fs as unknown as FileSystem;

/** `fs.promises` with `node:path`, for the code the Node adaptors share with the browser ones. */
export const nodeFileAccess: FileAccess = { fs: nodeFileSystem, path, processId: () => process.pid };

function nodeSha256(): Sha256 {
  const hash = createHash('sha256');
  const wrapper: Sha256 = {
    update(data) { hash.update(data); return wrapper; },
    digest: () => hash.digest('hex'),
  };
  return wrapper;
}

/** Whether git ignores `file`, with `git -C <folder> check-ignore`. */
function gitIgnoreState(file: string): Promise<'ignored' | 'not-ignored' | 'no-repo'> {
  return new Promise((resolve) => {
    execFile('git', ['-C', path.dirname(file), 'check-ignore', '-q', '--', path.basename(file)], { timeout: 10_000 }, (error) => {
      if (!error) resolve('ignored');
      else resolve((error as { code?: unknown }).code === 1 ? 'not-ignored' : 'no-repo');
    });
  });
}

/** The Node platform. */
export const nodePlatform: Platform = {
  name: 'node',
  fs: nodeFileSystem,
  createSha256: nodeSha256,
  processId: process.pid,
  tempDir: () => os.tmpdir(),
  realpathSync(p) {
    if (!existsSync(p)) return undefined;
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  },
  isProcessAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: the process exists but belongs to someone else.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  gitIgnoreState,
};

/** Installs {@link nodePlatform} (idempotent). */
export function installNodePlatform(): void {
  installPlatform(nodePlatform);
}
