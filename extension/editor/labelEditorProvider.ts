/**
 * The VS Code glue of the Pixel Classifier editor: a CustomEditorProvider whose documents are
 * {@link LabelDocument}s (house style: `labelEditorProvider.ts`).
 *
 * Lifecycle (custom-editor sample): `openCustomDocument` opens the image and its project (or the
 * hot-exit backup named by `backupId`) → `resolveCustomEditor` sets up the webview (strict CSP,
 * `localResourceRoots` = dist + media only) → the webview sends `ready` → the controller answers
 * `init` and then serves planes on request. Every incoming message is validated first.
 */
import * as vscode from 'vscode';
import { pathToUri } from './pathUri';
import * as path from 'node:path';
import { deleteBackup, readBackup } from './backup';
import { chooseImagePath } from './hdf5DatasetChoice';
import type { EditorSettings } from '../protocol';
import { LabelDocument, type LabelDocumentDeps } from './labelDocument';
import { DocumentController } from './documentController';
import { EditorRegistry, WebviewChannel } from './editorRegistry';
import { createNonce, renderWebviewHtml } from './webviewHtml';
import { errorText, type Logger } from './logger';
import { ImageFileWatch, statVersion } from './imageFileWatch';
import { modelCachePath } from '../project/projectFile';
import { addToGitignore, gitIgnoreState, MODEL_CACHE_PATTERN } from '../project/gitignore';
import { usableProjects } from './usableProjects';
import { focusOnOpen } from './focusOnOpen';

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
  /** The document of the active Pixel Classifier editor (for commands). */
  active: LabelDocument | undefined;
  /** Remembers per-folder answers (the .gitignore offer is made once per folder). */
  memento?: vscode.Memento;
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

  async openCustomDocument(
    uri: vscode.Uri,
    openContext: vscode.CustomDocumentOpenContext,
    _token: vscode.CancellationToken,
  ): Promise<LabelDocument> {
    // Hot exit: VS Code hands back the backup we wrote (backupId = its file URI).
    const backupFile = openContext.backupId ? vscode.Uri.parse(openContext.backupId).fsPath : undefined;
    // An HDF5 file holds datasets: open the one asked for, the obvious one, or the one the user picks.
    const restoredImage = backupFile ? await readBackup(backupFile).then((b) => b.imagePath, () => undefined) : undefined;
    const imagePath = restoredImage ?? await chooseImagePath(uri.fsPath);
    if (imagePath === undefined) throw new Error(`${path.basename(uri.fsPath)}: no dataset chosen`);
    const document = await LabelDocument.open(uri, this.services.documentDeps(), backupFile, imagePath);
    const controller = this.services.createController(document);
    this.services.controllers.set(document, controller);
    const editSubscription = document.onDidEdit((edit) => this._onDidChangeCustomDocument.fire({ document, ...edit }));
    // The image changing or disappearing while open: say so, keep the labels, offer a reload (issue #7).
    const watch = new ImageFileWatch(document, {
      watcher: vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(pathToUri(path.dirname(document.imageFile)), path.basename(document.imageFile)),
      ),
      logger: this.services.logger,
      broadcast: (body) => controller.broadcast(body),
      notify: (message, ...actions) => vscode.window.showWarningMessage(message, ...actions),
      stat: statVersion,
    });
    document.onDidDispose(() => {
      watch.dispose();
      editSubscription.dispose();
      controller.dispose();
      this.services.controllers.delete(document);
      this.services.registry.delete(document);
    });
    if (document.candidates.length > 0 && !backupFile) void this.offerProjects(document);
    return document;
  }

  /**
   * Offers to add the image to an existing project of its folder (multi-image projects), in the editor's
   * banner: a question that can wait, not a toast over the canvas (issue #14).
   */
  private async offerProjects(document: LabelDocument): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    const controller = this.services.controllers.get(document);
    const image = document.image;
    if (!controller || !image) return;
    // Only projects whose classifier can use this image (channels, 2D/3D, size): never offer a dead end.
    const usable = await usableProjects(document.fileName, image.info, document.candidates, (line) => this.services.logger.info(line));
    if (usable.length === 0 || document.isDisposed) return;
    document.candidates = usable;
    const names = usable.map((f) => path.basename(f));
    const separate = 'Keep Separate';
    const choice = await controller.ask(
      `Add ${document.fileName} to ${names.length === 1 ? `project ${names[0]}` : 'an existing project'}? ` +
        'The labels of all images of a project train one classifier.',
      [...names.slice(0, 3).map((n) => `Add to ${n}`), separate],
    );
    if (!choice || choice === separate || document.isDisposed) return;
    const file = document.candidates[names.indexOf(choice.slice('Add to '.length))];
    try {
      await document.adoptProject(file);
    } catch (e) {
      const message = `${document.fileName}: cannot use project ${path.basename(file)}: ${errorText(e)}`;
      this.services.logger.error(message);
      void vscode.window.showErrorMessage(message);
    }
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
    if (panel.active) this.services.active = document;
    focusOnOpen(panel);
    const viewState = panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.services.active = document;
      else if (this.services.active === document) this.services.active = undefined;
    });
    panel.onDidDispose(() => {
      subscription.dispose();
      viewState.dispose();
      unregister();
      if (this.services.active === document) this.services.active = undefined;
    });
  }

  async saveCustomDocument(document: LabelDocument, _cancellation: vscode.CancellationToken): Promise<void> {
    this.assertWritable(document);
    await this.reportFailure(document, 'save', () => document.save());
    await this.services.controllers.get(document)?.live?.afterSave();
    void this.offerGitignore(document).catch((e) => this.services.logger.warn(`.gitignore offer: ${errorText(e)}`));
  }

  /**
   * Once per folder, when the project is in a git work tree whose ignore rules do not cover the model cache:
   * offers to add `*.pixelclass.model` to the folder's `.gitignore` (in the editor's banner).
   */
  private async offerGitignore(document: LabelDocument): Promise<void> {
    const memento = this.services.memento;
    const controller = this.services.controllers.get(document);
    if (!memento || !controller || !document.projectFile) return;
    const folder = path.dirname(document.projectFile);
    const key = `pixelClassifier.gitignoreOffered:${folder}`;
    if (memento.get(key)) return;
    const cache = modelCachePath(document.projectFile);
    if (!(await vscode.workspace.fs.stat(pathToUri(cache)).then(() => true, () => false))) return;
    if ((await gitIgnoreState(cache)) !== 'not-ignored') return;
    await memento.update(key, true);
    const add = 'Add to .gitignore';
    const choice = await controller.ask(
      `${path.basename(cache)} is the trained model: it is rebuilt from the project and changes with every training. ` +
        `Add ${MODEL_CACHE_PATTERN} to .gitignore in this folder?`,
      [add, 'Not Now'],
    );
    if (choice !== add) return;
    await addToGitignore(folder);
    this.services.logger.info(`Added ${MODEL_CACHE_PATTERN} to ${path.join(folder, '.gitignore')}`);
  }

  /** Save As: see {@link LabelDocument.saveAs} (project copy, or image + labels duplicated under a new name). */
  async saveCustomDocumentAs(document: LabelDocument, destination: vscode.Uri, _cancellation: vscode.CancellationToken): Promise<void> {
    this.assertWritable(document);
    await this.reportFailure(document, 'save as', () => document.saveAs(destination.fsPath));
  }

  async revertCustomDocument(document: LabelDocument, _cancellation: vscode.CancellationToken): Promise<void> {
    await this.reportFailure(document, 'revert', () => document.revert());
  }

  async backupCustomDocument(
    document: LabelDocument,
    context: vscode.CustomDocumentBackupContext,
    _cancellation: vscode.CancellationToken,
  ): Promise<vscode.CustomDocumentBackup> {
    const file = context.destination.fsPath;
    await this.reportFailure(document, 'backup', () => document.backup(file));
    return {
      id: context.destination.toString(),
      delete: () => {
        void deleteBackup(file).catch(() => undefined);
      },
    };
  }

  private assertWritable(document: LabelDocument): void {
    if (this.services.settings(document).readOnly) {
      throw new Error(`${document.fileName}: saving is disabled in Restricted Mode (trust the workspace to save labels)`);
    }
  }

  /** Runs a save-like operation; failures are logged with the file and re-thrown so VS Code shows them. */
  private async reportFailure(document: LabelDocument, what: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (e) {
      this.services.logger.error(`${document.fileName}: ${what} failed: ${errorText(e)}`);
      throw e;
    }
  }
}
