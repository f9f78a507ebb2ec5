/**
 * The VS Code glue of the Pixel Classifier editor: a CustomEditorProvider whose documents are
 * {@link LabelDocument}s (house style: `labelEditorProvider.ts`).
 *
 * Lifecycle (custom-editor sample): `openCustomDocument` opens the image (and, from step 2 on, the
 * project or a hot-exit backup) → `resolveCustomEditor` sets up the webview (strict CSP,
 * `localResourceRoots` = dist + media only) → the webview sends `ready` → the controller answers
 * `init` and then serves planes on request. Every incoming message is validated first.
 */
import * as vscode from 'vscode';
import type { EditorSettings } from '../protocol';
import { LabelDocument, type LabelDocumentDeps } from './labelDocument';
import { DocumentController } from './documentController';
import { EditorRegistry, WebviewChannel } from './editorRegistry';
import { createNonce, renderWebviewHtml } from './webviewHtml';
import { errorText, type Logger } from './logger';

/** viewType of the default TIFF editor. */
export const VIEW_TYPE = 'pixelClassifier.labelEditor';
/** viewType of the same editor offered for PNG/JPEG through "Reopen Editor With…". */
export const VIEW_TYPE_OPTION = 'pixelClassifier.labelEditor.option';

/** Shared state of all editors of the extension. */
export interface EditorServices {
  extensionUri: vscode.Uri;
  logger: Logger;
  registry: EditorRegistry<LabelDocument>;
  /** Controllers by document (one per document, shared by its webviews). */
  controllers: Map<LabelDocument, DocumentController>;
  /** Builds document dependencies from the current configuration. */
  documentDeps(): LabelDocumentDeps;
  settings(document?: LabelDocument): EditorSettings;
  /** Creates the controller of a newly opened document. */
  createController(document: LabelDocument): DocumentController;
}

/** Options of every Pixel Classifier webview: scripts on, only our bundle and media readable. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The CustomEditorProvider registered for one viewType. */
export class LabelEditorProvider implements vscode.CustomEditorProvider<LabelDocument> {
  private readonly _onDidChangeCustomDocument = new vscode.EventEmitter<vscode.CustomDocumentEditEvent<LabelDocument>>();
  /** Edits (label strokes, class changes) for VS Code's undo stack and dirty state. */
  readonly onDidChangeCustomDocument = this._onDidChangeCustomDocument.event;

  constructor(readonly viewType: string, private readonly services: EditorServices) {}

  /** Registers a provider for `viewType`. */
  static register(viewType: string, services: EditorServices): vscode.Disposable {
    const provider = new LabelEditorProvider(viewType, services);
    return vscode.window.registerCustomEditorProvider(viewType, provider, {
      // Zoom/pan/brush live in webview state (getState/setState), so the webview can be recreated when hidden.
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: false,
    });
  }

  /** Fires a document edit event (used by the controller through the document). */
  fireEdit(e: vscode.CustomDocumentEditEvent<LabelDocument>): void {
    this._onDidChangeCustomDocument.fire(e);
  }

  async openCustomDocument(
    uri: vscode.Uri,
    _openContext: vscode.CustomDocumentOpenContext,
    _token: vscode.CancellationToken,
  ): Promise<LabelDocument> {
    const document = await LabelDocument.open(uri, this.services.documentDeps());
    const controller = this.services.createController(document);
    this.services.controllers.set(document, controller);
    document.onDidDispose(() => {
      this.services.controllers.delete(document);
      this.services.registry.delete(document);
    });
    return document;
  }

  async resolveCustomEditor(
    document: LabelDocument,
    panel: vscode.WebviewPanel,
    _token: vscode.CancellationToken,
  ): Promise<void> {
    const { extensionUri, registry, logger } = this.services;
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'editor.css')).toString(),
      title: document.fileName,
    });
    const channel = new WebviewChannel(webview, document.fileName);
    const unregister = registry.add(document, channel);
    const controller = this.services.controllers.get(document);
    const subscription = webview.onDidReceiveMessage((raw: unknown) => {
      if (!controller) return;
      controller.handle(channel, raw).catch((e) => logger.error(`${document.fileName}: ${errorText(e)}`));
    });
    panel.onDidDispose(() => {
      subscription.dispose();
      unregister();
    });
  }

  async saveCustomDocument(_document: LabelDocument, _cancellation: vscode.CancellationToken): Promise<void> {
    // Filled in by the labelling step (project save).
  }

  async saveCustomDocumentAs(_document: LabelDocument, _destination: vscode.Uri, _cancellation: vscode.CancellationToken): Promise<void> {
    // Filled in by the labelling step.
  }

  async revertCustomDocument(_document: LabelDocument, _cancellation: vscode.CancellationToken): Promise<void> {
    // Filled in by the labelling step.
  }

  async backupCustomDocument(
    _document: LabelDocument,
    context: vscode.CustomDocumentBackupContext,
    _cancellation: vscode.CancellationToken,
  ): Promise<vscode.CustomDocumentBackup> {
    return { id: context.destination.toString(), delete: () => undefined };
  }
}
