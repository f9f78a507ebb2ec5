/**
 * Webview entry (bundled to dist/webview.js). The host page is just `<div id="app">` plus this script and
 * media/editor.css; everything else is built here. `acquireVsCodeApi()` is called exactly once.
 */
import './litNonce';
import { EditorApp } from './editorApp';
import type { VsCodeApi } from './rpc';

declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const api = acquireVsCodeApi();
  let root = document.getElementById('app');
  if (!root) {
    root = document.createElement('div');
    root.id = 'app';
    document.body.appendChild(root);
  }
  new EditorApp(api, root);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
