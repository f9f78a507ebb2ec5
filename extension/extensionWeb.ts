/**
 * Browser entry point (`browser`: vscode.dev, github.dev, code-server's web-worker extension host) — issue #20.
 * Installs the web platform (file access through `vscode.workspace.fs`, pure-TS hashing), and activates the same
 * editor and commands as the desktop with compute in Web Workers started from a blob URL. Images are decoded in the
 * extension host (workers there cannot reach `workspace.fs`). No Node built-ins: the ESLint fences and the
 * browser build (esbuild.mjs) refuse them.
 */
import * as vscode from 'vscode';
import { activateWith } from './activateExtension';
import { WEB_TILED_VIEW_ABOVE_MEGAPIXELS } from './editor/editorConfig';
import { setPathToUri } from './editor/pathUri';
import { openImage } from './web/openImage';
import { installWebPlatform } from './web/webPlatform';
import { hasRealSharedMemory, installSharedArrayBufferEmulation } from './web/sharedMemory';
import { createDefaultWorker, defaultPoolSize, workersStarted } from './web/workerThreads';
import { WorkerPool } from './workers/workerPool';

/**
 * Feature-cache bound of one image in the browser: the labelled tiles' features, which training reads again after
 * every stroke (two tiles of 256² with all 49 features), and predicted tiles' features only for small feature sets
 * (FeatureCache.keeps: all 49 features of predicted tiles then stay in the workers instead of travelling to the
 * extension host to be evicted moments later).
 */
export const WEB_FEATURE_CACHE_BYTES = 32 * 2 ** 20;

/** Activates the extension in the browser's web-worker extension host. */
export function activate(context: vscode.ExtensionContext): void {
  // Before anything allocates "shared" buffers: without cross-origin isolation, SharedArrayBuffer is a stand-in.
  installSharedArrayBufferEmulation();
  const mapper = installWebPlatform();
  setPathToUri(mapper.uriOf);
  void vscode.commands.executeCommand('setContext', 'pixelClassifier.webHost', true);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((document) => mapper.remember(document.uri)),
    vscode.window.tabGroups.onDidChangeTabs((event) => {
      for (const tab of event.opened) {
        const input = tab.input as { uri?: vscode.Uri } | undefined;
        if (input?.uri instanceof vscode.Uri) mapper.remember(input.uri);
      }
    }),
    vscode.commands.registerCommand('pixelClassifier.hostInfo', () => {
      const info = webHostInfo();
      void vscode.window.showInformationMessage(`Pixel Classifier runs in the browser's web-worker extension host: ${JSON.stringify(info)}`);
      return info;
    }),
  );
  activateWith(context, {
    name: 'web',
    createPool: (abortGraceMs) => new WorkerPool({ size: defaultPoolSize(), createWorker: () => createDefaultWorker(), abortGraceMs }),
    openImage,
    decodeInWorkers: false,
    // The page holds the workbench, the webview, this extension host and its workers (issue #20: ≤ 500 MB).
    featureCacheCapBytes: WEB_FEATURE_CACHE_BYTES,
    // …and planes above 2 megapixels are shown as tiles unless the user set otherwise.
    settingDefaults: { tiledViewAboveMegapixels: WEB_TILED_VIEW_ABOVE_MEGAPIXELS },
    // Problems of earlier batch runs are restored as they were; a file since deleted shows its problem until the next run.
    fileExists: () => true,
  });
}

/** Which extension host runs the extension and whether shared memory is used (the web e2e test reads it). */
export function webHostInfo(): {
  host: 'web'; uiKind: string; processDefined: boolean; crossOriginIsolated: boolean; sharedMemory: boolean; workers: number;
  workersStarted: { shared: number; copy: number };
} {
  return {
    host: 'web',
    uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
    processDefined: typeof (globalThis as { process?: unknown }).process !== 'undefined',
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    sharedMemory: hasRealSharedMemory(),
    workers: defaultPoolSize(),
    workersStarted: { ...workersStarted },
  };
}

/** Nothing to do: every resource is in `context.subscriptions`. */
export function deactivate(): void {}
