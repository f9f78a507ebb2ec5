/**
 * A fake `vscode.workspace.fs` for unit tests of the web build (issue #20): URIs are `{ path }` objects, files live on
 * the real disk, and errors are `vscode.FileSystemError`-like (`code: 'FileNotFound'` …) — what the web adaptor
 * (extension/web/workspaceFileSystem.ts) must translate. Counts calls, so tests can check whole-file access.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FILE_TYPE, type WorkspaceFsApi } from '../../extension/web/workspaceFileSystem';

/** A URI of the fake. */
export interface FakeUri { scheme: 'fake'; path: string }

function fsError(code: string, uri: FakeUri): Error {
  return Object.assign(new Error(`${code} (FileSystemError): ${uri.path}`), { code, name: `${code} (FileSystemError)` });
}

async function translate<T>(uri: FakeUri, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fsError('FileNotFound', uri);
    if (code === 'EEXIST') throw fsError('FileExists', uri);
    if (code === 'ENOTDIR') throw fsError('FileNotADirectory', uri);
    if (code === 'EISDIR') throw fsError('FileIsADirectory', uri);
    if (code === 'EACCES' || code === 'EPERM') throw fsError('NoPermissions', uri);
    throw error;
  }
}

/** The fake and its call counts. */
export function fakeWorkspaceFs(): { api: WorkspaceFsApi<FakeUri>; uriOf: (p: string) => FakeUri; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const count = (name: string) => { calls[name] = (calls[name] ?? 0) + 1; };
  const api: WorkspaceFsApi<FakeUri> = {
    stat: (uri) => translate(uri, async () => {
      count('stat');
      const s = await fs.stat(uri.path);
      return { type: s.isDirectory() ? FILE_TYPE.Directory : FILE_TYPE.File, size: s.size, mtime: s.mtimeMs };
    }),
    readFile: (uri) => translate(uri, async () => { count('readFile'); return new Uint8Array(await fs.readFile(uri.path)); }),
    writeFile: (uri, content) => translate(uri, async () => {
      count('writeFile');
      await fs.mkdir(path.dirname(uri.path), { recursive: true }); // workspace.fs creates parent folders
      await fs.writeFile(uri.path, content);
    }),
    readDirectory: (uri) => translate(uri, async () => {
      count('readDirectory');
      const entries = await fs.readdir(uri.path, { withFileTypes: true });
      return entries.map((e) => [e.name, e.isDirectory() ? FILE_TYPE.Directory : FILE_TYPE.File] as [string, number]);
    }),
    createDirectory: (uri) => translate(uri, async () => { count('createDirectory'); await fs.mkdir(uri.path, { recursive: true }); }),
    delete: (uri, options) => translate(uri, async () => {
      count('delete');
      await fs.stat(uri.path);
      await fs.rm(uri.path, { recursive: options?.recursive ?? false });
    }),
    rename: (from, to, options) => translate(from, async () => {
      count('rename');
      if (!options?.overwrite && (await fs.stat(to.path).then(() => true, () => false))) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
      await fs.rename(from.path, to.path);
    }),
    copy: (from, to) => translate(from, async () => { count('copy'); await fs.cp(from.path, to.path, { recursive: true }); }),
  };
  return { api, uriOf: (p) => ({ scheme: 'fake', path: p }), calls };
}
