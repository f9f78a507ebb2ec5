/**
 * "Open in Pixel Classifier" on a `*.zarr` folder in the Explorer (issue #13): opens the OME-Zarr store in the
 * Pixel Classifier editor through its metadata file. From the command palette it asks for the folder.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pathToUri } from '../editor/pathUri';
import { zarrEntryFile } from '../node/openZarrImage';

/** Opens the OME-Zarr folder `folder` (or one the user picks) in the editor. */
export async function openZarrCommand(folder?: vscode.Uri): Promise<void> {
  let target = folder;
  if (!target) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Open in Pixel Classifier', title: 'Choose an OME-Zarr folder (*.zarr)' });
    target = picked?.[0];
  }
  if (!target) return;
  const folderPath = target.fsPath;
  const entry = await zarrEntryFile(folderPath);
  if (!entry) {
    void vscode.window.showErrorMessage(`${path.basename(folderPath)} is not a Zarr store: it has no zarr.json, .zattrs, .zgroup or .zarray.`);
    return;
  }
  // A custom editor opens files: the document is the metadata file, its image the enclosing store.
  await vscode.commands.executeCommand('vscode.openWith', pathToUri(entry), 'pixelClassifier.labelEditor');
}
