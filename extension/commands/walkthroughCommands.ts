/**
 * The commands behind the walkthrough "Classify pixels in your first image": open the sample image, and show the
 * part of the Pixel Classifier editor each step is about (features, labelling, uncertainty). Predict Workspace and
 * Export are the existing commands.
 */
import * as vscode from 'vscode';
import { guardCommand } from './guardCommand';
import type { LabelDocument } from '../editor/labelDocument';
import type { DocumentController } from '../editor/documentController';
import type { UiCommand } from '../protocol';

/** What the walkthrough commands need from activate(). */
export interface WalkthroughServices {
  logger: vscode.LogOutputChannel;
  /** The sample image shipped with the extension (dist/sample/cells.tif). */
  sampleUri: vscode.Uri;
  /** Where the sample goes when no folder is open (the extension's global storage). */
  storageUri: vscode.Uri;
  viewType: string;
  activeDocument(): LabelDocument | undefined;
  documents(): LabelDocument[];
  controller(document: LabelDocument): DocumentController | undefined;
}

/** Folder, inside the first workspace folder, that receives the sample (labels are saved beside it). */
export const SAMPLE_FOLDER = 'pixel-classifier-sample';

/**
 * Copies the sample into the workspace (`pixel-classifier-sample/cells.tif`, so Predict Workspace finds it) or,
 * without a folder, into global storage — never over an existing file — and opens it in the editor.
 */
export async function openSample(services: WalkthroughServices): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const dir = folder && vscode.workspace.isTrusted ? vscode.Uri.joinPath(folder.uri, SAMPLE_FOLDER) : vscode.Uri.joinPath(services.storageUri, 'sample');
  const target = vscode.Uri.joinPath(dir, 'cells.tif');
  const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
  if (!exists) {
    await vscode.workspace.fs.createDirectory(dir);
    await vscode.workspace.fs.copy(services.sampleUri, target, { overwrite: false });
    services.logger.info(`Copied the sample image to ${target.fsPath}`);
  }
  await vscode.commands.executeCommand('vscode.openWith', target, services.viewType);
  return target;
}

/** Sends a UI command to the active editor, opening the sample first when no Pixel Classifier editor is open. */
async function showInEditor(services: WalkthroughServices, command: UiCommand): Promise<void> {
  let document: LabelDocument | undefined = services.activeDocument() ?? services.documents()[0];
  if (!document) {
    const uri = await openSample(services);
    document = services.documents().find((d) => d.uri.toString() === uri.toString());
  }
  const controller = document && services.controller(document);
  if (!document || !controller) throw new Error('the Pixel Classifier editor did not open');
  // Bring the editor to the front (the walkthrough page may cover it; a hidden webview is re-created when shown).
  if (services.activeDocument() !== document) await vscode.commands.executeCommand('vscode.openWith', document.uri, services.viewType);
  // A webview that is still loading keeps the command until its editor is built (see webview/editorApp.ts).
  controller.broadcast({ type: 'ui/command', command });
}

/** Registers the walkthrough commands. */
export function registerWalkthroughCommands(services: WalkthroughServices): vscode.Disposable[] {
  const guard = (name: string, run: () => Promise<unknown>) => guardCommand(services.logger, name, run);
  return [
    vscode.commands.registerCommand('pixelClassifier.openSample', guard('Open Sample Image', () => openSample(services))),
    vscode.commands.registerCommand('pixelClassifier.chooseFeatures', guard('Choose Features', () => showInEditor(services, 'chooseFeatures'))),
    vscode.commands.registerCommand('pixelClassifier.startLabelling', guard('Paint Labels', () => showInEditor(services, 'startLabelling'))),
    vscode.commands.registerCommand('pixelClassifier.showUncertainty', guard('Show Uncertainty', () => showInEditor(services, 'showUncertainty'))),
  ];
}
