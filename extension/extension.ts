/**
 * Desktop entry point (`main`: VS Code desktop, Remote, code-server's Node extension host). Installs the Node
 * platform (file access through `fs`, hashing through `crypto`) and activates with worker_threads compute workers.
 * The browser entry is extensionWeb.ts (issue #20).
 */
import type * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { activateWith } from './activateExtension';
import { installNodePlatform } from './node/nodePlatform';
import { openImage } from './node/openImage';
import { WorkerPool } from './workers/workerPool';

/** Activates the extension in a Node extension host. */
export function activate(context: vscode.ExtensionContext): void {
  installNodePlatform();
  activateWith(context, {
    name: 'node',
    createPool: (abortGraceMs) => new WorkerPool({ workerScript: path.join(context.extensionPath, 'dist', 'computeWorker.js'), abortGraceMs }),
    openImage,
    decodeInWorkers: true,
    fileExists: (file) => existsSync(file),
  });
}

/** Nothing to do: every resource is in `context.subscriptions`. */
export function deactivate(): void {}
