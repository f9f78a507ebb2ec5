/**
 * The browser adaptor of the platform port (issue #20): file access through `vscode.workspace.fs`, SHA-256 in pure
 * TypeScript (identical digests to Node's), no temporary folder, no processes, no git. Paths are the `/`-separated
 * paths of the workspace's URIs; {@link WorkspacePathMapper} maps them back to URIs of the right file system.
 */
import * as vscode from 'vscode';
import { installPlatform, type Platform } from '../core/platform/platform';
import { PureSha256 } from '../core/platform/sha256';
import { workspaceFileSystem } from './workspaceFileSystem';

/**
 * Absolute path → URI: the workspace folder whose path contains it lends its scheme and authority (the longest
 * match); paths outside every folder use the scheme and authority of the last document opened, else of the first
 * folder, else `file:`.
 */
export class WorkspacePathMapper {
  private lastBase: vscode.Uri | undefined;

  /** Remembers the file system of an opened document. */
  remember(uri: vscode.Uri): void {
    this.lastBase = uri;
  }

  readonly uriOf = (path: string): vscode.Uri => {
    let best: vscode.Uri | undefined;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const root = folder.uri.path.replace(/\/+$/, '');
      if ((path === root || path.startsWith(`${root}/`)) && (!best || root.length > best.path.length)) best = folder.uri;
    }
    const base = best ?? this.lastBase ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    return base ? base.with({ path, query: '', fragment: '' }) : vscode.Uri.file(path);
  };
}

/** A random id for this extension host (temp file names; the web has no pid). */
function sessionId(): number {
  return 1_000_000 + (globalThis.crypto.getRandomValues(new Uint32Array(1))[0] % 1_000_000_000);
}

/** Installs the web platform over `vscode.workspace.fs`; returns the path mapper the editor also uses. */
export function installWebPlatform(): WorkspacePathMapper {
  const mapper = new WorkspacePathMapper();
  const platform: Platform = {
    name: 'web',
    fs: workspaceFileSystem(vscode.workspace.fs, mapper.uriOf),
    createSha256: () => new PureSha256(),
    processId: sessionId(),
  };
  installPlatform(platform);
  return mapper;
}
