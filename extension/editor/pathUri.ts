/**
 * Paths → URIs for VS Code calls (issue #20). Project, editor and batch code work with absolute paths; on the
 * desktop they are `file:` URIs, in the browser they live on the workspace's own file system (`vscode-vfs://github/…`
 * on github.dev, `vscode-remote://…` under code-server), so the web entry installs its mapping here.
 */
import * as vscode from 'vscode';

let resolver: (path: string) => vscode.Uri = (path) => vscode.Uri.file(path);

/** Installs the path → URI mapping of the web build (extension/web/workspaceFileSystem.ts). */
export function setPathToUri(mapping: (path: string) => vscode.Uri): void {
  resolver = mapping;
}

/** The URI of an absolute path on the workspace's file system (`file:` on the desktop). */
export function pathToUri(path: string): vscode.Uri {
  return resolver(path);
}
